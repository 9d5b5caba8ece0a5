// UI texts in zh-CN (default) and en; the choice is kept in localStorage.
const I18N = {
  zh: {
    chat_title: "保险智能客服", send: "发送", placeholder: "请输入您的问题…", connecting: "连接中…",
    reconnecting: "网络中断，正在重新连接…", session_failed: "暂时无法开始会话，正在重试…", queued: "正在为您转接人工客服：您排第 {position} 位，预计等待{wait}",
    wait_under_minute: "不到 1 分钟", wait_minutes: "约 {minutes} 分钟", wait_no_agent: "（目前没有空闲的人工客服，暂时无法估计）",
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
    offer_notification_title: "新的转人工请求", offer_notification_body: "{reason} · {language} · {channel}：请在 {s} 秒内接入",
    enable_alerts: "启用提示音和通知",
    customer_typing: "客户正在输入…", agent_typing: "人工客服正在输入…", canned_no_match: "没有匹配的常用回复",
    reply_placeholder: "Enter 发送，Shift+Enter 换行，输入 / 选择常用回复",
    canned_admin: "常用回复管理", shortcode: "快捷码", canned_text: "回复内容", save: "保存", cancel: "取消", edit: "编辑", delete: "删除",
    canned_delete_confirm: "删除常用回复 /{shortcode}？",
    agent_accounts: "坐席与理赔员账号", display_name: "姓名", skills: "技能", capacity: "接待上限", create_agent: "新建账号",
    enable: "启用", disable: "停用", reset_password: "重置密码", disabled: "已停用", active: "正常", supervisor_role: "主管",
    role: "角色", agent_role: "坐席", adjuster_role: "理赔员",
    hide: "隐藏", password_once: "{username} 的新密码（只显示这一次，请转交本人）：",
    disable_confirm: "停用 {username}？其登录会话将立即结束。", reset_confirm: "重置 {username} 的密码？其登录会话将立即结束。",
    audit_user_create: "新建坐席", audit_user_disable: "停用坐席", audit_user_enable: "启用坐席", audit_user_reset: "重置坐席密码",
    audit_view_customer: "查看客户资料", audit_watch_conversation: "查看会话", audit_export_customer: "导出客户数据",
    audit_erase_customer: "删除客户数据", audit_canned_create: "新增常用回复", audit_canned_update: "修改常用回复", audit_canned_delete: "删除常用回复",
    attach: "上传理赔材料", attach_for: "上传到理赔案件", material_kind: "材料类型", drop_here: "松开即可上传",
    kind_invoice: "发票", kind_diagnosis: "诊断证明/病历", kind_id_card: "身份证", kind_accident_report: "事故证明",
    kind_damage_photo: "损失照片", kind_other: "其他", uploading: "上传中…", material_missing: "还需要：{list}",
    material_none_missing: "所需材料已齐全", no_claim_for_upload: "请先报案或验证身份，再上传理赔材料",
    materials: "理赔材料", audit_view_claim_materials: "查看理赔材料", audit_open_claim_material: "打开理赔材料文件",
    verify_title: "电子保单验真", verify_intro: "输入电子保单上的保单号和验证码；选择下载的PDF文件可一并校验文件未被改动（文件只在本机计算指纹，不会上传）。",
    verify_number: "保单号", verify_code: "验证码", verify_file: "电子保单PDF（可选）", verify_submit: "验真",
    verify_genuine: "✅ 验证通过：本公司签发的真实电子保单", verify_forged: "❌ 验证未通过：保单号、验证码或文件与本公司签发的不符",
    verify_file_ok: "文件与签发时一致，未被改动", verify_compare: "请核对保单上的内容与以下信息一致：",
    epolicy_download: "下载电子保单 (PDF)", verify_period: "保障期", verify_issued: "签发时间", audit_epolicy_download: "客户下载电子保单",
  },
  en: {
    chat_title: "Insurance Service Desk", send: "Send", placeholder: "Type your question…", connecting: "Connecting…",
    reconnecting: "Connection lost, reconnecting…", session_failed: "Cannot start a conversation right now, retrying…", queued: "Connecting you to an agent: you are number {position} in the queue, expected wait {wait}",
    wait_under_minute: "less than a minute", wait_minutes: "about {minutes} min", wait_no_agent: "unknown (no agent is free right now)",
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
    offer_notification_title: "A customer is waiting for an agent", offer_notification_body: "{reason} · {language} · {channel}: accept within {s} s",
    enable_alerts: "Enable sound and notifications",
    customer_typing: "The customer is typing…", agent_typing: "The agent is typing…", canned_no_match: "No canned reply matches",
    reply_placeholder: "Enter sends, Shift+Enter for a new line, / for canned replies",
    canned_admin: "Canned replies", shortcode: "Shortcode", canned_text: "Reply text", save: "Save", cancel: "Cancel", edit: "Edit", delete: "Delete",
    canned_delete_confirm: "Delete the canned reply /{shortcode}?",
    agent_accounts: "Agents and adjusters", display_name: "Name", skills: "Skills", capacity: "Capacity", create_agent: "Create account",
    enable: "Enable", disable: "Disable", reset_password: "Reset password", disabled: "Disabled", active: "Active", supervisor_role: "Supervisor",
    role: "Role", agent_role: "Agent", adjuster_role: "Claims adjuster",
    hide: "Hide", password_once: "New password for {username} (shown only this once; pass it on):",
    disable_confirm: "Disable {username}? Their sessions end at once.", reset_confirm: "Reset the password of {username}? Their sessions end at once.",
    audit_user_create: "Created an agent", audit_user_disable: "Disabled an agent", audit_user_enable: "Enabled an agent", audit_user_reset: "Reset an agent's password",
    audit_view_customer: "Opened customer data", audit_watch_conversation: "Watched a conversation", audit_export_customer: "Exported customer data",
    audit_erase_customer: "Erased customer data", audit_canned_create: "Added a canned reply", audit_canned_update: "Edited a canned reply", audit_canned_delete: "Deleted a canned reply",
    attach: "Send claim documents", attach_for: "For claim", material_kind: "Document type", drop_here: "Drop to upload",
    kind_invoice: "Invoice", kind_diagnosis: "Diagnosis / records", kind_id_card: "ID card", kind_accident_report: "Accident report",
    kind_damage_photo: "Damage photo", kind_other: "Other", uploading: "Uploading…", material_missing: "Still needed: {list}",
    material_none_missing: "All the documents needed are here", no_claim_for_upload: "Report a claim or verify who you are first, then send its documents",
    materials: "Claim documents", audit_view_claim_materials: "Listed claim documents", audit_open_claim_material: "Opened a claim document",
    verify_title: "Verify an e-policy", verify_intro: "Enter the policy number and the verification code printed on the e-policy; choose the downloaded PDF as well to check that the file was not changed (it is fingerprinted on this device, never uploaded).",
    verify_number: "Policy number", verify_code: "Verification code", verify_file: "E-policy PDF (optional)", verify_submit: "Verify",
    verify_genuine: "✅ Genuine: an e-policy issued by us", verify_forged: "❌ Not genuine: the policy number, code or file does not match what we issued",
    verify_file_ok: "The file is exactly as issued", verify_compare: "Check that the e-policy states the same as below:",
    epolicy_download: "Download the e-policy (PDF)", verify_period: "Period", verify_issued: "Issued", audit_epolicy_download: "Customer downloaded an e-policy",
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
  (root || document).querySelectorAll("[data-i18n-title]").forEach((el) => { el.title = tr(el.dataset.i18nTitle); });
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
