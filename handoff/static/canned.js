// The canned-reply panel over the agent's reply box: typing "/" opens it, the letters after the "/"
// filter the replies by shortcode (those starting with them first, then those containing them),
// ↑/↓ choose, Enter or Tab puts the reply in the box, Esc closes the panel.
// `replies()` gives the list for the open conversation: [{ shortcode, text }].
function CannedPanel(box, panel, replies) {
  let shown = [];
  let chosen = 0;

  // The filter typed after "/", or null when the box holds anything but a "/shortcode".
  function query() { return /^\/\S*$/.test(box.value) ? box.value.slice(1).toLowerCase() : null; }

  function render() {
    panel.innerHTML = "";
    if (!shown.length) panel.append(el("div", { class: "muted" }, tr("canned_no_match")));
    shown.forEach((reply, i) => {
      const item = el("div", { class: "canned-item" + (i === chosen ? " chosen" : ""), role: "option",
        "data-shortcode": reply.shortcode, "aria-selected": String(i === chosen) },
        el("b", {}, "/" + reply.shortcode), " ", el("span", {}, reply.text));
      // mousedown, not click: the box keeps its focus, so the agent can type on at once.
      item.addEventListener("mousedown", (e) => { e.preventDefault(); insert(reply); });
      panel.append(item);
    });
    panel.hidden = false;
  }

  function close() { panel.hidden = true; shown = []; }

  function insert(reply) {
    box.value = reply.text;
    close();
    box.focus();
    box.setSelectionRange(box.value.length, box.value.length);
  }

  function update() {
    const q = query();
    if (q === null) { close(); return; }
    const list = replies();
    shown = [...list.filter((r) => r.shortcode.toLowerCase().startsWith(q)),
      ...list.filter((r) => !r.shortcode.toLowerCase().startsWith(q) && r.shortcode.toLowerCase().includes(q))];
    chosen = 0;
    render();
  }

  box.addEventListener("input", update);
  box.addEventListener("blur", close);

  return {
    isOpen: () => !panel.hidden,
    close,
    // A key pressed in the reply box: true if the panel took it (the caller then prevents its default).
    key(e) {
      if (panel.hidden || e.isComposing) return false;
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        if (shown.length) chosen = (chosen + (e.key === "ArrowDown" ? 1 : shown.length - 1)) % shown.length;
        render();
        return true;
      }
      if (e.key === "Enter" || e.key === "Tab") {
        // An unmatched "/word" is not sent to the customer by mistake: Enter does nothing then.
        if (shown.length) insert(shown[chosen]);
        return true;
      }
      if (e.key === "Escape") { close(); return true; }
      return false;
    },
  };
}
