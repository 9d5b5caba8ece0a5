// Per-agent figures per day (GET /api/figures/agents?days=N): handled, average handling time, CSAT,
// accept time. On the supervisor's page (last 7 days) and the figures page (its day choice).
Object.assign(I18N.zh, {
  agent_figures: "坐席数据（按日）", af_day: "日期", af_agent: "坐席", af_handled: "接待数", af_avg_handle: "平均处理时长",
  af_csat: "满意度", af_accept: "接入时间 p50", af_none: "暂无数据",
});
Object.assign(I18N.en, {
  agent_figures: "Agents per day", af_day: "Day", af_agent: "Agent", af_handled: "Handled", af_avg_handle: "Avg handling time",
  af_csat: "CSAT", af_accept: "Accept time p50", af_none: "No data yet",
});

const AgentFigures = (() => {
  const table = document.getElementById("agent-figures");
  const days = document.getElementById("days");
  const dash = (v, unit) => (v === null || v === undefined ? "–" : `${v}${unit || ""}`);

  async function refresh() {
    const rows = await api("GET", `/api/figures/agents?days=${days ? days.value : 7}`);
    table.innerHTML = "";
    table.append(el("tr", {}, ...["af_day", "af_agent", "af_handled", "af_avg_handle", "af_csat", "af_accept"].map((h) => el("th", {}, tr(h)))));
    if (!rows.length) table.append(el("tr", {}, el("td", { colspan: "6", class: "muted" }, tr("af_none"))));
    for (const r of rows) {
      table.append(el("tr", { "data-agent": r.agent, "data-day": r.day }, el("td", {}, r.day), el("td", { class: "agent" }, `${r.display_name} (${r.agent})`),
        el("td", { class: "handled" }, String(r.handled)), el("td", { class: "avg-handle" }, dash(r.avg_handle_s, " s")),
        el("td", { class: "csat" }, r.csat_avg === null ? "–" : `${r.csat_avg} (${r.csat_count})`),
        el("td", { class: "accept" }, dash(r.accept_p50_s, " s"))));
    }
  }
  if (days) days.addEventListener("change", () => refresh().catch(() => {}));
  refresh().catch(() => {});
  setInterval(() => refresh().catch(() => {}), 15000);
  return { refresh };
})();
