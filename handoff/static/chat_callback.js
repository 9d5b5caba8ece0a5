// The chat page's form for a callback number: shown under the hub's question after "稍后回电" when nothing
// identified the customer (custom type "callback_number"). The number goes in its own frame, never as a
// chat message, so the bot never reads it; the hub keeps it as a contact number, marked unverified.
Object.assign(I18N.zh, { callback_number_placeholder: "手机号码", callback_number_submit: "提交号码" });
Object.assign(I18N.en, { callback_number_placeholder: "Mobile number", callback_number_submit: "Send number" });

function callbackNumberForm(sendFrame) {
  const input = el("input", { type: "tel", inputmode: "numeric", autocomplete: "tel", maxlength: "20",
    class: "callback-number-input", placeholder: tr("callback_number_placeholder") });
  const button = el("button", { type: "submit", class: "primary" }, tr("callback_number_submit"));
  const form = el("form", { class: "callback-number-form" }, input, button);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const number = input.value.trim();
    if (!number) return;
    sendFrame({ type: "callback_number", number });
    input.value = "";
  });
  return form;
}
