// Search as you type on the console's people and check-in pages. Without this script both pages work
// as plain GET forms and POST buttons; with it, the list below the form is fetched again as the
// organiser types or taps, and only that part of the page is replaced (focus and typing stay put).
(function () {
  "use strict";
  var form = document.querySelector("form[data-live]");
  var results = document.getElementById("results");
  var status = document.getElementById("live-status");
  if (!form || !results || !window.fetch || !window.DOMParser) return;
  var timer = null;
  var latest = 0;

  function queryUrl() {
    var params = new URLSearchParams(new FormData(form));
    return form.getAttribute("action") + "?" + params.toString();
  }

  // Put the fetched page's list (and its one-line summary) in place of ours.
  function swap(html, focusId) {
    var fresh = new DOMParser().parseFromString(html, "text/html");
    var list = fresh.getElementById("results");
    if (!list) return false;
    results.innerHTML = list.innerHTML;
    var said = fresh.getElementById("live-status");
    if (status && said) status.textContent = said.textContent;
    // The door page's count of arrivals moves with each tap.
    var arrived = document.getElementById("arrived");
    var counted = fresh.getElementById("arrived");
    if (arrived && counted) arrived.textContent = counted.textContent;
    if (focusId) {
      var target = document.getElementById(focusId);
      if (target) target.focus();
    }
    return true;
  }

  function refresh() {
    var url = queryUrl();
    var ticket = ++latest;
    fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok || response.redirected) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) {
        // A slow answer to an earlier keystroke must not replace a newer one.
        if (ticket === latest && swap(html)) window.history.replaceState(null, "", url);
      })
      .catch(function () {
        // Signed out or offline: the form still works by pressing the button.
      });
  }

  form.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 200);
  });
  form.addEventListener("change", function (event) {
    if (event.target.tagName === "SELECT") refresh();
  });

  // Check-in: a tap posts in the background and keeps the search; focus returns to the same
  // person's button, which now offers the opposite (undo).
  results.addEventListener("submit", function (event) {
    var tap = event.target;
    if (!tap.hasAttribute("data-tap")) return;
    event.preventDefault();
    var button = tap.querySelector("button");
    if (button) button.disabled = true;
    fetch(tap.getAttribute("action"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "text/html" },
      body: new URLSearchParams(new FormData(tap)).toString(),
    })
      .then(function (response) {
        return response.text().then(function (html) {
          if (!swap(html, tap.getAttribute("data-tap"))) throw new Error(String(response.status));
        });
      })
      .catch(function () {
        // Fall back to the plain post: the page says what happened.
        tap.submit();
      });
  });
})();
