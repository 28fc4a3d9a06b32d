// A file being prepared in the background: check its page every few seconds and show how far it
// has got, then the download when it is ready. Without JavaScript the page has a "Check again"
// button. Checking stops after 10 minutes, so an open page does not keep the session alive.
(function () {
  var region = document.querySelector("[data-file-progress]");
  if (!region) {
    return;
  }
  var stopAt = Date.now() + 10 * 60 * 1000;
  var again = region.querySelector("[data-check-again]");
  if (again) {
    again.hidden = true;
  }

  function check() {
    if (Date.now() > stopAt) {
      if (again) {
        again.hidden = false;
      }
      return;
    }
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (response) {
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var next = page.querySelector("[data-file-progress]");
        if (next) {
          region.querySelector("[data-progress-text]").textContent =
            next.querySelector("[data-progress-text]").textContent;
          var bar = region.querySelector("progress");
          bar.value = next.querySelector("progress").value;
          bar.textContent = next.querySelector("progress").textContent;
          window.setTimeout(check, 3000);
          return;
        }
        // Finished: show the finished page, and move focus to its heading for screen readers.
        var main = document.getElementById("main-content");
        main.innerHTML = page.getElementById("main-content").innerHTML;
        var heading = main.querySelector("h1");
        heading.setAttribute("tabindex", "-1");
        heading.focus();
      })
      .catch(function () {
        window.setTimeout(check, 10000);
      });
  }

  window.setTimeout(check, 3000);
})();
