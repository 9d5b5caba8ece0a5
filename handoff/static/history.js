// Customer history in the console: the past conversations of the open conversation's customer (the
// identity the hub verified, never one typed here), her open claims and reminders, a search of past
// conversations, and one past conversation read-only. The hub decides what each user may read and
// audits every read. Used by agent.html (panel + search) and supervisor.html (search).
Object.assign(I18N.zh, {
  history: "客户历史会话", history_search: "历史会话查询", search: "查询", customer_id: "客户号", since: "起始日期",
  until: "截止日期", label: "结案标签", agent_name: "坐席", outcome: "结果", date: "日期", open_claims: "未结理赔",
  open_reminders: "待处理提醒", reminders_unavailable: "提醒暂不可用", claims_unavailable: "理赔信息暂不可用", read_only: "只读", wrapup_summary: "结案小结",
  outcome_closed: "已结束", outcome_handed_back: "转回机器人", outcome_transferred: "已转接", outcome_callback: "回电",
  outcome_cancelled: "已取消", outcome_open: "进行中", no_history: "没有历史会话", history_close: "关闭",
  audit_view_history: "查看客户历史", audit_view_past_conversation: "查看历史会话", audit_search_history: "查询历史会话",
});
Object.assign(I18N.en, {
  history: "Past conversations", history_search: "Search past conversations", search: "Search", customer_id: "Customer id",
  since: "From", until: "To", label: "Label", agent_name: "Agent", outcome: "Outcome", date: "Date", open_claims: "Open claims",
  open_reminders: "Open reminders", reminders_unavailable: "Reminders unavailable", claims_unavailable: "Claims unavailable", read_only: "read-only",
  wrapup_summary: "Wrap-up", outcome_closed: "Closed", outcome_handed_back: "Handed back", outcome_transferred: "Transferred",
  outcome_callback: "Call back", outcome_cancelled: "Cancelled", outcome_open: "In progress", no_history: "No past conversations", history_close: "Close",
  audit_view_history: "Opened a customer's history", audit_view_past_conversation: "Read a past conversation",
  audit_search_history: "Searched past conversations",
});
const OPEN_CLAIM = new Set(["reported", "reviewing", "paying"]);
let wrapupLabels = [];

function labelName(code) {
  const label = wrapupLabels.find((l) => l.code === code);
  return label ? (LANG === "zh" ? label.zh : label.en) : (code || "");
}

async function loadWrapupLabels() {
  try { wrapupLabels = await api("GET", "/api/console/wrapup/labels"); } catch (err) { wrapupLabels = []; }
  return wrapupLabels;
}

// One past conversation per table row; a click opens it read-only.
function historyTable(rows) {
  const table = el("table", { class: "history-list" });
  if (!rows.length) { table.append(el("tr", {}, el("td", { class: "muted" }, tr("no_history")))); return table; }
  table.append(el("tr", {}, ...["date", "channel", "reason", "outcome", "csat", "label", "agent_name"].map((k) => el("th", {}, tr(k)))));
  for (const r of rows) {
    const tr_ = el("tr", { class: "history-row", "data-request": r.request_id, onclick: () => openPast(r.request_id) },
      el("td", {}, (r.created_at || "").slice(0, 16).replace("T", " ")), el("td", {}, r.channel),
      el("td", {}, reasonLabel(r.reason)), el("td", {}, tr("outcome_" + (r.outcome || "open"))),
      el("td", {}, r.csat ? "★" + r.csat : "–"), el("td", {}, labelName(r.label)), el("td", {}, r.agent || ""));
    table.append(tr_);
    if (r.wrapup) table.append(el("tr", { class: "wrapup-line" }, el("td", { colspan: "7", class: "muted" }, `${tr("wrapup_summary")}: ${r.wrapup}`)));
  }
  return table;
}

async function openPast(rid) {
  const dialog = document.getElementById("past-view");
  const body = dialog.querySelector(".past-body");
  body.innerHTML = "";
  try {
    const past = await api("GET", `/api/console/history/${encodeURIComponent(rid)}`);
    body.append(el("div", { class: "muted" }, `${tr("read_only")} · ${past.customer_id || "?"} · ${(past.created_at || "").slice(0, 16).replace("T", " ")} · ${past.channel} · ${reasonLabel(past.reason)} · ${past.outcome ? tr("outcome_" + past.outcome) : ""} · ${labelName(past.label)}`));
    if (past.wrapup) body.append(el("div", { class: "past-wrapup" }, `${tr("wrapup_summary")}: ${past.wrapup}`));
    const lines = el("div", { class: "past-transcript" });
    for (const entry of past.transcript) lines.append(transcriptEntry(entry));
    body.append(lines);
    for (const n of past.notes) body.append(el("div", { class: "muted" }, `${tr("notes")} · ${n.author}: ${n.text}`));
  } catch (err) { body.append(el("div", { class: "error" }, err.message)); }
  if (!dialog.open) dialog.showModal();
}

