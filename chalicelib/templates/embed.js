// Runs inside the hosted Signup form. When the form sits in an <iframe> on the
// municipality's page, tell that page how tall we are, so the frame can fit us
// without a scroll bar. Only the page that embeds us gets the message.
//
// Also: a question asked only for some answers of another (`show_when`) is hidden until one
// of them is chosen. Without this script every question shows, saying its condition in words,
// and the server drops an answer whose condition does not hold.
(function () {
  "use strict";
  var form = document.querySelector("form[method=post]");
  var conditional = document.querySelectorAll("[data-show-when]");
  function chosen(name) {
    var values = [];
    form.querySelectorAll("input[name='" + name + "']").forEach(function (input) {
      if (input.checked) {
        values.push(input.value);
      }
    });
    return values;
  }
  function showOrHide() {
    conditional.forEach(function (group) {
      var wanted = group.getAttribute("data-show-values").split(" ");
      var shown = chosen(group.getAttribute("data-show-when")).some(function (value) {
        return wanted.indexOf(value) !== -1;
      });
      group.hidden = !shown;
      var words = group.querySelector(".condition");
      if (words) {
        words.hidden = true; // the question appears exactly when it applies: no need to say when
      }
    });
  }
  if (form && conditional.length) {
    form.addEventListener("change", showOrHide);
    showOrHide();
  }
})();
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
