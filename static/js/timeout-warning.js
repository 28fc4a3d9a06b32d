// The timeout warning (templates/includes/timeout_warning.html), after the GOV.UK and HMRC
// timeout warning pattern (WCAG 2.2.1): before the server signs an idle person out
// (accounts/sessions.py), a modal dialog counts down and offers to keep them signed in.
//
// - "Stay signed in", or Escape, asks the server to note activity (a POST to the keep-alive
//   address) and starts the count again; "Sign out" signs out as the header's link does.
// - Focus moves into the dialog when it opens and back to where it was when it closes; the
//   rest of the page cannot be reached meanwhile (a native modal dialog).
// - The visible countdown changes every second but is hidden from screen readers, which hear
//   a quieter live region: each minute, then every 20 seconds.
// - When the time is up the page goes to the sign-in page, where the server says why.
// - Every tab of the service shares one session: a page opened or kept alive in one tab starts
//   the count again in the others, so an idle tab does not warn while another is in use.

const dialog = document.getElementById("timeout-warning");

if (dialog && typeof dialog.showModal === "function") {
  startTimeoutWarning(dialog);
}

function startTimeoutWarning(dialog) {
  const idleMs = Number(dialog.dataset.idleSeconds) * 1000;
  const warningMs = Number(dialog.dataset.warningSeconds) * 1000;
  // Leave a moment after the server's limit, so the page's last request finds the session
  // already ended rather than counting as activity.
  const graceMs = 1000;
  const keepAliveUrl = dialog.dataset.keepAliveUrl;
  const signedOutUrl = dialog.dataset.signedOutUrl;
  const csrfToken = dialog.querySelector("input[name=csrfmiddlewaretoken]").value;
  const countdown = dialog.querySelector(".js-timeout-countdown");
  const announcement = dialog.querySelector(".js-timeout-announcement");
  const stayButton = dialog.querySelector(".js-timeout-stay");
  const tabs = "BroadcastChannel" in window ? new BroadcastChannel("peercare-session") : null;

  let deadline = 0;
  let warningTimer = null;
  let ticker = null;
  let lastAnnounced = "";
  let returnFocusTo = null;

  function restart() {
    clearTimeout(warningTimer);
    clearInterval(ticker);
    deadline = Date.now() + idleMs;
    warningTimer = setTimeout(open, Math.max(0, idleMs - warningMs));
  }

  function open() {
    returnFocusTo = document.activeElement;
    lastAnnounced = "";
    tick();
    ticker = setInterval(tick, 250);
    dialog.showModal();
    stayButton.focus();
  }

  function close() {
    clearInterval(ticker);
    if (dialog.open) {
      dialog.close();
    }
    if (returnFocusTo && document.contains(returnFocusTo)) {
      returnFocusTo.focus();
    }
    returnFocusTo = null;
  }

  function tick() {
    const msLeft = deadline - Date.now();
    if (msLeft <= -graceMs) {
      clearInterval(ticker);
      window.location.assign(signedOutUrl);
      return;
    }
    const secondsLeft = Math.max(0, Math.ceil(msLeft / 1000));
    countdown.textContent = inWords(secondsLeft);
    const spoken = inWords(
      secondsLeft > 60 ? Math.ceil(secondsLeft / 60) * 60 : Math.ceil(secondsLeft / 20) * 20,
    );
    if (spoken !== lastAnnounced) {
      lastAnnounced = spoken;
      announcement.textContent = `For your security, we will sign you out in ${spoken}.`;
    }
  }

  async function staySignedIn() {
    close();
    try {
      // "manual": a session already ended answers with a redirect to the sign-in page, which
      // is left for the browser to follow below so that it shows why.
      const response = await fetch(keepAliveUrl, {
        method: "POST",
        headers: { "X-CSRFToken": csrfToken },
        credentials: "same-origin",
        redirect: "manual",
      });
      if (response.status === 204) {
        restart();
        tabs?.postMessage("active");
        return;
      }
    } catch {
      // No answer: the server decides on the next page whether the session still lasts.
    }
    window.location.assign(signedOutUrl);
  }

  stayButton.addEventListener("click", staySignedIn);
  // Escape closes a modal dialog: here it means "stay signed in", the safe choice.
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    staySignedIn();
  });
  tabs?.addEventListener("message", () => {
    close();
    restart();
  });

  restart();
  tabs?.postMessage("active");
}

function inWords(seconds) {
  const plural = (count, unit) => `${count} ${unit}${count === 1 ? "" : "s"}`;
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  if (minutes === 0) {
    return plural(rest, "second");
  }
  return rest === 0
    ? plural(minutes, "minute")
    : `${plural(minutes, "minute")} ${plural(rest, "second")}`;
}
