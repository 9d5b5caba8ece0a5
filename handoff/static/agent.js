// Agent view: offers (accept/decline), my conversations, the live transcript, reply, notes,
// the customer's policies and claims (each opening is audited by the hub), hand back, close.
const CANNED = {
  zh: ["您好，我是人工客服，很高兴为您服务。", "请稍等，我帮您查询一下。", "请问还有其他可以帮您的吗？", "理赔材料齐全后一般 3 个工作日内审核完毕。", "感谢您的耐心等待。"],
  en: ["Hello, I'm a human agent and happy to help.", "One moment please, let me check that for you.", "Is there anything else I can help with?", "Once all documents are in, a claim is usually reviewed within 3 working days.", "Thank you for your patience."],
};
const offers = new Map();
const transcript = Transcript(document.getElementById("transcript"));
let current = null;  // the open conversation view
let me = null;

function showError(err) { document.getElementById("action-error").textContent = err.message || String(err); }

function renderOffers() {
  const box = document.getElementById("offers");
  box.innerHTML = "";
  if (!offers.size) box.append(el("div", { class: "muted" }, tr("none")));
  for (const offer of offers.values()) {
    const left = Math.max(0, Math.round(offer.deadline - Date.now() / 1000));
    const lines = (offer.summary || []).slice(-3).map((l) => `${l.speaker === "customer" ? tr("customer_sender") : tr("bot")}: ${l.text}`).join("\n");
    box.append(el("div", { class: "card offer", "data-request": offer.request_id },
      el("div", {}, (REASONS[LANG][offer.reason] || offer.reason) + ` · ${offer.language} · ${offer.channel}`, offer.escalated ? el("span", { class: "badge warn" }, tr("escalated")) : null),
      el("div", { class: "muted pre" }, lines),
      el("div", { class: "muted countdown" }, tr("seconds_left", { s: left })),
      el("div", { class: "buttons" },
        el("button", { class: "primary accept", onclick: () => accept(offer.request_id) }, tr("accept")),
        el("button", { class: "decline", onclick: () => decline(offer.request_id) }, tr("decline")))));
  }
}

async function accept(rid) {
  try {
    const result = await api("POST", `/api/console/requests/${rid}/accept`);
    offers.delete(rid); renderOffers();
    await loadConversations();
    await openConversation(result.conversation_id);
  } catch (err) { offers.delete(rid); renderOffers(); showError(err); }
}

async function decline(rid) {
  try { await api("POST", `/api/console/requests/${rid}/decline`); } catch (err) { showError(err); }
  offers.delete(rid); renderOffers();
}

async function loadConversations() {
  const list = await api("GET", "/api/console/conversations");
  const box = document.getElementById("conversations");
  box.innerHTML = "";
  if (!list.length) box.append(el("div", { class: "muted" }, tr("none")));
  for (const c of list) {
    box.append(el("div", { class: "conv" + (current && current.conversation_id === c.conversation_id ? " active" : ""), "data-conversation": c.conversation_id, onclick: () => openConversation(c.conversation_id) },
      `${REASONS[LANG][c.reason] || c.reason} · ${c.language} · ${c.customer_id || "?"}`));
  }
}

async function openConversation(cid) {
  document.getElementById("action-error").textContent = "";
  current = await api("GET", `/api/console/conversations/${encodeURIComponent(cid)}`);
  history.replaceState(null, "", `?c=${encodeURIComponent(cid)}`);
  document.getElementById("conv-title").textContent = cid;
  transcript.reset();
  current.transcript.forEach((e) => transcript.add(e));
  document.getElementById("reason").textContent = REASONS[LANG][current.request.reason] || current.request.reason;
  const summary = document.getElementById("summary");
  summary.innerHTML = "";
  for (const line of current.request.summary) summary.append(el("div", { class: "muted" }, `${line.speaker === "customer" ? tr("customer_sender") : tr("bot")}: ${line.text}`));
  const clauses = document.getElementById("clauses");
  clauses.innerHTML = "";
  const excerpts = current.request.clause_excerpts || [];
  document.getElementById("clauses-card").hidden = !excerpts.length;
  for (const c of excerpts) clauses.append(el("div", { class: "clause" }, el("b", {}, c.title), el("div", { class: "muted" }, c.excerpt)));
  loadSuggestions();
  const notes = document.getElementById("notes");
  notes.innerHTML = "";
  current.notes.forEach(addNote);
  fillCanned();
  const customer = document.getElementById("customer");
  customer.innerHTML = "";
  if (current.request.customer_id) {
    try {
      customer.append(customerCard(await api("GET", `/api/console/customers/${current.request.customer_id}?conversation_id=${encodeURIComponent(cid)}`)));
    } catch (err) { customer.append(el("div", { class: "error" }, err.message)); }
  } else customer.append(el("div", { class: "muted" }, tr("no_customer")));
  await loadConversations();
}

