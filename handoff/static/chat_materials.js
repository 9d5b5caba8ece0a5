// Claim documents from the chat page: the paper clip (or a drop on the page) sends photos and PDFs for one of
// the verified customer's claims; each file shows as a thumbnail with its status, and what the claim still
// needs is listed below. The hub knows who she is from the conversation; this page never names a customer.
(function () {
  const panel = document.getElementById("materials");
  const claimSelect = document.getElementById("material-claim");
  const kindSelect = document.getElementById("material-kind");
  const thumbs = document.getElementById("thumbs");
  const missingBox = document.getElementById("missing");
  const fileInput = document.getElementById("material-file");
  const dropHint = document.getElementById("drop-hint");
  let lastList = null;
  const STATUS_EVERY_MS = 10000;

  const headers = () => (window.hubChat ? window.hubChat.authHeaders() : {});
  const call = (path, options = {}) => fetch(path, { credentials: "same-origin", ...options, headers: { ...headers(), ...(options.headers || {}) } });
  const errorText = async (response) => { try { return (await response.json()).error.message; } catch (e) { return String(response.status); } };

  function systemNote(text) {
    const box = el("div", { class: "msg system error" }, text);
    const messages = document.getElementById("messages");
    messages.append(box);
    messages.scrollTop = messages.scrollHeight;
  }

  // The customer's claims, newest first; the panel opens on the first.
  async function loadClaims() {
    const response = await call("/api/chat/claims");
    if (!response.ok) { systemNote(response.status === 403 ? tr("no_claim_for_upload") : await errorText(response)); return false; }
    const claims = (await response.json()).claims || [];
    if (!claims.length) { systemNote(tr("no_claim_for_upload")); return false; }
    const chosen = claimSelect.value;
    claimSelect.innerHTML = "";
    for (const c of claims) claimSelect.append(el("option", { value: c.claim_number }, claimLabel(c)));
    if (chosen && claims.some((c) => c.claim_number === chosen)) claimSelect.value = chosen;
    panel.hidden = false;
    await refresh();
    return true;
  }

  function claimLabel(c) { return `${c.claim_number} · ${LANG === "en" ? c.status_label_en : c.status_label_zh}`; }

  // A file is read and judged after it is sent (and an adjuster may decide later), and the claim moves on:
  // while the panel is open, its statuses are read again, in place (no image is fetched twice).
  async function updateStatuses() {
    const claim = claimSelect.value;
    if (!claim || panel.hidden || document.visibilityState !== "visible") return;
    const claims = await call("/api/chat/claims");
    if (claims.ok) {
      for (const c of (await claims.json()).claims || []) {
        const option = [...claimSelect.options].find((o) => o.value === c.claim_number);
        if (option) option.textContent = claimLabel(c);
      }
    }
    const response = await call(`/api/chat/materials/${encodeURIComponent(claim)}`);
    if (!response.ok || claimSelect.value !== claim) return;
    lastList = await response.json();
    for (const material of lastList.materials) {
      const box = thumbs.querySelector(`[data-material="${CSS.escape(material.material_id)}"]`);
      if (box) showStatus(box, material);  // no box: still being sent, its own answer fills it
    }
    showMissing(lastList);
  }
  setInterval(() => { updateStatuses().catch(() => {}); }, STATUS_EVERY_MS);

  function statusText(material) { return LANG === "en" ? material.status_label_en : material.status_label_zh; }

  function showStatus(box, material) {
    box.className = "thumb " + material.status;
    box.querySelector(".thumb-status").textContent = statusText(material) + (material.problem ? ` · ${material.problem}` : "");
  }

  function thumb(name, claim) {
    const box = el("div", { class: "thumb" });
    box.dataset.claim = claim;
    const label = el("div", { class: "thumb-status" }, tr("uploading"));
    box.append(el("div", { class: "thumb-image" }, name), label);
    thumbs.append(box);
    return box;
  }

  // The stored (re-encoded) file, shown as a data: URL: the page's CSP allows no other image source but our own.
  async function showStored(box, claim, material) {
    box.dataset.material = material.material_id;
    showStatus(box, material);
    const holder = box.querySelector(".thumb-image");
    if (material.media_type === "application/pdf") { holder.textContent = "PDF"; return; }
    const response = await call(`/api/chat/materials/${encodeURIComponent(claim)}/${encodeURIComponent(material.material_id)}/file`);
    if (!response.ok) return;
    const blob = await response.blob();
    const url = await new Promise((resolve) => { const reader = new FileReader(); reader.onload = () => resolve(reader.result); reader.readAsDataURL(blob); });
    holder.textContent = "";
    holder.append(el("img", { src: url, alt: material.kind }));
  }

  function showMissing(list) {
    const names = (list.missing || []).map((m) => (LANG === "en" ? m.document_en : m.document_zh));
    missingBox.textContent = names.length ? tr("material_missing", { list: names.join("；") }) : tr("material_none_missing");
  }

  // Draws the chosen claim's files from the list. A list read while a file was being sent may not have it yet, and
  // an older read may answer after a newer one: so only the latest read draws, and files sent from this page stay.
  let drawing = 0;
  async function refresh() {
    const claim = claimSelect.value;
    if (!claim) return;
    const reading = ++drawing;
    const response = await call(`/api/chat/materials/${encodeURIComponent(claim)}`);
    if (!response.ok || reading !== drawing || claimSelect.value !== claim) return;
    lastList = await response.json();
    for (const box of [...thumbs.children]) if (box.dataset.listed || box.dataset.claim !== claim) box.remove();
    for (const material of lastList.materials) {
      if (thumbs.querySelector(`[data-material="${CSS.escape(material.material_id)}"]`)) continue;
      const box = thumb(material.kind, claim);
      box.dataset.listed = "1";
      showStored(box, claim, material);
    }
    showMissing(lastList);
  }

  async function send(file) {
    const claim = claimSelect.value;
    const box = thumb(file.name, claim);
    const form = new FormData();
    form.append("claim_number", claim);
    form.append("kind", kindSelect.value);
    form.append("file", file);
    const response = await call("/api/chat/materials", { method: "POST", body: form });
    if (!response.ok) {
      box.className = "thumb refused";
      box.querySelector(".thumb-status").textContent = await errorText(response);
      return;
    }
    const material = await response.json();
    // A list read meanwhile may already show this file: one box per file.
    thumbs.querySelector(`[data-listed][data-material="${CSS.escape(material.material_id)}"]`)?.remove();
    await showStored(box, claim, material);
    const list = await call(`/api/chat/materials/${encodeURIComponent(claim)}`);
    if (list.ok) { lastList = await list.json(); showMissing(lastList); }
  }

  async function sendAll(files) {
    if (panel.hidden && !(await loadClaims())) return;
    for (const file of files) await send(file);
  }

  document.getElementById("attach").addEventListener("click", async () => {
    if (panel.hidden && !(await loadClaims())) return;
    fileInput.click();
  });
  fileInput.addEventListener("change", async () => { const files = [...fileInput.files]; fileInput.value = ""; await sendAll(files); });
  claimSelect.addEventListener("change", refresh);
  document.addEventListener("dragover", (e) => { e.preventDefault(); dropHint.hidden = false; });
  document.addEventListener("dragleave", (e) => { if (!e.relatedTarget) dropHint.hidden = true; });
  document.addEventListener("drop", (e) => { e.preventDefault(); dropHint.hidden = true; sendAll([...e.dataTransfer.files]); });
  const previous = window.onLangChange;
  window.onLangChange = () => { if (previous) previous(); if (lastList) { showMissing(lastList); updateStatuses().catch(() => {}); } };
})();
