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

  function showPlayer() {
    var listen = document.getElementById("listen");
    if (listen) listen.scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-lp-seek]") : null;
    if (!link || !player()) return;
    event.preventDefault();
    seek(Number(link.getAttribute("data-lp-seek")), true);
    showPlayer();
    player().focus();
  });

  // /essays/<slug>/#t=70 (the email's chapter links) seeks the player.
  function seekToHash() {
    var match = /^#t=(\d+(?:\.\d+)?)$/.exec(window.location.hash);
    if (match && seek(Number(match[1]), false)) showPlayer();
  }
  seekToHash();
  window.addEventListener("hashchange", seekToHash);

  // Mark the chapter being heard, so the list shows where the narration is.
  var audio = player();
  var links = document.querySelectorAll("#listen .lp-chapters a[data-lp-seek]");
  if (audio && links.length) {
    audio.addEventListener("timeupdate", function () {
      var current = -1;
      for (var i = 0; i < links.length; i++) {
        if (Number(links[i].getAttribute("data-lp-seek")) <= audio.currentTime) current = i;
      }
      for (var j = 0; j < links.length; j++) {
        if (j === current) links[j].setAttribute("aria-current", "true");
        else links[j].removeAttribute("aria-current");
      }
    });
  }
})();
