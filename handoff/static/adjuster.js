// The adjusters' console: the claims the automatic review passed to a person, with the OCR
// findings and the failed checks, and the three decisions. The policy API checks every decision.
Object.assign(I18N.zh, {
  adjuster_console: "理赔审核", claims_queue: "待审核理赔", claim: "案件", findings: "发票识别结果", problems: "未通过的检查",
  history: "处理记录", approve_amount: "核定金额（元）", approve: "审核通过并赔付", reject: "拒赔", reject_detail: "拒赔说明",
  request_materials: "要求补充材料", note: "备注", claim_number: "案件号", claim_type: "险种", claimed: "报案金额",
  sum_insured: "保额", status: "状态", created: "报案时间", open_claim: "审核", fast_track: "小额秒赔",
  f_amount: "金额（小写）", f_amount_in_words: "金额（大写）", f_invoice_date: "开票日期", f_payee: "收款单位",
  f_invoice_number: "发票号码", f_plate: "车牌", f_confidence: "识别置信度", no_findings: "尚无发票识别结果",
  queue_empty: "没有待审核的理赔", done: "已提交", actor: "操作人", yes: "是", no: "否",
});
Object.assign(I18N.en, {
  adjuster_console: "Claim review", claims_queue: "Claims to review", claim: "Claim", findings: "Invoice findings", problems: "Failed checks",
  history: "History", approve_amount: "Approved amount (CNY)", approve: "Approve and pay", reject: "Reject", reject_detail: "Details",
  request_materials: "Ask for materials", note: "Note", claim_number: "Claim", claim_type: "Type", claimed: "Claimed",
  sum_insured: "Sum insured", status: "Status", created: "Reported", open_claim: "Review", fast_track: "Fast-track",
  f_amount: "Amount (figures)", f_amount_in_words: "Amount (words)", f_invoice_date: "Invoice date", f_payee: "Payee",
  f_invoice_number: "Invoice number", f_plate: "Plate", f_confidence: "Confidence", no_findings: "No invoice findings yet",
  queue_empty: "No claims to review", done: "Submitted", actor: "By", yes: "yes", no: "no",
});

