// The console's sign-in form (a file of its own: the hub's CSP runs no inline script).
applyI18n();
document.getElementById("login").addEventListener("submit", async (e) => {
  e.preventDefault();
  // Asked here, on the agent's own click: offers arrive later as desktop notifications (alerts.js).
  if ("Notification" in window && Notification.permission === "default") Notification.requestPermission();
  const response = await fetch("/api/console/login", {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: document.getElementById("username").value, password: document.getElementById("password").value }),
  });
  const body = await response.json();
  if (!response.ok) { document.getElementById("error").textContent = body.error.message; return; }
  const home = { supervisor: "/console/supervisor", adjuster: "/console/adjuster" };
  location.href = home[body.role] || "/console/agent";
});
