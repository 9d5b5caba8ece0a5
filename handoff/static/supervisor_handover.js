// Supervisor view: today's transfers (how many, the queue transfers' wait) and wrap-up labels
// (handoff/wrapup.py's figures), refreshed with the rest of the page's figures.
Object.assign(I18N.zh, { handover_figures: "今日转接与结案标签", transfers: "转接次数", transfer_wait_p50: "转接等待 p50",
  closed_without_label: "未选标签结案" });
Object.assign(I18N.en, { handover_figures: "Transfers and wrap-up labels today", transfers: "Transfers",
  transfer_wait_p50: "Transfer wait p50", closed_without_label: "Closed without a label" });

async function refreshHandover() {
  const f = await api("GET", "/api/console/wrapup/figures");
  const box = document.getElementById("handover-figures");
  box.innerHTML = "";
  const wait = f.transfer_wait_p50_s === null ? "–" : `${f.transfer_wait_p50_s} s`;
  for (const [key, value] of [["transfers", f.transfers], ["transfer_wait_p50", `${wait} (n=${f.transfer_waits})`],
    ["closed_without_label", f.closed_without_label]]) {
    box.append(el("span", { class: "figure", "data-figure": key }, el("b", {}, String(value)), tr(key)));
  }
  const labels = el("table", { id: "label-counts" });
  for (const [code, count] of Object.entries(f.labels)) labels.append(el("tr", { "data-label": code }, el("td", {}, labelName(code)), el("td", {}, String(count))));
  box.append(labels);
}

(async () => {
  await loadWrapupLabels();
  applyI18n();
  await refreshHandover().catch(() => {});
  setInterval(() => refreshHandover().catch(() => {}), 5000);
})();