function addNote(note) {
  document.getElementById("notes").append(el("div", { class: "muted" }, `${note.author}: ${note.text}`));
}

function fillCanned() {
  const select = document.getElementById("canned");
  select.innerHTML = "";
  select.append(el("option", { value: "" }, tr("canned")));
  const language = (current && current.language) || LANG;
  for (const text of CANNED[language] || CANNED.zh) select.append(el("option", { value: text }, text));
}

async function conversationAction(path) {
  if (!current) return;
  try {
    await api("POST", `/api/console/conversations/${encodeURIComponent(current.conversation_id)}/${path}`);
    current = null; transcript.reset();
    document.getElementById("conv-title").textContent = "";
    await loadConversations();
  } catch (err) { showError(err); }
}

document.getElementById("send-reply").addEventListener("click", async () => {
  const box = document.getElementById("reply");
  const text = box.value.trim();
  if (!current || !text) return;
  try {
    await api("POST", `/api/console/conversations/${encodeURIComponent(current.conversation_id)}/messages`, { text, client_msg_id: crypto.randomUUID() });
    box.value = "";
  } catch (err) { showError(err); }
});
document.getElementById("canned").addEventListener("change", (e) => { document.getElementById("reply").value = e.target.value; });
document.getElementById("handback").addEventListener("click", () => conversationAction("handback"));
document.getElementById("close").addEventListener("click", () => conversationAction("close"));
document.getElementById("add-note").addEventListener("click", async () => {
  const box = document.getElementById("note-input");
  if (!current || !box.value.trim()) return;
  try { await api("POST", `/api/console/conversations/${encodeURIComponent(current.conversation_id)}/notes`, { text: box.value.trim() }); box.value = ""; }
  catch (err) { showError(err); }
});
document.getElementById("state").addEventListener("change", (e) => api("POST", "/api/console/me/state", { state: e.target.value }));
document.getElementById("logout").addEventListener("click", async () => { await api("POST", "/api/console/logout"); location.href = "/console"; });

consoleSocket(async (frame) => {
  if (frame.type === "offer") { offers.set(frame.request_id, frame); renderOffers(); }
  else if (frame.type === "offer_withdrawn") { offers.delete(frame.request_id); renderOffers(); }
  else if (frame.type === "assigned" || frame.type === "conversation_closed" || frame.type === "conversation_taken") {
    if (frame.type !== "assigned" && current && current.conversation_id === frame.conversation_id) { current = null; transcript.reset(); }
    await loadConversations();
  }
  else if (frame.type === "event" && current && frame.conversation_id === current.conversation_id) {
    transcript.add(frame);
    if (frame.sender === "customer") loadSuggestions();
  }
  else if (frame.type === "note" && current && frame.conversation_id === current.conversation_id) addNote(frame);
  else if (frame.type === "reconnected") { (await api("GET", "/api/console/offers")).forEach((o) => offers.set(o.request_id, o)); renderOffers(); if (current) openConversation(current.conversation_id); }
});
setInterval(() => document.querySelectorAll(".offer").forEach((node) => {
  const offer = offers.get(node.dataset.request);
  if (offer) node.querySelector(".countdown").textContent = tr("seconds_left", { s: Math.max(0, Math.round(offer.deadline - Date.now() / 1000)) });
}), 1000);

window.onLangChange = () => { renderOffers(); fillCanned(); };
(async () => {
  applyI18n();
  me = await api("GET", "/api/console/me");
  document.getElementById("me").textContent = me.display_name;
  document.getElementById("state").value = me.state;
  (await api("GET", "/api/console/offers")).forEach((o) => offers.set(o.request_id, o));
  renderOffers();
  await loadConversations();
  const cid = new URLSearchParams(location.search).get("c");
  if (cid) openConversation(cid).catch(showError);
})();

// Suggested replies: the knowledge base's top 3 answers to the customer's last question; one click inserts.
async function loadSuggestions() {
  if (!current) return;
  const box = document.getElementById("suggestions");
  let result;
  try { result = await api("GET", `/api/console/conversations/${encodeURIComponent(current.conversation_id)}/suggestions`); }
  catch (err) { box.innerHTML = ""; box.append(el("div", { class: "error" }, err.message)); return; }
  box.innerHTML = "";
  if (!result.suggestions.length) { box.append(el("div", { class: "muted" }, tr(result.available ? "no_suggestions" : "suggestions_unavailable"))); return; }
  for (const s of result.suggestions) {
    const source = s.source.type === "clause" ? `${s.source.product} ${s.source.section}` : s.source.title;
    const insert = el("button", { class: "insert-suggestion" }, tr("insert"));
    insert.addEventListener("click", () => { document.getElementById("reply").value = `${s.text}\n(${tr("source")}: ${source})`; });
    box.append(el("div", { class: "suggestion" }, el("b", {}, s.title), el("div", { class: "muted" }, s.text.slice(0, 160)), insert));
  }
}
