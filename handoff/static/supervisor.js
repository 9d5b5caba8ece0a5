// Supervisor view: queue with waits, agents with state and load, live conversations (read, take over),
// today's figures against the 30-second target, alerts, and the data-access audit.
const transcript = Transcript(document.getElementById("transcript"));
let watching = null;
let me = null;  // the signed-in supervisor

function fmt(v, unit) { return v === null || v === undefined ? "–" : `${v}${unit || ""}`; }

function row(...cells) { return el("tr", {}, ...cells.map((c) => (c instanceof Node ? el("td", {}, c) : el("td", {}, String(c))))); }

async function refresh() {
  const data = await api("GET", "/api/console/supervisor/overview");
  const f = data.figures;
  const figures = document.getElementById("figures");
  figures.innerHTML = "";
  const items = [["handoffs", f.handoffs], ["accept_p50", fmt(f.accept_p50_s, " s")], ["accept_p95", fmt(f.accept_p95_s, " s")],
    ["within_target", f.within_target_share === null ? "–" : `${Math.round(f.within_target_share * 100)}%`], ["csat", fmt(f.csat_avg) + ` (${f.csat_count})`]];
  for (const [key, value] of items) figures.append(el("span", { class: "figure", "data-figure": key }, el("b", {}, String(value)), tr(key)));
  figures.append(el("div", { class: "muted", id: "last-hour" },
    `${tr("last_hour")}: p50 ${fmt(f.last_hour_accept_p50_s, " s")} · p95 ${fmt(f.last_hour_accept_p95_s, " s")} (${tr("target")} ${f.target_s} s, n=${f.last_hour_accepts})`));

  const queue = document.getElementById("queue");
  queue.innerHTML = "";
  queue.append(row(tr("reason"), tr("language"), tr("waited"), tr("offers"), ""));
  for (const q of data.queue) {
    queue.append(el("tr", { "data-request": q.request_id }, el("td", {}, reasonLabel(q.reason), q.escalated ? el("span", { class: "badge warn" }, tr("escalated")) : ""),
      el("td", {}, q.language + " · " + q.channel), el("td", {}, `${Math.round(q.waited_s)} s`), el("td", {}, q.offered_to.join(", ")),
      el("td", {}, el("button", { onclick: () => takeOver(q.conversation_id) }, tr("take_over")))));
  }
  const agents = document.getElementById("agents");
  agents.innerHTML = "";
  agents.append(row(tr("agents"), tr("state"), tr("load"), tr("language")));
  for (const a of data.agents) agents.append(el("tr", { "data-agent": a.username }, el("td", {}, `${a.display_name} (${a.username})`), el("td", {}, tr(a.state) || a.state),
    el("td", {}, `${a.load}/${a.capacity}` + (a.offers ? ` +${a.offers}` : "")), el("td", {}, a.languages.join(","))));
  const live = document.getElementById("live");
  live.innerHTML = "";
  for (const c of data.live) {
    live.append(el("tr", { "data-conversation": c.conversation_id }, el("td", {}, c.agent_name || c.agent), el("td", {}, reasonLabel(c.reason)), el("td", {}, c.customer_id || "?"),
      el("td", {}, el("button", { class: "view", onclick: () => watch(c.conversation_id) }, tr("view")), " ",
        el("button", { class: "take-over", onclick: () => takeOver(c.conversation_id) }, tr("take_over")))));
  }
  const alerts = document.getElementById("alerts");
  alerts.innerHTML = "";
  for (const a of data.alerts.slice(0, 8)) alerts.append(el("div", { class: "badge warn" }, `${new Date(a.at * 1000).toLocaleTimeString()} ${a.kind} ${a.reason || ""} ${a.waited_s ? a.waited_s + " s" : ""}`), " ");
  const audit = document.getElementById("audit");
  audit.innerHTML = "";
  for (const r of (await api("GET", "/api/console/audit")).slice(0, 10)) audit.append(row(r.at.slice(11, 19), r.username, tr("audit_" + r.action), r.subject || r.customer_id, r.conversation_id || ""));
}

async function watch(cid) {
  watching = cid;
  const view = await api("GET", `/api/console/conversations/${encodeURIComponent(cid)}`);
  document.getElementById("conv-title").textContent = `${cid} · ${view.agent_name || ""}`;
  transcript.reset();
  view.transcript.forEach((e) => transcript.add(e));
  await Whispers.open(cid, view.owner === "agent" && view.agent !== me.username);
}

async function takeOver(cid) {
  try { await api("POST", `/api/console/conversations/${encodeURIComponent(cid)}/takeover`); location.href = `/console/agent?c=${encodeURIComponent(cid)}`; }
  catch (err) { alert(err.message); }
}

consoleSocket((frame) => {
  if (frame.type === "event" && frame.conversation_id === watching) transcript.add(frame);
  if (frame.type === "alert") refresh();
  if (frame.type === "whisper") Whispers.arrived(frame);
});
document.getElementById("logout").addEventListener("click", async () => { await api("POST", "/api/console/logout"); location.href = "/console"; });
window.onLangChange = refresh;
(async () => {
  applyI18n();
  me = await api("GET", "/api/console/me");
  if (me.role !== "supervisor") { location.href = "/console/agent"; return; }
  document.getElementById("me").textContent = me.display_name;
  await refresh();
  setInterval(() => refresh().catch(() => {}), 2000);
})();