// The panel on the agent page, filled when a conversation opens (agent.js sends "conversation-opened")
// and when its customer's data arrives ("customer-data": open claims come from there).
const CustomerHistory = {
  async show(view) {
    const box = document.getElementById("history");
    if (!box) return;
    box.innerHTML = "";
    if (!view.request.customer_id) { box.append(el("div", { class: "muted" }, tr("no_customer"))); return; }
    if (!wrapupLabels.length) await loadWrapupLabels();
    let data;
    try { data = await api("GET", `/api/console/conversations/${encodeURIComponent(view.conversation_id)}/history`); }
    catch (err) { box.append(el("div", { class: "error" }, err.message)); return; }
    box.append(historyTable(data.conversations));
    const reminders = el("div", { id: "open-reminders" }, el("h4", {}, tr("open_reminders")));
    if (data.reminders.some((r) => r.unavailable)) reminders.append(el("div", { class: "muted" }, tr("reminders_unavailable")));
    else if (!data.reminders.length) reminders.append(el("div", { class: "muted" }, tr("none")));
    for (const r of data.reminders.filter((x) => !x.unavailable)) reminders.append(el("div", { class: "reminder" }, `${r.policy_number} · ${r.kind} · ${r.due_date} · ${r.amount}`));
    box.append(reminders);
  },
  claims(data) {
    const box = document.getElementById("open-claims");
    if (!box) return;
    box.innerHTML = "";
    box.append(el("h4", {}, tr("open_claims")));
    if (!data || !data.available) { box.append(el("div", { class: "muted" }, tr("claims_unavailable"))); return; }
    const open = (data.claims || []).filter((c) => OPEN_CLAIM.has(c.status));
    if (!open.length) box.append(el("div", { class: "muted" }, tr("none")));
    for (const c of open) box.append(el("div", { class: "open-claim" }, `${c.claim_number} · ${LANG === "zh" ? c.status_label_zh : c.status_label_en} · ${c.amount}`));
  },
};
document.addEventListener("conversation-opened", (e) => { CustomerHistory.show(e.detail).catch(() => {}); });
document.addEventListener("customer-data", (e) => CustomerHistory.claims(e.detail));
document.addEventListener("conversation-opened", () => { const box = document.getElementById("open-claims"); if (box) box.innerHTML = ""; });

// The search form: agents get their own conversations and their customers'; supervisors all.
async function searchHistory(e) {
  if (e) e.preventDefault();
  const params = new URLSearchParams();
  for (const name of ["customer_id", "since", "until", "reason", "label", "agent"]) {
    const value = document.getElementById(`hs-${name}`).value.trim();
    if (value) params.set(name, value);
  }
  const out = document.getElementById("history-results");
  out.innerHTML = "";
  try { out.append(historyTable(await api("GET", `/api/console/history?${params}`))); }
  catch (err) { out.append(el("div", { class: "error" }, err.message)); }
}

// The form, drawn into #history-search-box on the pages that have one (agent and supervisor).
function drawSearchForm(box) {
  const input = (name, attrs) => el("input", { id: `hs-${name}`, ...attrs });
  const form = el("form", { id: "history-search", class: "history-search" },
    input("customer_id", { maxlength: "32", "data-i18n-placeholder": "customer_id" }),
    el("label", {}, el("span", { "data-i18n": "since" }), " ", input("since", { type: "date" })),
    el("label", {}, el("span", { "data-i18n": "until" }), " ", input("until", { type: "date" })),
    el("select", { id: "hs-reason" }, el("option", { value: "", "data-i18n": "reason" })),
    el("select", { id: "hs-label" }, el("option", { value: "", "data-i18n": "label" })),
    input("agent", { maxlength: "64", "data-i18n-placeholder": "agent_name" }),
    el("button", { type: "submit", "data-i18n": "search" }));
  box.append(form, el("div", { id: "history-results" }));
  applyI18n(box);
  return form;
}

(async () => {
  const box = document.getElementById("history-search-box");
  if (!box) return;
  const form = drawSearchForm(box);
  const labels = await loadWrapupLabels();
  const select = document.getElementById("hs-label");
  for (const l of labels) select.append(el("option", { value: l.code }, LANG === "zh" ? l.zh : l.en));
  const reasons = document.getElementById("hs-reason");
  for (const code of Object.keys(REASONS.zh)) reasons.append(el("option", { value: code }, reasonLabel(code)));
  form.addEventListener("submit", searchHistory);
  document.getElementById("past-close").addEventListener("click", () => document.getElementById("past-view").close());
})();
