// Service figures for supervisors: resolution by the bot, handoffs, accept time, CSAT, reminders and
// human workload, per language and day, each against its target (GET /api/figures?days=N).
Object.assign(I18N.zh, {
  service_figures: "服务数据", against_targets: "目标达成", by_language: "按语言", by_day: "按日期",
  resolved_by_bot_share: "机器人独立解决率", csat_share_4_5: "满意度（4–5 分占比）", accept_p95_s: "人工接入时间 p95",
  workload_reduction: "人工工作量减少", met: "达标", missed: "未达标", no_data: "暂无数据",
  days_1: "今天", days_7: "近 7 天", days_30: "近 30 天", day: "日期", conversations: "会话数",
  resolved: "机器人解决", handoff_share: "转人工占比", accept_p50: "接入 p50", within_30s: "30 秒内接入",
  csat_answers: "评分数", reminders_sent: "已发提醒", reminders_acted_on: "提醒后办理", reasons: "转人工原因",
  callbacks_made: "30 分钟内回电",
  totals_line: "会话 {n} · 机器人解决 {r} · 转人工 {h} · 评分 {c}（跳过 {s}）· 提醒 {rs}，办理 {ra}",
  lang_zh: "中文", lang_en: "英文", target_word: "目标",
});
Object.assign(I18N.en, {
  service_figures: "Service figures", against_targets: "Against the targets", by_language: "By language", by_day: "By day",
  resolved_by_bot_share: "Resolved by the bot", csat_share_4_5: "CSAT (share of 4–5)", accept_p95_s: "Agent accept time p95",
  workload_reduction: "Human workload reduction", met: "met", missed: "not met", no_data: "no data",
  days_1: "Today", days_7: "Last 7 days", days_30: "Last 30 days", day: "Day", conversations: "Conversations",
  resolved: "Resolved by bot", handoff_share: "Handoff share", accept_p50: "Accept p50", within_30s: "Accepted within 30 s",
  csat_answers: "Ratings", reminders_sent: "Reminders sent", reminders_acted_on: "Acted on", reasons: "Handoff reasons",
  callbacks_made: "Called back within 30 min",
  totals_line: "{n} conversations · {r} resolved by the bot · {h} handed over · {c} ratings ({s} skipped) · {rs} reminders, {ra} acted on",
  lang_zh: "Chinese", lang_en: "English", target_word: "target",
});

const daysSelect = document.getElementById("days");

function pct(v) { return v === null || v === undefined ? "–" : `${(v * 100).toFixed(1)}%`; }
function secs(v) { return v === null || v === undefined ? "–" : `${v} s`; }
function figureValue(name, v) { return name.endsWith("_s") ? secs(v) : pct(v); }
function langLabel(code) { return tr("lang_" + code) === "lang_" + code ? code : tr("lang_" + code); }

function tableRows(table, firstHeader, rows) {
  table.innerHTML = "";
  const head = [firstHeader, "conversations", "resolved", "handoff_share", "accept_p50", "within_30s", "csat_answers",
    "csat_share_4_5", "reminders_sent", "reminders_acted_on", "callbacks_made", "reasons"];
  table.append(el("tr", {}, ...head.map((h) => el("th", {}, tr(h)))));
  for (const [label, r, key] of rows) {
    const reasons = Object.entries(r.handoff_reasons).map(([k, v]) => `${reasonLabel(k)} ${v}`).join(", ");
    table.append(el("tr", { "data-row": key }, el("td", {}, label), el("td", {}, String(r.conversations)),
      el("td", {}, `${r.resolved_by_bot} (${pct(r.resolved_by_bot_share)})`), el("td", {}, pct(r.handoff_share)),
      el("td", {}, secs(r.accept_p50_s)), el("td", {}, pct(r.accepted_within_30s_share)), el("td", {}, String(r.csat_answers)),
      el("td", {}, pct(r.csat_share_4_5)), el("td", {}, String(r.reminders_sent)), el("td", {}, String(r.reminders_acted_on)),
      // Made by the deadline / callbacks closed or past it (e.g. 7/9), and the share.
      el("td", { "data-figure": "callbacks" }, r.callbacks_decided ? `${r.callbacks_within_deadline}/${r.callbacks_decided} (${pct(r.callbacks_within_deadline_share)})` : "–"),
      el("td", {}, reasons || "–")));
  }
}

async function refresh() {
  const data = await api("GET", `/api/figures?days=${daysSelect.value}`);
  const targets = document.getElementById("targets");
  targets.innerHTML = "";
  for (const [name, t] of Object.entries(data.targets)) {
    const state = t.met === null ? "none" : t.met ? "met" : "missed";
    targets.append(el("div", { class: `target ${state}`, "data-target": name, "data-met": String(t.met) },
      el("b", {}, figureValue(name, t.value)), tr(name),
      el("div", { class: "muted" }, `${tr("target_word")} ${t.op === ">=" ? "≥" : "≤"} ${figureValue(name, t.target)} · ${tr(state === "none" ? "no_data" : state)}`)));
  }
  const t = data.total;
  document.getElementById("totals").textContent = tr("totals_line", { n: t.conversations, r: t.resolved_by_bot, h: t.handoffs,
    c: t.csat_answers, s: t.csat_bot_skipped, rs: t.reminders_sent, ra: t.reminders_acted_on });
  tableRows(document.getElementById("by-language"), "language",
    Object.entries(data.by_language).map(([code, r]) => [langLabel(code), r, code]));
  tableRows(document.getElementById("by-day"), "day",
    data.by_day.map((r) => [`${r.day} · ${langLabel(r.language)}`, r, `${r.day}-${r.language}`]));
}

function labelDays() { for (const o of daysSelect.options) o.textContent = tr("days_" + o.value); }
daysSelect.addEventListener("change", () => refresh().catch((e) => alert(e.message)));
window.onLangChange = () => { labelDays(); refresh(); };
(async () => {
  applyI18n();
  labelDays();
  const me = await api("GET", "/api/console/me");
  if (me.role !== "supervisor") { location.href = "/console/agent"; return; }
  document.getElementById("me").textContent = me.display_name;
  await refresh();
  setInterval(() => refresh().catch(() => {}), 15000);
})();
