// The review app's only script (served from the app; the CSP allows no inline script).
// Copy buttons, and single-key shortcuts that can be turned off (WCAG 2.1.4).
(function () {
  "use strict";
  var KEY = "houserules-shortcuts";
  function shortcutsOn() { return window.localStorage.getItem(KEY) !== "off"; }
  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }
  function say(text) {
    var status = document.getElementById("copy-status");
    if (status) { status.textContent = text; }
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.copy");
    if (button) {
      var source = document.getElementById(button.getAttribute("data-copy"));
      if (!source) { return; }
      var text = source.textContent.trim();
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(function () { say("Official line copied."); },
          function () { say("Copy failed: select the text and copy it."); });
      } else { say("Copy failed: select the text and copy it."); }
      button.textContent = "Copied";
      return;
    }
    var toggle = event.target.closest("#shortcuts-toggle");
    if (toggle) {
      window.localStorage.setItem(KEY, shortcutsOn() ? "off" : "on");
      showToggle();
    }
  });
  function showToggle() {
    var toggle = document.getElementById("shortcuts-toggle");
    if (!toggle) { return; }
    toggle.textContent = shortcutsOn() ? "Turn shortcuts off" : "Turn shortcuts on";
    toggle.setAttribute("aria-pressed", shortcutsOn() ? "true" : "false");
  }
  var current = -1;
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("tbody#rows tr[data-item]")); }
  function move(step) {
    var list = rows();
    if (!list.length) { return; }
    current = Math.max(0, Math.min(list.length - 1, current + step));
    list.forEach(function (row, i) { row.classList.toggle("row-current", i === current); });
    var link = list[current].querySelector("a.item-link");
    if (link) { link.focus(); }
  }
  document.addEventListener("keydown", function (event) {
    if (!shortcutsOn() || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    var key = event.key;
    if (key === "j") { move(1); event.preventDefault(); return; }
    if (key === "k") { move(-1); event.preventDefault(); return; }
    if (key === "o" && current >= 0) {
      var link = rows()[current].querySelector("a.item-link");
      if (link) { link.click(); }
      return;
    }
    var target = document.querySelector("[data-shortcut='" + key + "']");
    if (target) {
      // Move to the decision's reason box: a decision always needs a reason, so a key
      // press alone never decides anything.
      var form = target.closest("form");
      var reason = form && form.querySelector("textarea");
      (reason || target).focus();
      event.preventDefault();
    }
  });
  document.addEventListener("DOMContentLoaded", showToggle);
})();
