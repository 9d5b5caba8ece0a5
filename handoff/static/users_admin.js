// Supervisor view: the console's agents and claims adjusters. Create one, disable or enable one, reset one's password. A
// password the hub makes is shown here once, to be passed on; the page forgets it when it is hidden.
(() => {
  const form = document.getElementById("user-form");
  const errorBox = document.getElementById("user-error");
  const secret = document.getElementById("new-password");
  let users = [];
  const MANAGED_ROLES = ["agent", "adjuster"];

  function showPassword(username, password) {
    secret.innerHTML = "";
    const hide = el("button", { type: "button", id: "hide-password" }, tr("hide"));
    hide.addEventListener("click", () => { secret.innerHTML = ""; secret.hidden = true; });
    secret.append(el("div", {}, tr("password_once", { username })), el("code", { id: "password-value" }, password), " ", hide);
    secret.hidden = false;
  }

  async function act(username, action) {
    errorBox.textContent = "";
    try {
      const result = await api("POST", `/api/console/users/${encodeURIComponent(username)}/${action}`);
      if (result.password) showPassword(username, result.password);
      await load();
    } catch (err) { errorBox.textContent = err.message; }
  }

  function render() {
    const table = document.getElementById("user-table");
    table.innerHTML = "";
    table.append(el("tr", {}, ...["username", "display_name", "role", "language", "skills", "capacity", "state"].map((k) => el("th", {}, tr(k))), el("th", {}, "")));
    for (const u of users) {
      const actions = el("td", {});
      if (MANAGED_ROLES.includes(u.role)) {  // supervisors are managed with `python -m handoff.users`
        const toggle = el("button", { class: u.disabled ? "enable-user" : "disable-user danger" }, tr(u.disabled ? "enable" : "disable"));
        toggle.addEventListener("click", () => {
          if (u.disabled || confirm(tr("disable_confirm", { username: u.username }))) act(u.username, u.disabled ? "enable" : "disable");
        });
        const reset = el("button", { class: "reset-user" }, tr("reset_password"));
        reset.addEventListener("click", () => { if (confirm(tr("reset_confirm", { username: u.username }))) act(u.username, "reset"); });
        actions.append(toggle, " ", reset);
      }
      table.append(el("tr", { "data-user": u.username, class: u.disabled ? "disabled" : "" },
        el("td", {}, u.username), el("td", {}, u.display_name), el("td", { class: "user-role" }, tr(`${u.role}_role`)),
        el("td", {}, u.languages.join(",")), el("td", {}, u.skills.join(",")),
        el("td", {}, String(u.capacity)), el("td", {}, tr(u.disabled ? "disabled" : "active")), actions));
    }
  }

  async function load() {
    users = await api("GET", "/api/console/users");
    render();
  }

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    errorBox.textContent = "";
    const checked = (name) => [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((i) => i.value);
    const body = {
      username: document.getElementById("user-username").value.trim().toLowerCase(),
      display_name: document.getElementById("user-name").value.trim(),
      role: document.getElementById("user-role").value,
      languages: checked("user-language"), skills: checked("user-skill"),
      capacity: Number(document.getElementById("user-capacity").value),
    };
    try {
      const created = await api("POST", "/api/console/users", body);
      form.reset();
      showPassword(created.username, created.password);
      await load();
    } catch (err) { errorBox.textContent = err.message; }
  });

  const before = window.onLangChange;
  window.onLangChange = () => { if (before) before(); render(); };
  load().catch((err) => { errorBox.textContent = err.message; });
})();
