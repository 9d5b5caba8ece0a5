// Whispers (handoff/whisper.py): a supervisor's note to the agent of a live conversation. The agent's
// page shows them in their own card; the supervisor's page sends them from the conversation it watches.
// The customer never gets one: they travel on the agent's and supervisors' channels, not the chat's.
Object.assign(I18N.zh, {
  whispers: "主管悄悄话（客户看不到）", whisper_placeholder: "悄悄提醒坐席，客户看不到…", whisper_send: "悄悄话",
  whisper_from: "{name} 悄悄说", whisper_other: "（会话 {cid}）",
});
Object.assign(I18N.en, {
  whispers: "Supervisor whispers (the customer never sees them)", whisper_placeholder: "A note to the agent; the customer never sees it…",
  whisper_send: "Whisper", whisper_from: "{name} whispers", whisper_other: "(conversation {cid})",
});

const Whispers = (() => {
  const card = document.getElementById("whispers-card");
  const box = document.getElementById("whispers");
  const form = document.getElementById("whisper-form");  // the supervisor's page only
  const input = document.getElementById("whisper-input");
  let cid = null;

  function show(w) {
    const other = w.conversation_id !== cid;
    box.append(el("div", { class: "whisper" + (other ? " other" : ""), "data-conversation": w.conversation_id },
      el("b", {}, tr("whisper_from", { name: w.author })), " ", el("span", { class: "text" }, w.text),
      other ? el("span", { class: "muted" }, " " + tr("whisper_other", { cid: w.conversation_id })) : null,
      el("span", { class: "muted" }, " · " + new Date(w.at * 1000).toLocaleTimeString())));
    card.hidden = false;
    box.scrollTop = box.scrollHeight;
  }

  if (form) {
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const text = input.value.trim();
      if (!cid || !text) return;
      try { await api("POST", `/api/console/conversations/${encodeURIComponent(cid)}/whispers`, { text }); input.value = ""; }
      catch (err) { alert(err.message); }
    });
  }

  return {
    // The conversation now open (null: none): its whispers so far.
    async open(id, withAgent) {
      cid = id;
      box.innerHTML = "";
      card.hidden = !form || !id;
      if (form) form.hidden = !id || !withAgent;
      if (!id) return;
      for (const w of await api("GET", `/api/console/conversations/${encodeURIComponent(id)}/whispers`)) show(w);
    },
    // A whisper frame from the console socket (the supervisor's page sees those of every conversation).
    arrived(frame) { if (!form || frame.conversation_id === cid) show(frame); },
  };
})();
