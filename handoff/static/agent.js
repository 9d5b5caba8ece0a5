// Agent view: offers (accept/decline, with alerts: alerts.js), my conversations, the live transcript, reply, notes,
// the customer's policies and claims (each opening is audited by the hub), hand back, close.
// Canned replies (kept by supervisors in the database), each with the shortcode typed after "/" (canned.js).
let cannedList = [];
const TYPING_EVERY_MS = 2000;  // the hub passes one typing signal per 2 s anyway
const TYPING_SHOWN_MS = 4000;
const offers = new Map();
const transcript = Transcript(document.getElementById("transcript"));
const replyBox = document.getElementById("reply");
const canned = CannedPanel(replyBox, document.getElementById("canned-panel"), cannedReplies);
let current = null;  // the open conversation view
let me = null;

function showError(err) { document.getElementById("action-error").textContent = err.message || String(err); }

// Offers count down from the reservation time the hub gives (expires_in_s), on this browser's clock.
function secondsLeft(offer) { return Math.max(0, Math.ceil((offer.expiresAt - Date.now()) / 1000)); }

function addOffer(offer) {
  const known = offers.has(offer.request_id);
  offer.expiresAt = Date.now() + 1000 * (offer.expires_in_s ?? 0);
  offer.total = Math.max(1, Math.ceil(offer.expires_in_s ?? 1));
  offers.set(offer.request_id, offer);
  if (!known) OfferAlerts.arrived(offer, secondsLeft(offer));
}

function dropOffer(rid) { offers.delete(rid); OfferAlerts.gone(rid); }

function renderOffers() {
  const box = document.getElementById("offers");
  box.innerHTML = "";
  if (!offers.size) box.append(el("div", { class: "muted" }, tr("none")));
  for (const offer of offers.values()) {
    const lines = (offer.summary || []).slice(-3).map((l) => `${l.speaker === "customer" ? tr("customer_sender") : tr("bot")}: ${l.text}`).join("\n");
    box.append(el("div", { class: "card offer", "data-request": offer.request_id },
      el("div", {}, (REASONS[LANG][offer.reason] || offer.reason) + ` · ${offer.language} · ${offer.channel}`, offer.escalated ? el("span", { class: "badge warn" }, tr("escalated")) : null),
      el("div", { class: "muted pre" }, lines),
      offer.transfer_by ? el("div", { class: "transfer-note" }, tr("transferred_by", { name: offer.transfer_by }) + (offer.transfer_note ? ": " + offer.transfer_note : "")) : null,
      el("div", { class: "countdown" }, ""),
      el("progress", { class: "countdown-bar", max: String(offer.total), value: "0" }),
      el("div", { class: "buttons" },
        el("button", { class: "primary accept", onclick: () => accept(offer.request_id) }, tr("accept")),
        el("button", { class: "decline", onclick: () => decline(offer.request_id) }, tr("decline")))));
  }
  tickOffers();
  OfferAlerts.title(offers.size);
}

// Once a second: each offer's seconds left; an offer past its time is gone (the hub withdraws it too).
function tickOffers() {
  let expired = false;
  document.querySelectorAll(".offer").forEach((node) => {
    const offer = offers.get(node.dataset.request);
    if (!offer) return;
    const left = secondsLeft(offer);
    if (!left) { dropOffer(offer.request_id); expired = true; return; }
    node.querySelector(".countdown").textContent = tr("seconds_left", { s: left });
    node.querySelector(".countdown-bar").value = left;
    node.classList.toggle("urgent", left <= 3);
  });
  if (expired) renderOffers();
}

async function accept(rid) {
  try {
    const result = await api("POST", `/api/console/requests/${rid}/accept`);
    dropOffer(rid); renderOffers();
    await loadConversations();
    await openConversation(result.conversation_id);
  } catch (err) { dropOffer(rid); renderOffers(); showError(err); }
}

