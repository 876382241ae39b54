/* Letterpress: the sign-up form posts as a plain form with or without this
   script. With it, the button says "Sending…" and a second click does nothing. */
(function () {
  "use strict";

  function reset(form) {
    var button = form.querySelector("button[type=submit]");
    form.removeAttribute("aria-busy");
    if (button && button.dataset.lpLabel) {
      button.disabled = false;
      button.textContent = button.dataset.lpLabel;
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-lp-subscribe]")) return;
    if (form.getAttribute("aria-busy") === "true") {
      event.preventDefault();
      return;
    }
    var email = form.querySelector("input[name=email]");
    if (email) email.value = email.value.trim();
    var button = form.querySelector("button[type=submit]");
    form.setAttribute("aria-busy", "true");
    if (button) {
      button.dataset.lpLabel = button.textContent;
      button.textContent = "Sending…";
      // Disabled after this tick, so the browser still submits the form.
      setTimeout(function () { button.disabled = true; }, 0);
    }
  });

  // Coming back with the Back button shows the page from the cache: make it usable again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("[data-lp-subscribe]").forEach(reset);
  });
})();