(() => {
  let queue = { claims: [], reject_reasons: {}, material_kinds: {} };
  let current = null;  // the claim open in the card
  const errorBox = document.getElementById("claim-error");
  const label = (pair) => (LANG === "en" ? pair[1] : pair[0]);
  const when = (iso) => (iso ? String(iso).slice(0, 16).replace("T", " ") : "");

  function renderQueue() {
    const table = document.getElementById("claims-queue");
    table.innerHTML = "";
    table.append(el("tr", {}, ...["claim_number", "claim_type", "claimed", "fast_track", "problems", "created", ""].map((k) => el("th", {}, k ? tr(k) : ""))));
    if (!queue.claims.length) table.append(el("tr", {}, el("td", { colspan: "7", class: "muted" }, tr("queue_empty"))));
    for (const c of queue.claims) {
      const open = el("button", { class: "claim-open" }, tr("open_claim"));
      open.addEventListener("click", () => show(c.claim_number));
      table.append(el("tr", { "data-claim": c.claim_number, class: current && current.claim_number === c.claim_number ? "selected" : "" },
        el("td", {}, c.claim_number), el("td", {}, c.insurance_type), el("td", {}, Number(c.amount).toFixed(2)),
        el("td", {}, tr(c.fast_track ? "yes" : "no")), el("td", {}, c.problems.map((p) => p.code).join(", ")),
        el("td", {}, when(c.created_at)), el("td", {}, open)));
    }
  }

  function renderChoices() {
    const select = document.getElementById("reject-reason");
    select.innerHTML = "";
    for (const [code, pair] of Object.entries(queue.reject_reasons)) select.append(el("option", { value: code }, label(pair)));
    const kinds = document.getElementById("material-kinds");
    kinds.innerHTML = "";
    for (const [code, pair] of Object.entries(queue.material_kinds)) {
      kinds.append(el("label", {}, el("input", { type: "checkbox", name: "material-kind", value: code }), " " + label(pair)));
    }
  }

  function renderClaim() {
    const card = document.getElementById("claim-card");
    card.hidden = !current;
    if (!current) return;
    const c = current;
    document.getElementById("claim-title").textContent = `${c.claim_number} · ${c.status_label_zh} / ${c.status_label_en}`;
    const facts = document.getElementById("claim-facts");
    facts.innerHTML = "";
    facts.append(el("div", {}, `${tr("claim_type")}: ${c.insurance_type} · ${tr("claimed")}: ${Number(c.amount).toFixed(2)} · ` +
      `${tr("sum_insured")}: ${Number(c.sum_insured).toFixed(2)} · ${tr("fast_track")}: ${tr(c.fast_track ? "yes" : "no")}`));
    const findings = document.getElementById("claim-findings");
    findings.innerHTML = "";
    if (!c.findings) findings.append(el("tr", {}, el("td", { class: "muted" }, tr("no_findings"))));
    else for (const key of ["amount", "amount_in_words", "invoice_date", "payee", "invoice_number", "plate", "confidence"]) {
      findings.append(el("tr", {}, el("th", {}, tr("f_" + key)), el("td", {}, c.findings[key] === null ? "—" : String(c.findings[key]))));
    }
    const problems = document.getElementById("claim-problems");
    problems.innerHTML = "";
    for (const p of c.problems) problems.append(el("li", { "data-code": p.code }, LANG === "en" ? p.en : p.zh));
    const events = document.getElementById("claim-events");
    events.innerHTML = "";
    for (const e of c.events) events.append(el("tr", {}, el("td", {}, when(e.at)), el("td", {}, e.kind === "status" ? e.status : e.kind), el("td", {}, e.note || ""), el("td", {}, e.actor || "")));
    document.getElementById("approve-amount").value = Number(c.amount).toFixed(2);
    document.getElementById("approve-amount").max = Math.min(Number(c.amount), Number(c.sum_insured)).toFixed(2);
  }

  async function refresh() {
    queue = await api("GET", "/api/console/adjuster/claims");
    renderQueue();
    renderChoices();
  }

  async function show(number) {
    errorBox.textContent = "";
    current = await api("GET", `/api/console/adjuster/claims/${encodeURIComponent(number)}`);
    renderClaim();
    renderQueue();
  }

  async function decide(path, body) {
    errorBox.textContent = "";
    try {
      current = await api("POST", `/api/console/adjuster/claims/${encodeURIComponent(current.claim_number)}/${path}`, body);
      renderClaim();
      errorBox.textContent = tr("done");
      await refresh();
    } catch (err) { errorBox.textContent = err.message; }
  }

  document.getElementById("approve-form").addEventListener("submit", (e) => {
    e.preventDefault();
    decide("approve", { amount: Number(document.getElementById("approve-amount").value), note: document.getElementById("approve-note").value });
  });
  document.getElementById("reject-form").addEventListener("submit", (e) => {
    e.preventDefault();
    decide("reject", { reason_code: document.getElementById("reject-reason").value, text: document.getElementById("reject-text").value });
  });
  document.getElementById("materials-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const kinds = [...document.querySelectorAll("input[name=material-kind]:checked")].map((i) => i.value);
    decide("request-materials", { kinds, note: document.getElementById("materials-note").value });
  });
  document.getElementById("logout").addEventListener("click", async () => { await api("POST", "/api/console/logout"); location.href = "/console"; });
  window.onLangChange = () => { renderQueue(); renderChoices(); renderClaim(); };
  (async () => {
    applyI18n();
    const me = await api("GET", "/api/console/me");
    if (me.role !== "adjuster" && me.role !== "supervisor") { location.href = "/console/agent"; return; }
    document.getElementById("me").textContent = me.display_name;
    await refresh();
    setInterval(() => refresh().catch(() => {}), 5000);
  })();
})();
