// Transfer and wrap-up on the agent page. Transfer: to a colleague available now, or back to the queue for
// a language or skill, with a note the next agent reads. Close: a wrap-up label (required here) and a
// one-line summary, kept with the conversation's record. Uses agent.js's `current` and conversationAction.
Object.assign(I18N.zh, {
  transfer: "转接", transfer_to: "转接给", transfer_queue: "排队（按技能）", transfer_note: "给下一位坐席的备注",
  transfer_confirm: "确认转接", skill: "技能", any: "不限", keep: "不变", wrapup: "结案", wrapup_label: "结案标签",
  wrapup_line: "一句话小结", wrapup_confirm: "结束会话", pick_label: "请选择结案标签",
  transferred_by: "{name} 转接给您", no_agents: "（暂无可接的坐席）",
});
Object.assign(I18N.en, {
  transfer: "Transfer", transfer_to: "Transfer to", transfer_queue: "Queue (by skill)", transfer_note: "Note for the next agent",
  transfer_confirm: "Transfer", skill: "Skill", any: "Any", keep: "Same", wrapup: "Wrap-up", wrapup_label: "Label",
  wrapup_line: "One-line summary", wrapup_confirm: "Close the chat", pick_label: "Pick a wrap-up label",
  transferred_by: "Transferred to you by {name}", no_agents: "(no colleague available now)",
});

function handoverError(dialog, err) { dialog.querySelector(".dialog-error").textContent = err.message || String(err); }

async function openTransfer() {
  if (!current) return;
  const dialog = document.getElementById("transfer-dialog");
  const target = document.getElementById("transfer-target");
  target.innerHTML = "";
  target.append(el("option", { value: "" }, tr("transfer_queue")));
  let agents = [];
  try { agents = await api("GET", "/api/console/transfer/agents"); } catch (err) { handoverError(dialog, err); }
  for (const a of agents) target.append(el("option", { value: a.username }, `${a.display_name} (${a.languages.join(",")} · ${a.topics.join(",")})`));
  if (!agents.length) target.append(el("option", { value: "", disabled: "" }, tr("no_agents")));
  document.getElementById("transfer-note").value = "";
  dialog.querySelector(".dialog-error").textContent = "";
  toggleQueueFields();
  dialog.showModal();
}

function toggleQueueFields() {
  document.getElementById("transfer-queue-fields").hidden = Boolean(document.getElementById("transfer-target").value);
}

async function confirmTransfer(e) {
  e.preventDefault();
  const dialog = document.getElementById("transfer-dialog");
  const to = document.getElementById("transfer-target").value;
  const body = { note: document.getElementById("transfer-note").value.trim() };
  if (to) body.to_agent = to;
  else {
    body.to_queue = true;
    const language = document.getElementById("transfer-language").value;
    const skill = document.getElementById("transfer-skill").value;
    if (language) body.language = language;
    if (skill) body.skill = skill;
  }
  try {
    await conversationAction("transfer", body, true);
    dialog.close();
  } catch (err) { handoverError(dialog, err); }
}

async function openWrapup() {
  if (!current) return;
  const dialog = document.getElementById("wrapup-dialog");
  const select = document.getElementById("wrapup-label");
  select.innerHTML = "";
  select.append(el("option", { value: "" }, tr("pick_label")));
  for (const l of await loadWrapupLabels()) select.append(el("option", { value: l.code }, LANG === "zh" ? l.zh : l.en));
  document.getElementById("wrapup-summary").value = "";
  dialog.querySelector(".dialog-error").textContent = "";
  dialog.showModal();
}

async function confirmWrapup(e) {
  e.preventDefault();
  const dialog = document.getElementById("wrapup-dialog");
  const label = document.getElementById("wrapup-label").value;
  if (!label) { handoverError(dialog, new Error(tr("pick_label"))); return; }
  try {
    await conversationAction("close", { label, summary: document.getElementById("wrapup-summary").value.trim() }, true);
    dialog.close();
  } catch (err) { handoverError(dialog, err); }
}

// The agent who takes a transferred conversation sees who passed it on and their note above the transcript.
document.addEventListener("conversation-opened", (e) => {
  const banner = document.getElementById("transfer-banner");
  const request = e.detail.request;
  banner.hidden = !request.transfer_by;
  banner.textContent = request.transfer_by ? `${tr("transferred_by", { name: request.transfer_by })}${request.transfer_note ? ": " + request.transfer_note : ""}` : "";
});
document.getElementById("transfer").addEventListener("click", openTransfer);
document.getElementById("transfer-target").addEventListener("change", toggleQueueFields);
document.getElementById("transfer-form").addEventListener("submit", confirmTransfer);
document.getElementById("wrapup-form").addEventListener("submit", confirmWrapup);
document.querySelectorAll("dialog .dialog-cancel").forEach((b) => b.addEventListener("click", () => b.closest("dialog").close()));