async function decline(rid) {
  try { await api("POST", `/api/console/requests/${rid}/decline`); } catch (err) { showError(err); }
  dropOffer(rid); renderOffers();
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

// Messages framed while a conversation's transcript is being fetched: the server may have read the transcript
// before storing them, so they are added after it (Transcript skips any seq it already holds).
let opening = null;

async function openConversation(cid) {
  document.getElementById("action-error").textContent = "";
  const pending = opening = { cid, frames: [] };
  try { current = await api("GET", `/api/console/conversations/${encodeURIComponent(cid)}`); }
  finally { if (opening === pending) opening = null; }
  customerTyping(false);
  canned.close();
  history.replaceState(null, "", `?c=${encodeURIComponent(cid)}`);
  document.getElementById("conv-title").textContent = cid;
  Whispers.open(cid).catch(showError);
  transcript.reset();
  current.transcript.forEach((e) => transcript.add(e));
  pending.frames.forEach((e) => transcript.add(e));
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
  document.dispatchEvent(new CustomEvent("conversation-opened", { detail: current }));  // history.js, handover.js
  loadCanned();
  await showCustomer(cid, current.request.customer_id);
  await loadConversations();
}

async function showCustomer(cid, customerId) {
  const customer = document.getElementById("customer");
  customer.innerHTML = "";
  if (customerId) {
    try {
      const customerData = await api("GET", `/api/console/customers/${customerId}?conversation_id=${encodeURIComponent(cid)}`);
      customer.append(customerCard(customerData));
      showClaimMaterials(cid, customerData.claims || []);
      document.dispatchEvent(new CustomEvent("customer-data", { detail: customerData }));  // open claims (history.js)
    } catch (err) { customer.append(el("div", { class: "error" }, err.message)); }
  } else { customer.append(el("div", { class: "muted" }, tr("no_customer"))); showClaimMaterials(cid, []); }
}

// The app signed the customer in after she asked for a person: her card, without reopening the conversation (the
// agent's draft and place in the transcript stay).
async function customerIdentified(frame) {
  if (current && frame.conversation_id === current.conversation_id && !current.request.customer_id) {
    current.request.customer_id = frame.customer_id;
    await showCustomer(frame.conversation_id, frame.customer_id);
  }
  await loadConversations();
}

function addNote(note) {
  document.getElementById("notes").append(el("div", { class: "muted" }, `${note.author}: ${note.text}`));
}

function cannedReplies() {
  const language = (current && current.language) || LANG;
  return cannedList.filter((r) => r.language === language);
}

// Read again whenever a conversation opens, so a supervisor's edit reaches agents without a reload.
async function loadCanned() {
  try { cannedList = await api("GET", "/api/console/canned"); } catch (err) { showError(err); }
  fillCanned();
}

function fillCanned() {
  const select = document.getElementById("canned");
  select.innerHTML = "";
  select.append(el("option", { value: "" }, tr("canned")));
  for (const reply of cannedReplies()) select.append(el("option", { value: reply.text }, `/${reply.shortcode} ${reply.text}`));
}

// body: the wrap-up of a close or the target of a transfer (handover.js); rethrow: the caller's dialog shows the error.
async function conversationAction(path, body, rethrow) {
  if (!current) return;
  try {
    await api("POST", `/api/console/conversations/${encodeURIComponent(current.conversation_id)}/${path}`, body);
    current = null; transcript.reset();
    document.getElementById("conv-title").textContent = "";
    await loadConversations();
  } catch (err) { if (rethrow) throw err; showError(err); }
}

async function sendReply() {
  const text = replyBox.value.trim();
  if (!current || !text) return;
  try {
    await api("POST", `/api/console/conversations/${encodeURIComponent(current.conversation_id)}/messages`, { text, client_msg_id: crypto.randomUUID() });
    replyBox.value = "";
  } catch (err) { showError(err); }
}

// Alt+↑ / Alt+↓: the conversation above or below the open one in "my conversations".
function moveConversation(step) {
  const items = [...document.querySelectorAll("#conversations .conv")];
  if (!items.length) return;
  const at = items.findIndex((node) => current && node.dataset.conversation === current.conversation_id);
  const next = items[at < 0 ? (step > 0 ? 0 : items.length - 1) : Math.min(items.length - 1, Math.max(0, at + step))];
  if (next && (!current || next.dataset.conversation !== current.conversation_id)) openConversation(next.dataset.conversation).catch(showError);
}

// Typing, both ways: ours goes to the customer at most every TYPING_EVERY_MS; theirs shows for a few seconds.
let typingSentAt = 0;
let customerTypingTimer = null;
function signalTyping() {
  const text = replyBox.value.trim();
  if (!current || !text || text.startsWith("/") || Date.now() - typingSentAt < TYPING_EVERY_MS) return;
  typingSentAt = Date.now();
  socket.send({ type: "typing", conversation_id: current.conversation_id });
}
function customerTyping(shown) {
  document.getElementById("customer-typing").hidden = !shown;
  clearTimeout(customerTypingTimer);
  if (shown) customerTypingTimer = setTimeout(() => customerTyping(false), TYPING_SHOWN_MS);
}

document.getElementById("send-reply").addEventListener("click", sendReply);
replyBox.addEventListener("input", signalTyping);
replyBox.addEventListener("keydown", (e) => {
  if (canned.key(e)) { e.preventDefault(); return; }
  // Enter sends, Shift+Enter is a new line; an Enter that confirms an input method's candidate is neither.
  if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) { e.preventDefault(); sendReply(); }
});
document.addEventListener("keydown", (e) => {
  if (e.defaultPrevented) return;
  if (e.key === "Escape" && canned.isOpen()) { e.preventDefault(); canned.close(); }
  else if (e.altKey && (e.key === "ArrowUp" || e.key === "ArrowDown")) { e.preventDefault(); moveConversation(e.key === "ArrowUp" ? -1 : 1); }
});
document.getElementById("canned").addEventListener("change", (e) => { document.getElementById("reply").value = e.target.value; });
document.getElementById("handback").addEventListener("click", async () => {
  const body = await HandBack.choose();  // the bot answers what the agent left unanswered only if they say so
  if (body) conversationAction("handback", body);
});
document.getElementById("close").addEventListener("click", () => openWrapup());  // the wrap-up first (handover.js)
document.getElementById("add-note").addEventListener("click", async () => {
  const box = document.getElementById("note-input");
  if (!current || !box.value.trim()) return;
  try { await api("POST", `/api/console/conversations/${encodeURIComponent(current.conversation_id)}/notes`, { text: box.value.trim() }); box.value = ""; }
  catch (err) { showError(err); }
});
document.getElementById("state").addEventListener("change", (e) => api("POST", "/api/console/me/state", { state: e.target.value }));
document.getElementById("logout").addEventListener("click", async () => { await api("POST", "/api/console/logout"); location.href = "/console"; });

