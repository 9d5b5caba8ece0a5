// Offer alerts on the agent page, so an offer is not missed in its few seconds: a short tone (Web Audio,
// made here, so there is no sound file to fetch), a desktop notification (permission asked at sign-in,
// login.js, or by the "enable" button), and the count of waiting offers in the tab title.
const OfferAlerts = (() => {
  const shown = new Map();  // request_id -> its Notification, closed once the offer is gone
  let audio = null;
  let unlocked = false;  // the page has had a click or key press: browsers play sound only after one

  function context() {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!audio && Ctx) audio = new Ctx();
    return audio;
  }

  function unlock() {
    unlocked = true;
    const ctx = context();
    if (ctx && ctx.state === "suspended") ctx.resume().catch(() => {});
    refreshButton();
  }

  // Two short rising beeps (A5, then D6), soft attack and release so they do not click or startle.
  function tone() {
    const ctx = context();
    if (!ctx) return;
    if (ctx.state === "suspended") ctx.resume().catch(() => {});
    const start = ctx.currentTime + 0.01;
    for (const [frequency, offset] of [[880, 0], [1175, 0.18]]) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = "sine";
      osc.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.3, start + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.15);
      osc.connect(gain).connect(ctx.destination);
      osc.start(start + offset);
      osc.stop(start + offset + 0.16);
    }
  }

  function notify(offer, seconds) {
    if (!("Notification" in window) || Notification.permission !== "granted") return;
    // Reason, language and channel only: a desktop notification can show on a locked screen, so it
    // carries nothing the customer said and no customer number.
    const body = tr("offer_notification_body", {
      reason: reasonLabel(offer.reason), language: offer.language || "", channel: offer.channel || "", s: seconds,
    });
    const note = new Notification(tr("offer_notification_title"), { body, tag: `offer-${offer.request_id}` });
    note.onclick = () => { window.focus(); note.close(); };
    shown.set(offer.request_id, note);
  }

  function refreshButton() {
    const button = document.getElementById("enable-alerts");
    if (!button) return;
    const askNotifications = "Notification" in window && Notification.permission === "default";
    button.hidden = unlocked && !askNotifications;
  }

  document.addEventListener("pointerdown", unlock, { capture: true });
  document.addEventListener("keydown", unlock, { capture: true });
  const button = document.getElementById("enable-alerts");
  if (button) {
    button.addEventListener("click", async () => {
      unlock();
      tone();  // so the agent hears what an offer sounds like (before the permission prompt, which may wait)
      if ("Notification" in window && Notification.permission === "default") await Notification.requestPermission();
      refreshButton();
    });
  }
  refreshButton();

  return {
    arrived(offer, seconds) { tone(); notify(offer, seconds); },
    gone(requestId) {
      const note = shown.get(requestId);
      if (note) note.close();
      shown.delete(requestId);
    },
    title(waiting) { document.title = (waiting ? `(${waiting}) ` : "") + tr("console"); },
  };
})();
