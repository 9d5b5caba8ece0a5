// UI texts in zh-CN (default) and en; the choice is kept in localStorage.
const I18N = {
  zh: {
    chat_title: "保险智能客服", send: "发送", placeholder: "请输入您的问题…", connecting: "连接中…",
    reconnecting: "网络中断，正在重新连接…", session_failed: "暂时无法开始会话，正在重试…", queued: "正在为您转接人工客服：您前面排第 {position} 位，预计等待约 {wait} 秒",
    escalated_banner: "人工客服繁忙，您可以继续等待、选择回电或留言", with_agent: "人工客服 {name} 正在为您服务",
    you: "您", bot: "智能助手", customer_sender: "客户", agent: "人工客服", lang: "English",
    console: "坐席工作台", supervisor_console: "主管看板", username: "用户名", password: "密码", sign_in: "登录",
    state: "状态", available: "在线接待", away: "暂离", offline: "离线", sign_out: "退出",
    offers: "待接入请求", accept: "接入", decline: "拒绝", my_conversations: "我的会话", transcript: "对话记录",
    reply: "回复", canned: "常用回复", handback: "转回机器人", close: "结束会话", notes: "内部备注", add_note: "添加备注",
    reason: "转人工原因", summary: "机器人摘要", customer: "客户资料", policies: "保单", claims: "理赔",
    no_customer: "客户未验证身份", queue: "排队队列", agents: "坐席", live: "进行中的会话", figures: "今日数据",
    alerts: "告警", take_over: "接管", view: "查看", waited: "已等待", load: "负载", handoffs: "转人工次数",
    accept_p50: "接入时间 p50", accept_p95: "接入时间 p95", within_target: "30 秒内接入占比", csat: "满意度",
    last_hour: "近一小时", target: "目标", seconds_left: "剩余 {s} 秒", escalated: "已升级", none: "暂无",
    audit: "数据访问审计", select_conversation: "请选择一个会话", language: "语言", channel: "渠道",
    suggestions: "推荐回复（知识库）", clause_excerpts: "相关条款", insert: "插入", source: "来源",
    no_suggestions: "知识库中没有相近的答案", suggestions_unavailable: "知识库暂时不可用",
    summary_insured: "被保险人", summary_product: "产品", summary_sum_insured: "保额", summary_premium: "年保费",
    summary_until: "保障至", summary_next_due: "下次缴费", summary_total: "有效保单年缴保费合计 {total}",
    gap_policy_expiring: "{number} 将在 {days} 天后到期", gap_premium_overdue: "{number} 保费已逾期 {days} 天",
    gap_policy_lapsed: "{number} 已失效", gap_no_health_cover: "没有医疗险保障", gap_no_accident_cover: "没有意外险保障",
    service_figures: "服务数据",
  },
  en: {
    chat_title: "Insurance Service Desk", send: "Send", placeholder: "Type your question…", connecting: "Connecting…",
    reconnecting: "Connection lost, reconnecting…", session_failed: "Cannot start a conversation right now, retrying…", queued: "Connecting you to an agent: you are number {position} in the queue, about {wait} s",
    escalated_banner: "Our agents are busy: keep waiting, ask for a call back or leave a message", with_agent: "{name} is helping you",
    you: "You", bot: "Assistant", customer_sender: "Customer", agent: "Agent", lang: "中文",
    console: "Agent console", supervisor_console: "Supervisor view", username: "Username", password: "Password", sign_in: "Sign in",
    state: "State", available: "Available", away: "Away", offline: "Offline", sign_out: "Sign out",
    offers: "Incoming requests", accept: "Accept", decline: "Decline", my_conversations: "My conversations", transcript: "Transcript",
    reply: "Reply", canned: "Canned replies", handback: "Hand back to bot", close: "Close", notes: "Internal notes", add_note: "Add note",
    reason: "Handoff reason", summary: "Bot summary", customer: "Customer", policies: "Policies", claims: "Claims",
    no_customer: "Customer not verified", queue: "Queue", agents: "Agents", live: "Live conversations", figures: "Today",
    alerts: "Alerts", take_over: "Take over", view: "View", waited: "Waited", load: "Load", handoffs: "Handoffs",
    accept_p50: "Accept time p50", accept_p95: "Accept time p95", within_target: "Accepted within 30 s", csat: "CSAT",
    last_hour: "Last hour", target: "target", seconds_left: "{s} s left", escalated: "escalated", none: "None",
    audit: "Data access audit", select_conversation: "Select a conversation", language: "Language", channel: "Channel",
    suggestions: "Suggested replies (knowledge base)", clause_excerpts: "Related clauses", insert: "Insert", source: "Source",
    no_suggestions: "No close answer in the knowledge base", suggestions_unavailable: "Knowledge base unavailable",
    summary_insured: "Insured", summary_product: "Product", summary_sum_insured: "Sum insured", summary_premium: "Premium / yr",
    summary_until: "Cover until", summary_next_due: "Next premium", summary_total: "Annual premiums of active policies: {total}",
    gap_policy_expiring: "{number} ends in {days} days", gap_premium_overdue: "{number}: premium {days} days overdue",
    gap_policy_lapsed: "{number} has lapsed", gap_no_health_cover: "No health cover", gap_no_accident_cover: "No accident cover",
    service_figures: "Service figures",
  },
};
let LANG = localStorage.getItem("hub_ui_lang") || "zh";
function tr(key, values) {
  let text = (I18N[LANG] && I18N[LANG][key]) || I18N.zh[key] || key;
  for (const [k, v] of Object.entries(values || {})) text = text.replace("{" + k + "}", v);
  return text;
}
function applyI18n(root) {
  (root || document).querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = tr(el.dataset.i18n); });
  (root || document).querySelectorAll("[data-i18n-placeholder]").forEach((el) => { el.placeholder = tr(el.dataset.i18nPlaceholder); });
}
function toggleLang() { LANG = LANG === "zh" ? "en" : "zh"; localStorage.setItem("hub_ui_lang", LANG); applyI18n(); if (window.onLangChange) window.onLangChange(); }
// The language buttons (data-toggle-lang): bound here, since the CSP runs no inline onclick.
document.querySelectorAll("[data-toggle-lang]").forEach((b) => b.addEventListener("click", toggleLang));
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v; else if (k.startsWith("on")) node.addEventListener(k.slice(2), v); else node.setAttribute(k, v);
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}
