// The callback worklist ("稍后回电"), on the agent and the supervisor pages: every open callback with its
// number masked, soonest due first; claim one to see its full number (the hub audits each look), then
// close it as done or failed with a note. Overdue ones are marked (supervisors watch them). Refreshed when
// any console changes the list (the console socket's "callbacks_changed", passed on by console.js) and
// every 15 s, since "overdue" changes with the clock alone.
Object.assign(I18N.zh, {
  callbacks: "回电任务", callback_claim: "认领", callback_done: "已回电", callback_failed: "未接通",
  callback_show_number: "显示号码", callback_note: "回电备注", callback_due: "截止 {time}", callback_overdue: "已超时",
  callback_claimed_by: "{name} 已认领", callback_source_verified: "已验证客户", callback_source_caller_id: "来电号码",
  callback_source_unverified: "客户自填，未核实身份", callback_closed_done: "已回电", callback_closed_failed: "未接通",
  callback_overdue_count: "超时未回电 {n} 个", callback_number_gone: "号码已不可用",
  audit_callback_number: "查看回电号码",
});
Object.assign(I18N.en, {
  callbacks: "Callbacks", callback_claim: "Claim", callback_done: "Called", callback_failed: "Not reached",
  callback_show_number: "Show number", callback_note: "Callback note", callback_due: "due {time}", callback_overdue: "overdue",
  callback_claimed_by: "claimed by {name}", callback_source_verified: "verified customer", callback_source_caller_id: "caller's number",
  callback_source_unverified: "typed by the customer, identity not checked", callback_closed_done: "called", callback_closed_failed: "not reached",
  callback_overdue_count: "{n} overdue", callback_number_gone: "number no longer available",
  audit_callback_number: "Viewed a callback number",
});

(() => {
  const box = document.getElementById("callbacks");
  if (!box) return;
  const numbers = new Map();  // callback_id -> the full number, in this page's memory only
  let items = [];
  let me = null;
  let error = "";

  const time = (epoch) => new Date(epoch * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

  async function load() {
    try {
      if (!me) me = (await api("GET", "/api/console/me")).username;
      items = (await api("GET", "/api/console/callbacks")).callbacks;
      error = "";
    } catch (e) { error = e.message; }
    render();
  }

  async function act(fn) {
    try { await fn(); error = ""; } catch (e) { error = e.message; }
    await load();
  }

  function claim(item) {
    return act(async () => {
      const answer = await api("POST", `/api/console/callbacks/${item.callback_id}/claim`);
      numbers.set(item.callback_id, answer.phone_available ? answer.phone : null);
    });
  }

  function showNumber(item) {
    return act(async () => {
      const answer = await api("GET", `/api/console/callbacks/${item.callback_id}/number`);
      numbers.set(item.callback_id, answer.phone_available ? answer.phone : null);
    });
  }

  function close(item, outcome, note) {
    return act(async () => {
      await api("POST", `/api/console/callbacks/${item.callback_id}/close`, { outcome, note });
      numbers.delete(item.callback_id);
    });
  }

  function row(item) {
    const open = item.closed_at === null;
    const mine = item.claimed_by === me;
    const node = el("div", { class: "callback" + (item.overdue ? " overdue" : "") + (open ? "" : " closed"),
      "data-callback": item.callback_id });
    const head = el("div", {}, el("b", { class: "callback-phone" }, item.phone_masked), " ",
      el("span", { class: "badge" + (item.phone_source === "unverified" ? " warn" : "") }, tr("callback_source_" + item.phone_source)),
      " ", reasonLabel(item.reason), ` · ${item.language} · ${item.channel}`);
    node.append(head);
    const state = el("div", { class: "muted" }, tr("callback_due", { time: time(item.due) }));
    if (item.overdue) state.append(" ", el("span", { class: "badge warn" }, tr("callback_overdue")));
    if (item.claimed_by && open) state.append(" · ", tr("callback_claimed_by", { name: item.claimed_by }));
    if (!open) state.append(" · ", el("span", { class: "callback-outcome" }, tr("callback_closed_" + item.outcome)),
      item.note ? ` · ${item.note}` : "");
    node.append(state);
    if (!open) return node;
    if (!item.claimed_by) {
      node.append(el("button", { class: "primary", "data-action": "claim", onclick: () => claim(item) }, tr("callback_claim")));
    } else if (mine) {
      if (numbers.has(item.callback_id)) {
        const number = numbers.get(item.callback_id);
        node.append(el("div", { class: "callback-number" }, number ? "☎ " + number : tr("callback_number_gone")));
      } else {
        node.append(el("button", { "data-action": "number", onclick: () => showNumber(item) }, tr("callback_show_number")));
      }
      const note = el("textarea", { class: "callback-note", maxlength: "2000", placeholder: tr("callback_note") });
      node.append(note, el("div", { class: "row" },
        el("button", { class: "primary", "data-action": "done", onclick: () => close(item, "done", note.value) }, tr("callback_done")),
        el("button", { "data-action": "failed", onclick: () => close(item, "failed", note.value) }, tr("callback_failed"))));
    }
    return node;
  }

  function render() {
    // A note being typed survives a refresh that redraws the list.
    const typing = {};
    box.querySelectorAll("[data-callback] .callback-note").forEach((t) => { typing[t.closest("[data-callback]").dataset.callback] = t.value; });
    box.innerHTML = "";
    const overdue = items.filter((i) => i.overdue).length;
    if (overdue) box.append(el("div", { class: "error", id: "callbacks-overdue" }, tr("callback_overdue_count", { n: overdue })));
    if (error) box.append(el("div", { class: "error" }, error));
    if (!items.length) box.append(el("div", { class: "muted" }, tr("none")));
    for (const item of items) box.append(row(item));
    box.querySelectorAll("[data-callback] .callback-note").forEach((t) => {
      const id = t.closest("[data-callback]").dataset.callback;
      if (typing[id]) t.value = typing[id];
    });
  }

  document.addEventListener("console-frame", (e) => { if (e.detail.type === "callbacks_changed") load(); });
  const previous = window.onLangChange;
  window.onLangChange = () => { if (previous) previous(); render(); };
  applyI18n(box.closest(".card") || box);
  setInterval(load, 15000);
  load();
})();
