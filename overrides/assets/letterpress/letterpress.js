/* Letterpress: chapter links and "Listen from here" seek the essay's player.
   Without JavaScript the same links open the recording at the #t= offset. */
(function () {
  "use strict";

  function player() {
    return document.querySelector("[data-lp-player]");
  }

  function whenReady(audio, action) {
    if (audio.readyState >= 1) {
      action();
      return;
    }
    audio.addEventListener("loadedmetadata", action, { once: true });
    audio.preload = "metadata";
    audio.load();
  }

  function seek(seconds, play) {
    var audio = player();
    if (!audio) return false;
    whenReady(audio, function () {
      audio.currentTime = seconds;
      if (play) {
        var started = audio.play();
        if (started && started.catch) started.catch(function () {});
      }
    });
    return true;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-lp-seek]") : null;
    if (!link || !player()) return;
    event.preventDefault();
    seek(Number(link.getAttribute("data-lp-seek")), true);
    var listen = document.getElementById("listen");
    if (listen) listen.scrollIntoView({ block: "nearest" });
    player().focus();
  });

  // /essays/<slug>/#t=70 (the email's chapter links) seeks the player.
  var match = /^#t=(\d+(?:\.\d+)?)$/.exec(window.location.hash);
  if (match && seek(Number(match[1]), false)) {
    var listen = document.getElementById("listen");
    if (listen) listen.scrollIntoView();
  }
})();
