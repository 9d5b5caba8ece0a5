"""Every text an action sends, in Mandarin and English. Domain responses live in bot/domain/."""

from __future__ import annotations

from actions.personal_messages import PERSONAL_MESSAGES
from common import hotline
from common.i18n import Catalogue, Entry, filled

_MESSAGES: dict[str, Entry] = {
    # identity
    "identity_bad_key": {
        "zh": "没有识别到有效的保单号或手机号。保单号是2个字母加8位数字（如 HL20240001），手机号为11位。",
        "en": "I couldn't find a valid policy number or mobile number. A policy number is 2 letters and 8 digits (like HL20240001); a mobile number has 11 digits.",
    },
    "identity_bad_last4": {
        "zh": "请输入身份证号码的后4位（4个字符，最后一位可能是X）。",
        "en": "Please enter the last 4 characters of the ID number (the last one may be X).",
    },
    "identity_mismatch": {
        "zh": "验证信息不匹配，请重新输入。还可以尝试 {left} 次。",
        "en": "Those details don't match our records. Please try again; {left} attempt(s) left.",
    },
    "identity_ok": {"zh": "身份验证成功，{name}您好！", "en": "Thank you, {name}, you're verified."},
    "identity_expired": {"zh": "您的身份验证已过期（超过30分钟未操作）。为保护您的信息，请重新验证。",
                         "en": "Your verification has expired (30 minutes without activity). To protect your data, "
                               "please verify again."},
    "identity_locked": {
        "zh": "验证失败次数过多，为保护您的信息，本次会话已暂停查询。我为您转人工客服。",
        "en": "Too many failed attempts: to protect your data, lookups are locked for this conversation. Let me get you a human agent.",
    },
    "identity_locked_server": {
        "zh": "这些身份信息近期验证失败次数过多，为保护您的信息，验证已暂时锁定（约 {minutes} 分钟后可再试，正确的信息在此期间也无法通过）。如需现在办理，我可以为您转人工客服。",
        "en": "There have been too many failed checks for these details, so to protect your data verification is locked for about {minutes} minute(s); until then even the right answer can't get through. If you need help now, I can put you through to an agent.",
    },
    "api_down": {
        "zh": "抱歉，保单系统暂时无法访问，请稍后再试。需要的话我可以为您转人工客服。",
        "en": "Sorry, our policy system is unavailable right now. Please try again later, or I can put you through to an agent.",
    },
    "button_human": {"zh": "转人工", "en": "Talk to an agent"},
    "button_yes": {"zh": "好的", "en": "Yes"},
    "button_no": {"zh": "不用了", "en": "No thanks"},
    "what_request": {
        "zh": "请问您想办理什么？可以查保单、查缴费、交保费、理赔指引、理赔进度、续保或电子保单验真。",
        "en": "What would you like to do? I can look up policies, premiums, payments, claim guidance and status, renewals or e-policy checks.",
    },
    # policies
    "no_policies": {"zh": "您名下暂时没有保单。", "en": "You don't have any policies with us."},
    "policy_list": {"zh": "您名下共有 {count} 份保单：\n{lines}", "en": "You have {count} policies:\n{lines}"},
    "policy_line": {
        "zh": "• {product}（{number}）{status}，保障期 {start} 至 {end}",
        "en": "• {product} ({number}) {status}, cover {start} to {end}",
    },
    "policy_detail": {
        "zh": "保单 {number}：{product}\n状态：{status}\n保障期：{start} 至 {end}\n被保险人：{insured}\n保额：{sum_insured} 元\n年缴保费：{premium} 元",
        "en": "Policy {number}: {product}\nStatus: {status}\nCover: {start} to {end}\nInsured: {insured}\nSum insured: CNY {sum_insured}\nAnnual premium: CNY {premium}",
    },
    "policy_not_found": {"zh": "没有找到保单 {number}，请核对保单号。", "en": "I can't find policy {number}. Please check the number."},
    "policy_not_owned": {"zh": "保单 {number} 不在您的名下，无法为您查询。", "en": "Policy {number} isn't in your name, so I can't show it."},
    "policy_bad_number": {
        "zh": "“{text}”不是有效的保单号。保单号是2个字母加8位数字，如 HL20240001。",
        "en": "\"{text}\" isn't a valid policy number. It is 2 letters and 8 digits, like HL20240001.",
    },
    # premiums
    "no_premium_due": {"zh": "您目前没有待缴的保费。", "en": "You have no premiums due."},
    "premium_due_list": {"zh": "您的待缴保费：\n{lines}", "en": "Your premiums due:\n{lines}"},
    "premium_line": {
        "zh": "• {product}（{number}）：{amount} 元，{due_date} 到期（还有 {days} 天）",
        "en": "• {product} ({number}): CNY {amount}, due {due_date} (in {days} days)",
    },
    "pay_offer": {"zh": "需要现在在线缴费吗？", "en": "Would you like to pay now?"},
    "payment_link": {
        "zh": "{product}（{number}）保费 {amount} 元，请点击链接完成支付：{url}\n支付成功后保费状态会自动更新。",
        "en": "Premium for {product} ({number}): CNY {amount}. Pay securely here: {url}\nThe premium is marked paid as soon as the payment completes.",
    },
    # claims
    "claim_ask_type": {"zh": "请问是哪类保险的理赔？", "en": "Which kind of insurance is the claim for?"},
    "claim_guidance": {
        "zh": "【{kind}理赔指引】\n需准备材料：\n{documents}\n办理步骤：\n{steps}\n{fast_track}",
        "en": "[{kind} claim guide]\nDocuments to prepare:\n{documents}\nHow to submit:\n{steps}\n{fast_track}",
    },
    "claim_offer_open": {"zh": "需要我现在帮您在线报案吗？", "en": "Shall I open the claim for you now?"},
    "claim_opened": {
        "zh": "已为您报案，案件号 {number}，金额 {amount} 元。{fast_track}可随时问我“理赔进度”查看进展。",
        "en": "Your claim is open: number {number}, CNY {amount}. {fast_track}Ask me \"claim status\" any time to follow it.",
    },
    # What 小额秒赔 does (policy_api/claim_review.py): the invoice photo is reviewed automatically; if it passes,
    # the payout arrives within the configured target (CLAIM_PAID_TARGET_S); otherwise an adjuster reviews it.
    "claim_fast_track_yes": {"zh": "本案符合小额秒赔：上传发票照片后自动审核，审核通过后 {minutes} 分钟内赔付到账（需人工审核时会另行通知）。",
                             "en": "It qualifies for fast-track: upload a photo of the invoice and it is reviewed automatically; once approved, the money arrives within {minutes} minutes (we'll tell you if an adjuster needs to look at it). "},
    "claim_materials_needed": {"zh": "请上传以下材料：{documents}。点击聊天框旁的回形针即可拍照或选择文件。",
                               "en": "Please send these documents: {documents}. Tap the paper clip next to the chat box to take a photo or pick a file."},
    "claim_fast_track_no": {"zh": "我们将在1个工作日内联系您核实材料。", "en": "We'll contact you within 1 working day about documents. "},
    "claim_status": {
        "zh": "理赔案件 {number}（{amount} 元）当前状态：{status}\n{timeline}",
        "en": "Claim {number} (CNY {amount}) is now: {status}\n{timeline}",
    },
    "claim_rejected_reason": {"zh": "拒赔原因：{reason}", "en": "Reason: {reason}"},
    "claim_not_found": {"zh": "没有找到理赔案件 {number}，请核对案件号。", "en": "I can't find claim {number}. Please check the number."},
    "claim_not_owned": {"zh": "案件 {number} 不在您的名下，无法为您查询。", "en": "Claim {number} isn't yours, so I can't show it."},
    "no_claims": {"zh": "您目前没有理赔案件。如需报案，可以说“我要理赔”。", "en": "You have no claims. To make one, say \"I want to claim\"."},
    "claims_list": {"zh": "您的理赔案件：\n{lines}", "en": "Your claims:\n{lines}"},
    "claim_line": {"zh": "• {number}：{amount} 元，{status}", "en": "• {number}: CNY {amount}, {status}"},
    "claim_bad_date": {
        "zh": "没看懂日期，请用“昨天”“3月5日”或“2025-03-05”这样的格式。",
        "en": "I couldn't read that date. Try \"yesterday\", \"March 5\" or \"2025-03-05\".",
    },
    "claim_future_date": {"zh": "出险日期不能晚于今天，请重新输入。", "en": "The date can't be in the future. Please enter it again."},
    "claim_bad_amount": {
        "zh": "请输入有效金额（元），例如 3200 或 三千二。",
        "en": "Please give a valid amount in CNY, e.g. 3200.",
    },
    "claim_bad_description": {
        "zh": "请用一两句话描述经过（不超过500字）。",
        "en": "Please describe what happened in a sentence or two (up to 500 characters).",
    },
    "claim_policy_inactive": {"zh": "保单 {number} 当前不在保障期内，无法报案。", "en": "Policy {number} isn't active, so a claim can't be opened on it."},
    "claim_refused": {"zh": "报案未成功：{reason}", "en": "The claim couldn't be opened: {reason}"},
    "refused_invalid_incident_date": {
        "zh": "出险日期不在保单保障期内或晚于今天", "en": "the date is outside the policy's cover or in the future",
    },
    "refused_invalid_amount": {"zh": "金额需大于0且不超过保额", "en": "the amount must be above zero and within the sum insured"},
    "refused_policy_inactive": {"zh": "保单当前不在保障期内", "en": "the policy isn't active"},
    "refused_policy_not_owned": {"zh": "保单不在您的名下", "en": "the policy isn't in your name"},
    "refused_other": {"zh": "请稍后再试，或回复“转人工”", "en": "please try again later, or say \"agent\""},
    # renewal
    "no_renewals": {
        "zh": "您没有 {days} 天内到期的保单，无需续保。",
        "en": "None of your policies expire in the next {days} days.",
    },
    "renewal_list": {
        "zh": "以下保单将在 {days} 天内到期：\n{lines}\n点击下方“续保”按钮即可获取续保支付链接；也可以回复“转人工”由专员为您办理。",
        "en": "These policies expire within {days} days:\n{lines}\nTap \"Renew\" below for a renewal payment link, or say \"agent\" and a specialist will do it with you.",
    },
    "renewal_line": {
        "zh": "• {product}（{number}）{end_date} 到期，剩 {days} 天，续保保费约 {premium} 元",
        "en": "• {product} ({number}) ends {end_date}, {days} days left, renewal premium about CNY {premium}",
    },
    "button_renew_policy": {"zh": "续保 {number}", "en": "Renew {number}"},
    "renewal_link": {
        "zh": "{product}（{number}）续保：保费 {amount} 元，续保后保障期至 {new_end}。请点击安全链接支付：{url}\n支付完成后保单即自动续期。",
        "en": "Renewal of {product} ({number}): CNY {amount}; cover then runs to {new_end}. Pay securely here: {url}\nThe policy is renewed as soon as the payment completes.",
    },
    "renewal_not_in_window": {
        "zh": "保单 {number} 还不在续保期内（到期前 {days} 天内可续保）。",
        "en": "Policy {number} can't be renewed yet: renewal opens {days} days before the cover ends.",
    },
    "renewal_already_done": {"zh": "保单 {number} 已续保，无需重复办理。", "en": "Policy {number} is already renewed."},
    # reminders: delivered into the app chat by the scheduler
    "reminder_premium": {
        "zh": "温馨提醒：您的{product}（{number}）保费 {amount} 元将于 {date} 到期（还有 {days} 天）。现在缴费吗？",
        "en": "Reminder: the CNY {amount} premium of your {product} ({number}) is due on {date} (in {days} days). Pay now?",
    },
    "reminder_renewal": {
        "zh": "温馨提醒：您的{product}（{number}）将于 {date} 到期（还有 {days} 天），续保保费约 {amount} 元。现在续保吗？",
        "en": "Reminder: your {product} ({number}) ends on {date} (in {days} days); renewal premium about CNY {amount}. Renew now?",
    },
    "button_pay_now": {"zh": "立即缴费", "en": "Pay now"},
    "button_renew_now": {"zh": "续保", "en": "Renew"},
    "button_unsubscribe": {"zh": "退订", "en": "Unsubscribe"},
    "opt_out_done": {
        "zh": "已为您退订缴费和续保提醒，立即生效。之后如需查询，随时找我。",
        "en": "Done: you won't get premium or renewal reminders any more, starting now. I'm here whenever you need me.",
    },
    # e-policy verification
    "doc_bad_code": {
        "zh": "验证码是电子保单上印的8位字母和数字，例如 HX7K2M9Q，请重新输入。",
        "en": "The verification code is the 8 letters and digits printed on the e-policy (like HX7K2M9Q). Please enter it again.",
    },
    "doc_genuine": {
        "zh": "✅ 验证通过：保单 {number}（{product}）是本公司签发的真实电子保单。被保险人 {insured}，保障期 {start} 至 {end}。",
        "en": "✅ Genuine: policy {number} ({product}) was issued by us. Insured {insured}, cover {start} to {end}.",
    },
    "doc_forged": {
        "zh": "❌ 验证未通过：保单号与验证码不匹配，这份电子保单可能不是本公司签发的。请核对验证码，如有疑问可转人工。",
        "en": "❌ Not verified: the policy number and code don't match, so this e-policy may not be ours. Check the code, or ask for an agent if in doubt.",
    },
    # e-policy download
    "epolicy_which": {
        "zh": "请问您要下载哪份保单的电子保单？",
        "en": "Which policy's e-policy would you like to download?",
    },
    "epolicy_link": {
        "zh": "已为您生成 {product}（{number}）的电子保单，请点击下载：{url}\n链接 {minutes} 分钟内有效，仅可使用一次。电子保单上印有验证码和验真二维码。",
        "en": "Your e-policy for {product} ({number}) is ready. Download it here: {url}\nThe link works once, within {minutes} minutes. The e-policy carries a verification code and a QR code to check it.",
    },
    # handoff
    # knowledge answers (FAQ and clauses)
    "knowledge_answer": {"zh": "{answer}\n\n（来源：{source}）", "en": "{answer}\n\n(Source: {source})"},
    "knowledge_source_faq": {"zh": "常见问题「{title}」", "en": "FAQ \"{title}\""},
    "knowledge_source_clause": {"zh": "《{product}》条款 {section}", "en": "{product} policy terms, {section}"},
    "knowledge_clarify": {
        "zh": "我不太确定您想问的是哪一个，请选择最接近的问题：",
        "en": "I'm not sure which of these you mean. Please pick the closest question:",
    },
    "knowledge_none_of_these": {"zh": "都不是，转人工", "en": "None of these: talk to an agent"},
    "knowledge_not_found": {
        "zh": "抱歉，我们的知识库里没有这个问题的答案。您可以换个说法再问一次，或转人工客服为您解答。",
        "en": "Sorry, our knowledge base has no answer to that question. You can ask it another way, or talk to an agent.",
    },
    "knowledge_empty_question": {
        "zh": "请告诉我您想了解的保险问题，例如“医疗险的等待期是多久”。",
        "en": "Please tell me what you'd like to know, for example \"how long is the waiting period of the health insurance\".",
    },
    "knowledge_still_unsure": {
        "zh": "抱歉，我还是没能找到确切的答案。为免误导您，建议转人工客服解答。",
        "en": "Sorry, I still can't find a reliable answer. Rather than guess, I suggest an agent answers this one.",
    },
    "handoff_connecting": {
        "zh": "正在为您转接人工客服，请稍候…（原因：{reason}）",
        "en": "Connecting you to a human agent, one moment please… (reason: {reason})",
    },
    "handoff_hotline": {
        "zh": "已为您登记转人工（原因：{reason}）。人工客服热线 {hotline}，服务时间每天 {hotline_hours}，也可以稍后在App中留言。",
        "en": "I've noted that you need a person ({reason}). Call our hotline {hotline}, daily {hotline_hours}, or leave a message in the app.",
    },
    "reason_request": {"zh": "您要求人工服务", "en": "you asked for an agent"},
    "reason_complaint": {"zh": "投诉", "en": "complaint"},
    "reason_clause": {"zh": "条款解读", "en": "clause interpretation"},
    "reason_not_understood": {"zh": "多次未能理解您的问题", "en": "I couldn't understand the request"},
    "reason_identity_lockout": {"zh": "身份验证未通过", "en": "identity check failed"},
    "reason_service_unavailable": {"zh": "系统暂时不可用", "en": "system unavailable"},
    "complaint_ack": {"zh": "非常抱歉给您带来不好的体验，您的投诉我们会认真处理。", "en": "I'm sorry about your experience. We take complaints seriously."},
    "clause_ack": {
        "zh": "条款解读需要专业人员结合您的保单来解答，避免误导。",
        "en": "Clause interpretation needs a specialist who can look at your policy, so you get an accurate answer.",
    },
    # fallback
    "ask_affirm": {"zh": "抱歉，我不太确定您的意思。您是想“{label}”吗？", "en": "Sorry, I'm not sure I understood. Did you mean \"{label}\"?"},
    "ask_which": {"zh": "抱歉，我不太确定您的意思。您是想办理下面哪一项？", "en": "Sorry, I'm not sure what you meant. Which of these would you like?"},
    "message_empty": {"zh": "没有收到内容，请再说一次您的问题。", "en": "I didn't receive anything. Could you type your question again?"},
    "message_too_long": {
        "zh": "您的消息太长了（{length} 字），请用一两句话说明您的问题，例如“查理赔进度”。",
        "en": "Your message is too long ({length} characters). Please tell me in a sentence or two, e.g. \"claim status\".",
    },
    "button_none": {"zh": "都不是", "en": "Something else"},
}

