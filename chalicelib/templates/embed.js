// Runs inside the hosted Signup form. When the form sits in an <iframe> on the
// municipality's page, tell that page how tall we are, so the frame can fit us
// without a scroll bar. Only the page that embeds us gets the message.
(function () {
  "use strict";
  if (window.parent === window || !document.referrer) {
    return;
  }
  var parentOrigin;
  try {
    parentOrigin = new URL(document.referrer).origin;
  } catch (error) {
    return;
  }
  function report() {
    window.parent.postMessage(
      { signup: "height", height: document.documentElement.scrollHeight },
      parentOrigin
    );
  }
  window.addEventListener("load", report);
  window.addEventListener("resize", report);
  if (window.ResizeObserver) {
    new ResizeObserver(report).observe(document.body);
  }
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
})();
