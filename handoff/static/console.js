// Shared by the agent and supervisor pages: JSON calls, the console WebSocket, transcript drawing.
async function api(method, path, body) {
  const response = await fetch(path, {
    method, headers: body ? { "Content-Type": "application/json" } : {}, body: body ? JSON.stringify(body) : undefined,
  });
  const data = await response.json().catch(() => ({}));
  if (response.status === 401) { location.href = "/console"; throw new Error("not signed in"); }
  if (!response.ok) throw new Error((data.error && data.error.message) || response.statusText);
  return data;
}

// The console's live socket, reopened after a drop; send() passes a frame when it is open (typing
// signals: one lost while reconnecting does not matter).
function consoleSocket(onEvent) {
  let retry = 0;
  let ws = null;
  function open() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    ws = new WebSocket(`${scheme}://${location.host}/ws/console`);
    ws.onmessage = (e) => {
      const frame = JSON.parse(e.data);
      if (frame.type === "error" && frame.code === "not_signed_in") { location.href = "/console"; return; }
      onEvent(frame);
      // For the page's other modules (callbacks.js), without each opening a socket of its own.
      document.dispatchEvent(new CustomEvent("console-frame", { detail: frame }));
    };
    ws.onopen = () => { if (retry) onEvent({ type: "reconnected" }); retry = 0; };
    ws.onclose = () => { retry += 1; setTimeout(open, Math.min(5000, 300 * 2 ** Math.min(retry, 4))); };
  }
  open();
  return { send(frame) { if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame)); } };
}

function senderLabel(entry) {
  if (entry.sender === "agent") return entry.agent_name || tr("agent");
  const labels = { customer: tr("customer_sender"), bot: tr("bot"), system: "" };
  return entry.sender in labels ? labels[entry.sender] : entry.sender;
}

function transcriptEntry(entry) {
  const box = el("div", { class: "msg " + (entry.sender || "system") + (entry.suppressed ? " suppressed" : ""), "data-seq": entry.seq });
  const label = senderLabel(entry);
  if (label) box.append(el("span", { class: "who" }, `${label} · ${new Date(entry.at * 1000).toLocaleTimeString()}`));
  box.append(el("span", { class: "text" }, entry.title || entry.text || ""));
  if (entry.custom && entry.custom.type === "claim_timeline") {
    const list = el("ul", { class: "timeline" });
    for (const step of entry.custom.steps || []) list.append(el("li", { class: step.done ? "done" : "todo" }, step.label || step.status));
    box.append(list);
  }
  if (entry.buttons && entry.buttons.length) box.append(el("div", { class: "muted" }, "[" + entry.buttons.map((b) => b.title).join("] [") + "]"));
  return box;
}

const REASONS = {
  zh: { request: "客户要求人工", complaint: "投诉", clause: "条款解读", not_understood: "多次未理解", identity_lockout: "身份验证锁定" },
  en: { request: "Customer asked for an agent", complaint: "Complaint", clause: "Clause interpretation", not_understood: "Repeatedly not understood", identity_lockout: "Identity lockout" },
};
function reasonLabel(reason) { return REASONS[LANG][reason] || reason; }

// A transcript view that takes entries in any order and shows each seq once.
function Transcript(container) {
  const seen = new Set();
  return {
    reset() { seen.clear(); container.innerHTML = ""; },
    add(entry) {
      if (seen.has(entry.seq)) return;
      seen.add(entry.seq);
      const node = transcriptEntry(entry);
      const after = [...container.children].find((c) => Number(c.dataset.seq) > entry.seq);
      container.insertBefore(node, after || null);
      container.scrollTop = container.scrollHeight;
    },
  };
}

function customerCard(data) {
  const box = el("div");
  if (!data.available) { box.append(el("div", { class: "error" }, data.error || "unavailable")); return box; }
  const p = data.profile;
  box.append(el("div", {}, `${p.name} (${p.customer_id})`), el("div", { class: "muted" }, `☎ ${p.phone_masked} · ID ${p.id_number_masked}`));
  box.append(el("h4", {}, tr("policies")));
  const pt = el("table");
  for (const x of data.policies) pt.append(el("tr", {}, el("td", {}, x.policy_number), el("td", {}, LANG === "zh" ? x.product_name_zh : x.product_name_en), el("td", {}, x.status), el("td", {}, x.end_date)));
  box.append(pt, el("h4", {}, tr("claims")));
  const ct = el("table");
  for (const c of data.claims) ct.append(el("tr", {}, el("td", {}, c.claim_number), el("td", {}, String(c.amount)), el("td", {}, LANG === "zh" ? c.status_label_zh : c.status_label_en)));
  box.append(ct);
  return box;
}