MESSAGES: Catalogue = filled(_MESSAGES | PERSONAL_MESSAGES, hotline.facts())

STATUS_LABELS: Catalogue = {
    "active": {"zh": "有效", "en": "Active"},
    "expired": {"zh": "已到期", "en": "Expired"},
    "lapsed": {"zh": "已失效", "en": "Lapsed"},
    "cancelled": {"zh": "已退保", "en": "Cancelled"},
}

INSURANCE_TYPE_LABELS: Catalogue = {
    "health": {"zh": "医疗险", "en": "Health"},
    "auto": {"zh": "车险", "en": "Auto"},
    "life": {"zh": "寿险", "en": "Life"},
    "accident": {"zh": "意外险", "en": "Accident"},
}

# Shown when the two-stage fallback asks "did you mean ...?".
INTENT_LABELS: Catalogue = {
    "query_policy": {"zh": "查询保单", "en": "look up my policies"},
    "premium_due": {"zh": "查询待缴保费", "en": "see premiums due"},
    "pay_premium": {"zh": "缴纳保费", "en": "pay a premium"},
    "claim_guidance": {"zh": "了解理赔流程", "en": "know how to claim"},
    "claim_status": {"zh": "查询理赔进度", "en": "check a claim's status"},
    "renewal": {"zh": "办理续保", "en": "renew a policy"},
    "opt_out": {"zh": "退订提醒", "en": "stop reminders"},
    "verify_policy_document": {"zh": "电子保单验真", "en": "verify an e-policy"},
    "download_epolicy": {"zh": "下载电子保单", "en": "download my e-policy"},
    "request_human": {"zh": "转人工客服", "en": "talk to an agent"},
    "complaint": {"zh": "投诉", "en": "make a complaint"},
    "clause_question": {"zh": "咨询条款对您情况的适用", "en": "ask how the policy terms apply to your case"},
    "ask_faq": {"zh": "咨询保险知识", "en": "ask a general insurance question"},
    "policy_summary": {"zh": "整理我的全部保单", "en": "get an overview of all my policies"},
    "greet": {"zh": "打招呼", "en": "say hello"},
    "goodbye": {"zh": "结束对话", "en": "end the chat"},
    "thank": {"zh": "表示感谢", "en": "say thanks"},
    "bot_challenge": {"zh": "确认我是不是机器人", "en": "ask whether I'm a bot"},
}

