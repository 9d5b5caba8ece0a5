// The customer's chat: one WebSocket to the hub. Every server entry has a seq; on reconnect we send
// the last seq we saw and get only what we missed. Outgoing messages carry a client_msg_id and stay
// in localStorage until acknowledged, so a drop or reload resends them and the hub stores them once.
// The hub names the conversation (POST /api/chat/session) and keeps its resume secret in an HttpOnly
// cookie: this page never reads an id from its link, so a link cannot plant or take over a conversation.
(function () {
  // An app that signed the customer in opens /chat#token=<its JWT>: the fragment never reaches a server,
  // and it is wiped from the address bar (and so from history) at once; the token stays in memory only,
  // sent once per connection. With c=app-... as well (#c=app-C0001&token=...) it opens the customer's
  // app conversation (reminders), which only that token opens. The hub refuses a token in the query.
  const params = new URLSearchParams(location.hash.slice(1));
  if (location.hash) history.replaceState(null, "", location.pathname + location.search);
  const appToken = params.get("token");
  const appChat = Boolean(appToken) && (params.get("c") || "").startsWith("app-");
  // Messages typed before the hub named the conversation wait under this key, then move to the conversation's.
  let cid = null, pendingKey = "hub_pending_new";
  const messages = document.getElementById("messages");
  const statusBox = document.getElementById("status");
  const conn = document.getElementById("conn");
  const seen = new Set();
  let lastSeq = 0, socket = null, retry = 0, lastStatus = null, signedIn = false;

  const pending = () => JSON.parse(localStorage.getItem(pendingKey) || "[]");
  const savePending = (list) => localStorage.setItem(pendingKey, JSON.stringify(list));

  function who(sender, entry) {
    if (sender === "agent") return entry.agent_name || tr("agent");
    return { customer: tr("you"), bot: tr("bot") }[sender] || "";
  }

  function render(entry) {
    if (seen.has(entry.seq)) return;
    seen.add(entry.seq);
    lastSeq = Math.max(lastSeq, entry.seq);
    if (entry.client_msg_id) {
      const local = messages.querySelector(`[data-client-id="${CSS.escape(entry.client_msg_id)}"]`);
      if (local) local.remove();
    }
    const sender = entry.sender || "system";
    const box = el("div", { class: "msg " + sender, "data-seq": entry.seq });
    if (sender !== "system" && sender !== "customer") box.append(el("span", { class: "who" }, who(sender, entry)));
    const custom = entry.custom || {};
    box.append(el("span", { class: "text" }, entry.title || entry.text || ""));
    if (custom.type === "claim_timeline") box.append(timeline(custom));
    if (custom.type === "epolicy_link") {
      // Only a download path of this hub becomes a link: the page never sends the customer elsewhere.
      const url = new URL(custom.url || "", location.origin);
      if (url.pathname.startsWith("/epolicy/")) {
        box.append(el("a", { class: "download", href: location.origin + url.pathname, download: "" }, tr("epolicy_download")));
      }
    }
    if (custom.type === "callback_number") box.append(callbackNumberForm(sendFrame));  // chat_callback.js
    if (custom.type === "policy_summary") {
      // Rasa sends the summary's text (for plain channels) just before this payload: the card says it
      // better, so that text keeps only its heading line.
      const before = messages.lastElementChild;
      const beforeText = before && before.classList.contains("bot") && before.querySelector(".text");
      if (beforeText) {
        beforeText.textContent = beforeText.textContent.split("\n").slice(0, 2).join("\n");
        before.append(summaryCard(custom));
        messages.scrollTop = messages.scrollHeight;
        return;
      }
      box.append(summaryCard(custom));
    }
    if (entry.buttons && entry.buttons.length) {
      const row = el("div", { class: "buttons" });
      for (const b of entry.buttons) row.append(el("button", { type: "button", onclick: () => press(b, row) }, b.title));
      box.append(row);
      if (entry.kind === "csat_request") box.id = "csat";
    }
    messages.append(box);
    messages.scrollTop = messages.scrollHeight;
  }

  // The API's times are UTC; the customer reads them on her own clock (China: UTC+8).
  function localTime(iso) {
    const at = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : iso + "Z");
    if (Number.isNaN(at.getTime())) return "";
    const two = (n) => String(n).padStart(2, "0");
    return `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())} ${two(at.getHours())}:${two(at.getMinutes())}`;
  }

  function timeline(custom) {
    const list = el("ul", { class: "timeline" });
    list.append(el("li", {}, `${custom.claim_number || ""}`));
    for (const step of custom.steps || []) {
      list.append(el("li", { class: step.done ? "done" : "todo" }, `${step.label || step.status}  ${step.at ? localTime(step.at) : ""}`));
    }
    return list;
  }

  function summaryCard(summary) {
    const card = el("div", { class: "summary-card" });
    const lang = summary.language === "en" ? "en" : "zh";
    const money = (v) => "¥" + Number(v).toLocaleString("en-US");
    for (const cover of summary.insured || []) {
      card.append(el("div", { class: "insured" }, tr("summary_insured") + " " + cover.insured_name));
      const table = el("table", { class: "summary" });
      const head = el("tr", {});
      for (const key of ["summary_product", "summary_sum_insured", "summary_premium", "summary_until", "summary_next_due"]) head.append(el("th", {}, tr(key)));
      table.append(head);
      for (const p of cover.policies) {
        const row = el("tr", { class: p.status });
        row.append(el("td", {}, `${p["product_name_" + lang]} ${p.policy_number}`), el("td", {}, money(p.sum_insured)),
          el("td", {}, money(p.annual_premium)), el("td", {}, p.end_date),
          el("td", {}, p.next_due_date ? `${p.next_due_date} ${money(p.next_due_amount)}` : "—"));
        table.append(row);
      }
      card.append(table);
    }
    card.append(el("div", { class: "total" }, tr("summary_total", { total: money(summary.annual_premium_total) })));
    if ((summary.gaps || []).length) {
      const gaps = el("ul", { class: "gaps" });
      for (const gap of summary.gaps) gaps.append(el("li", {}, tr("gap_" + gap.code, { number: gap.policy_number || "", days: gap.days ?? "" })));
      card.append(gaps);
    }
    return card;
  }

  function press(button, row) {
    const payload = button.payload || button.title;
    if (payload.startsWith("csat:")) { sendFrame({ type: "csat", score: Number(payload.slice(5)) }); row.querySelectorAll("button").forEach((b) => (b.disabled = true)); return; }
    if (payload.startsWith("choice:")) { sendFrame({ type: "choice", choice: payload.slice(7) }); row.querySelectorAll("button").forEach((b) => (b.disabled = true)); return; }
    send(payload, button.title);
  }

  // The hub's estimate in words, as texts.py words it: "less than a minute" where true, never seconds.
  function waitWords(seconds) {
    if (seconds === null || seconds === undefined) return tr("wait_no_agent");
    return seconds < 60 ? tr("wait_under_minute") : tr("wait_minutes", { minutes: Math.round(seconds / 60) });
  }

  function showStatus(s) {
    lastStatus = s;
    statusBox.className = "";
    if (s.owner === "queued") {
      statusBox.textContent = (s.escalated ? tr("escalated_banner") + " · " : "") +
        tr("queued", { position: s.position ?? "?", wait: waitWords(s.estimated_wait_s) });
      statusBox.style.display = "block";
    } else if (s.owner === "agent") {
      statusBox.textContent = tr("with_agent", { name: s.agent_name || tr("agent") });
      statusBox.className = "agent";
      statusBox.style.display = "block";
    } else {
      statusBox.style.display = "none";
    }
  }
  window.onLangChange = () => lastStatus && showStatus(lastStatus);

  function sendFrame(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
  }

  function send(text, title) {
    const msg = { type: "message", text, client_msg_id: crypto.randomUUID() };
    if (title) msg.title = title;
    savePending([...pending(), msg]);
    const box = el("div", { class: "msg customer pending", "data-client-id": msg.client_msg_id }, title || text);
    messages.append(box);
    messages.scrollTop = messages.scrollHeight;
    sendFrame(msg);
  }

  // The conversation this browser may open: its cookie's, a new one, or (app) the token's customer's.
  async function session() {
    const response = await fetch("/api/chat/session", {
      method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(appChat ? { token: appToken, app: true } : {}),
    });
    if (!response.ok) throw new Error((await response.json()).error?.message || response.status);
    const body = await response.json();
    if (cid !== body.conversation_id) { cid = body.conversation_id; lastSeq = 0; seen.clear(); }
    const waiting = pending();
    localStorage.removeItem(pendingKey);
    pendingKey = "hub_pending_" + cid;
    savePending([...pending(), ...waiting.filter((m) => !pending().some((p) => p.client_msg_id === m.client_msg_id))]);
  }

  async function connect() {
    conn.textContent = retry ? tr("reconnecting") : tr("connecting");
    if (!cid) {
      try { await session(); } catch (e) { conn.textContent = tr("session_failed"); retry += 1; setTimeout(connect, 3000); return; }
    }
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(`${scheme}://${location.host}/ws/chat/${encodeURIComponent(cid)}?last_seq=${lastSeq}`);
    socket.onopen = () => {
      retry = 0; conn.textContent = "";
      if (appToken) sendFrame({ type: "auth", token: appToken });
      for (const msg of pending()) {  // resend what was never acknowledged; the hub drops duplicates
        if (!messages.querySelector(`[data-client-id="${CSS.escape(msg.client_msg_id)}"]`)) {
          messages.append(el("div", { class: "msg customer pending", "data-client-id": msg.client_msg_id }, msg.title || msg.text));
        }
        socket.send(JSON.stringify(msg));
      }
    };
    socket.onmessage = (e) => {
      const frame = JSON.parse(e.data);
      if (frame.type === "auth_ok") signedIn = true;
      else if (frame.type === "event") { render(frame); if (frame.sender === "agent") agentTyping(false); }
      else if (frame.type === "typing" && frame.sender === "agent") agentTyping(true);
      else if (frame.type === "status") showStatus(frame);
      else if (frame.type === "ack") savePending(pending().filter((m) => m.client_msg_id !== frame.client_msg_id));
      else if (frame.type === "error" && (frame.code === "resume_secret_required" || frame.code === "auth_required")) {
        cid = null;  // the cookie expired or was cleared: ask the hub again on the reconnect below
      }
      else if (frame.type === "error") {
        messages.append(el("div", { class: "msg system error" }, frame.message));
        if (frame.client_msg_id) savePending(pending().filter((m) => m.client_msg_id !== frame.client_msg_id));
      }
    };
    socket.onclose = () => {
      socket = null; retry += 1;
      conn.textContent = tr("reconnecting");
      setTimeout(connect, Math.min(5000, 300 * 2 ** Math.min(retry, 4)));
    };
  }

  // Typing, both ways, only while an agent has the chat: ours at most every 2 s (the hub passes no more),
  // theirs shown for a few seconds after each signal.
  let typingSentAt = 0, agentTypingTimer = null;
  document.getElementById("input").addEventListener("input", (e) => {
    if (!lastStatus || lastStatus.owner !== "agent" || !e.target.value.trim() || Date.now() - typingSentAt < 2000) return;
    typingSentAt = Date.now();
    sendFrame({ type: "typing" });
  });
  function agentTyping(shown) {
    document.getElementById("typing").hidden = !shown;
    clearTimeout(agentTypingTimer);
    if (shown) agentTypingTimer = setTimeout(() => agentTyping(false), 4000);
  }

  document.getElementById("compose").addEventListener("submit", (e) => {
    e.preventDefault();
    const input = document.getElementById("input");
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    send(text);
  });
  // authHeaders: an app chat has no cookie, so its requests (chat_materials.js) carry the app's token instead.
  // signedIn: the hub has checked the app's token and knows the customer (what a handoff then names to agents).
  window.hubChat = { cid: () => cid, lastSeq: () => lastSeq, signedIn: () => signedIn, drop: () => socket && socket.close(),
                     authHeaders: () => (appChat ? { "X-App-Token": appToken } : {}) };
  applyI18n();
  connect();
})();
