// Hand back to the bot: when the customer wrote after the agent's last reply, the agent chooses whether
// the bot answers those messages. By default it does not: a "转人工" the bot ran again would put the
// customer straight back in the queue (POST .../handback {"bot_answers": true|false}).
Object.assign(I18N.zh, {
  handback_unanswered: "客户有 {n} 条消息您还没有回复。转回机器人后：", handback_bot_answers: "由机器人回答",
  handback_leave: "不回答，只转回", handback_cancel: "取消",
});
Object.assign(I18N.en, {
  handback_unanswered: "The customer has {n} message(s) you have not answered. After the hand back:",
  handback_bot_answers: "Let the bot answer them", handback_leave: "Leave them, just hand back", handback_cancel: "Cancel",
});

const HandBack = {
  // Customer messages after the agent's last reply (or after the last system line, e.g. "joined").
  unanswered() {
    const entries = [...document.querySelectorAll("#transcript .msg")];
    let from = -1;
    entries.forEach((node, i) => { if (node.classList.contains("agent") || node.classList.contains("system")) from = i; });
    return entries.slice(from + 1).filter((node) => node.classList.contains("customer")).length;
  },
  // Resolves to the request body, or null if the agent cancelled.
  choose() {
    const n = this.unanswered();
    if (!n) return Promise.resolve({ bot_answers: false });
    document.getElementById("handback-choice")?.remove();
    return new Promise((resolve) => {
      const done = (value) => { panel.remove(); resolve(value); };
      const panel = el("div", { id: "handback-choice", class: "card" }, el("div", {}, tr("handback_unanswered", { n })),
        el("div", { class: "buttons" },
          el("button", { class: "primary", id: "handback-bot-answers", onclick: () => done({ bot_answers: true }) }, tr("handback_bot_answers")),
          el("button", { id: "handback-leave", onclick: () => done({ bot_answers: false }) }, tr("handback_leave")),
          el("button", { id: "handback-cancel", onclick: () => done(null) }, tr("handback_cancel"))));
      document.querySelector(".reply-box").append(panel);
    });
  },
};