const socket = consoleSocket(async (frame) => {
  if (frame.type === "offer") { addOffer(frame); renderOffers(); }
  else if (frame.type === "offer_withdrawn") { dropOffer(frame.request_id); renderOffers(); }
  else if (frame.type === "assigned" || frame.type === "conversation_closed" || frame.type === "conversation_taken") {
    if (frame.type !== "assigned" && current && current.conversation_id === frame.conversation_id) { current = null; transcript.reset(); }
    await loadConversations();
  }
  else if (frame.type === "event" && opening && frame.conversation_id === opening.cid) opening.frames.push(frame);
  else if (frame.type === "event" && current && frame.conversation_id === current.conversation_id) {
    transcript.add(frame);
    if (frame.sender === "customer") { customerTyping(false); loadSuggestions(); }
  }
  else if (frame.type === "typing" && frame.sender === "customer" && current && frame.conversation_id === current.conversation_id) customerTyping(true);
  else if (frame.type === "note" && current && frame.conversation_id === current.conversation_id) addNote(frame);
  else if (frame.type === "whisper") Whispers.arrived(frame);
  else if (frame.type === "customer_identified") await customerIdentified(frame);
  else if (frame.type === "reconnected") { (await api("GET", "/api/console/offers")).forEach(addOffer); renderOffers(); if (current) openConversation(current.conversation_id); }
});
setInterval(tickOffers, 1000);

window.onLangChange = () => { renderOffers(); fillCanned(); };
(async () => {
  applyI18n();
  me = await api("GET", "/api/console/me");
  document.getElementById("me").textContent = me.display_name;
  // Disabled until now: a choice made before the server answered would be overwritten by the old state.
  const state = document.getElementById("state");
  state.value = me.state;
  state.disabled = false;
  (await api("GET", "/api/console/offers")).forEach(addOffer);
  renderOffers();
  await loadCanned();
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

// Claim documents: the files the customer sent for each of her claims, beside the conversation.
// Each list and each file opened is audited by the hub; images load from the hub's console route.
async function showClaimMaterials(cid, claims) {
  const box = document.getElementById("claim-materials");
  box.innerHTML = "";
  document.getElementById("claim-materials-card").hidden = !claims.length;
  for (const claim of claims) {
    let list;
    try {
      list = await api("GET", `/api/console/conversations/${encodeURIComponent(cid)}/materials/${encodeURIComponent(claim.claim_number)}`);
    } catch (err) { box.append(el("div", { class: "error" }, `${claim.claim_number}: ${err.message}`)); continue; }
    const section = el("div", { class: "claim-materials" }, el("b", {}, claim.claim_number));
    const row = el("div", { class: "material-row" });
    for (const m of list.materials) {
      const url = `/api/console/conversations/${encodeURIComponent(cid)}/materials/${encodeURIComponent(claim.claim_number)}/${encodeURIComponent(m.material_id)}/file`;
      const preview = m.media_type === "application/pdf" ? el("span", {}, "PDF") : el("img", { src: url, alt: m.kind });
      const found = m.findings && m.findings.amount ? ` · ¥${m.findings.amount}` : "";
      row.append(el("a", { class: "material-thumb " + m.status, href: url, target: "_blank", rel: "noopener" }, preview,
        el("div", { class: "muted" }, `${tr("kind_" + m.kind)} · ${LANG === "en" ? m.status_label_en : m.status_label_zh}${found}`)));
    }
    if (!list.materials.length) row.append(el("div", { class: "muted" }, tr("none")));
    section.append(row);
    const missing = list.missing.map((d) => (LANG === "en" ? d.document_en : d.document_zh));
    section.append(el("div", { class: "muted" }, missing.length ? tr("material_missing", { list: missing.join("；") }) : tr("material_none_missing")));
    box.append(section);
  }
}
