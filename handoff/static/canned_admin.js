// Supervisor view: the canned replies agents insert with "/shortcode", per language: create, edit, delete.
(() => {
  const form = document.getElementById("canned-form");
  const fields = { language: document.getElementById("canned-language"), shortcode: document.getElementById("canned-shortcode"), text: document.getElementById("canned-text") };
  const errorBox = document.getElementById("canned-error");
  const cancel = document.getElementById("canned-cancel");
  let editing = null;  // the id of the reply in the form, or null for a new one
  let replies = [];

  function reset() {
    editing = null;
    form.reset();
    cancel.hidden = true;
    errorBox.textContent = "";
  }

  function render() {
    const table = document.getElementById("canned-table");
    table.innerHTML = "";
    table.append(el("tr", {}, el("th", {}, tr("language")), el("th", {}, tr("shortcode")), el("th", {}, tr("canned_text")), el("th", {}, "")));
    for (const reply of replies) {
      const edit = el("button", { class: "canned-edit" }, tr("edit"));
      edit.addEventListener("click", () => {
        editing = reply.id;
        fields.language.value = reply.language; fields.shortcode.value = reply.shortcode; fields.text.value = reply.text;
        cancel.hidden = false;
        fields.text.focus();
      });
      const remove = el("button", { class: "canned-delete danger" }, tr("delete"));
      remove.addEventListener("click", async () => {
        if (!confirm(tr("canned_delete_confirm", { shortcode: reply.shortcode }))) return;
        try { await api("DELETE", `/api/console/canned/${reply.id}`); if (editing === reply.id) reset(); await load(); }
        catch (err) { errorBox.textContent = err.message; }
      });
      table.append(el("tr", { "data-canned-id": String(reply.id), "data-shortcode": `${reply.language}/${reply.shortcode}` },
        el("td", {}, reply.language), el("td", {}, "/" + reply.shortcode), el("td", { class: "pre" }, reply.text),
        el("td", {}, edit, " ", remove)));
    }
  }

  async function load() {
    replies = await api("GET", "/api/console/canned");
    render();
  }

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const body = { language: fields.language.value, shortcode: fields.shortcode.value.trim().toLowerCase(), text: fields.text.value };
    try {
      if (editing === null) await api("POST", "/api/console/canned", body);
      else await api("PUT", `/api/console/canned/${editing}`, body);
      reset();
      await load();
    } catch (err) { errorBox.textContent = err.message; }
  });
  cancel.addEventListener("click", reset);

  const before = window.onLangChange;
  window.onLangChange = () => { if (before) before(); render(); };
  load().catch((err) => { errorBox.textContent = err.message; });
})();
