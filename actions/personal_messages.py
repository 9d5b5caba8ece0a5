"""Texts of the personal service: policy summary, personal greeting, satisfaction question.
Merged into actions.messages.MESSAGES."""

from common.i18n import Catalogue, Entry

PERSONAL_MESSAGES: dict[str, Entry] = {
    # 保单整理
    "summary_head": {
        "zh": "{name}您好，这是您的保单整理（截至 {as_of}）：\n共 {count} 份保单，其中有效 {active} 份，年缴保费合计 ¥{total}。",
        "en": "{name}, here is an overview of your insurance (as of {as_of}):\n{count} policies, {active} active, annual premiums ¥{total} in total.",
    },
    "summary_insured": {"zh": "被保险人 {insured}：", "en": "Insured person {insured}:"},
    "summary_policy": {
        "zh": " · {product}（{kind}）{number}｜保额 ¥{sum_insured}｜年保费 ¥{premium}｜{status}，保障至 {end}",
        "en": " · {product} ({kind}) {number} | sum insured ¥{sum_insured} | premium ¥{premium}/yr | {status} until {end}",
    },
    "summary_next_due": {"zh": "   下次缴费 {due} ¥{amount}", "en": "   next premium ¥{amount} due {due}"},
    "summary_cover": {"zh": "   保额合计：{sums}", "en": "   Total cover: {sums}"},
    "summary_gaps_head": {"zh": "值得关注：", "en": "Worth a look:"},
    "summary_no_gaps": {"zh": "目前没有需要特别注意的地方。", "en": "Nothing needs your attention right now."},
    "gap_policy_expiring": {
        "zh": " · {product} {number} 将在 {days} 天后到期，记得续保。",
        "en": " · {product} {number} ends in {days} days: remember to renew it.",
    },
    "gap_premium_overdue": {
        "zh": " · {product} {number} 的保费已逾期 {days} 天，请尽快缴纳以免保单失效。",
        "en": " · The premium of {product} {number} is {days} days overdue: pay it soon so the cover does not lapse.",
    },
    "gap_policy_lapsed": {
        "zh": " · {product} {number} 已失效，可咨询是否能复效。",
        "en": " · {product} {number} has lapsed: ask us whether it can be reinstated.",
    },
    "gap_no_health_cover": {"zh": " · 目前没有医疗险保障。", "en": " · You have no health cover with us."},
    "gap_no_accident_cover": {"zh": " · 目前没有意外险保障。", "en": " · You have no accident cover with us."},
    # personal greeting
    "greet_personal": {"zh": "{name}您好，欢迎回来！", "en": "Welcome back, {name}!"},
    "greet_personal_items": {"zh": "{name}您好，欢迎回来！有几件事想提醒您：\n{lines}",
                             "en": "Welcome back, {name}! A few things for you:\n{lines}"},
    "greet_premium_due": {
        "zh": " · {product} {number} 的保费 ¥{amount} 将于 {due}（{days} 天后）到期",
        "en": " · The premium of ¥{amount} for {product} {number} is due on {due} (in {days} days)",
    },
    "greet_premium_overdue": {
        "zh": " · {product} {number} 的保费 ¥{amount} 已于 {due} 到期，尚未缴纳",
        "en": " · The premium of ¥{amount} for {product} {number} was due on {due} and is unpaid",
    },
    "greet_claim_update": {
        "zh": " · 您的理赔 {claim} 有新进展：{status}",
        "en": " · Your claim {claim} has moved on: {status}",
    },
    "greet_policy_expiring": {
        "zh": " · {product} {number} 将于 {end}（{days} 天后）到期",
        "en": " · {product} {number} ends on {end} (in {days} days)",
    },
    "greet_menu": {"zh": "还有什么可以帮您？", "en": "What can I do for you today?"},
    "button_pay_now": {"zh": "立即缴费", "en": "Pay now"},
    "button_claim_progress": {"zh": "查看理赔进度", "en": "See claim progress"},
    "button_renew": {"zh": "了解续保", "en": "Renewal"},
    "button_summary": {"zh": "保单整理", "en": "Policy overview"},
    # satisfaction
    "welcome_short": {"zh": "不客气！", "en": "You're welcome!"},
    "csat_question": {
        "zh": "请为本次服务打个分吧（1-5 分，5 分最满意），也可以跳过。",
        "en": "How would you rate this chat, from 1 to 5 (5 = very satisfied)? You can skip this.",
    },
    "button_skip": {"zh": "跳过", "en": "Skip"},
    "csat_thanks": {"zh": "收到您的 {score} 分评价，谢谢！", "en": "Thank you for rating us {score}/5!"},
    "csat_thanks_low": {
        "zh": "收到您的 {score} 分评价，抱歉没能让您满意。如需人工帮助，请说“转人工”。",
        "en": "Thank you for rating us {score}/5; sorry we fell short. Say \"agent\" if you'd like a person to help.",
    },
    "csat_skipped": {"zh": "好的，已跳过。", "en": "No problem, skipped."},
    "csat_not_asked": {"zh": "谢谢您的反馈！", "en": "Thanks for the feedback!"},
}

CLAIM_STATUS_LABELS: Catalogue = {
    "reported": {"zh": "已报案", "en": "reported"},
    "reviewing": {"zh": "材料审核中", "en": "documents under review"},
    "paying": {"zh": "赔付中", "en": "payment in progress"},
    "paid": {"zh": "已到账", "en": "paid out"},
    "rejected": {"zh": "未予赔付", "en": "declined"},
}
