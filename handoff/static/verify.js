// The 验真 page (a file of its own: the hub's CSP runs no inline script). The QR code on an e-policy opens
// /verify#p=<policy number>&c=<code>: a fragment never reaches a server, so the code stays out of logs.
applyI18n();
const fragment = new URLSearchParams(location.hash.slice(1));
document.getElementById("policy-number").value = fragment.get("p") || "";
document.getElementById("code").value = fragment.get("c") || "";

// The chosen PDF's SHA-256, computed here: the file itself is never uploaded.
async function fileDigest(input) {
  const file = input.files && input.files[0];
  if (!file) return null;
  const digest = await crypto.subtle.digest("SHA-256", await file.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

function show(result) {
  const box = document.getElementById("result");
  box.replaceChildren();
  box.hidden = false;
  box.dataset.genuine = result.genuine ? "true" : "false";
  box.append(el("h2", {}, tr(result.genuine ? "verify_genuine" : "verify_forged")));
  if (!result.genuine) return;
  if (result.file_checked) box.append(el("p", {}, tr("verify_file_ok")));
  const product = LANG === "zh" ? result.product_name_zh : result.product_name_en;
  const money = (v) => "¥" + Number(v).toLocaleString("zh-CN", { minimumFractionDigits: 2 });
  box.append(el("p", {}, tr("verify_compare")), el("ul", {},
    el("li", {}, `${tr("verify_number")}: ${result.policy_number}`),
    el("li", {}, `${tr("summary_product")}: ${product}`),
    el("li", {}, `${tr("summary_insured")}: ${result.insured_name_masked}`),
    el("li", {}, `${tr("verify_period")}: ${result.start_date} – ${result.end_date}`),
    el("li", {}, `${tr("summary_sum_insured")}: ${money(result.sum_insured)}`),
    el("li", {}, `${tr("summary_premium")}: ${money(result.annual_premium)}`),
    el("li", {}, `${tr("verify_issued")}: ${new Date(result.issued_at).toLocaleString()}`)));
}

document.getElementById("verify").addEventListener("submit", async (e) => {
  e.preventDefault();
  const error = document.getElementById("error");
  error.textContent = "";
  const body = { policy_number: document.getElementById("policy-number").value.trim(),
                 verification_code: document.getElementById("code").value.trim() };
  const digest = await fileDigest(document.getElementById("file"));
  if (digest) body.file_sha256 = digest;
  const response = await fetch("/verify/epolicy", {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  });
  const result = await response.json();
  if (!response.ok) { error.textContent = result.error ? result.error.message : response.statusText; return; }
  show(result);
});
