"""What the hub itself says to the customer, in zh-CN and en (the customer's language)."""

from __future__ import annotations

from functools import partial

from common import i18n
from common.i18n import Catalogue

TEXTS: Catalogue = {
    "agent_joined": {"zh": "人工客服 {name} 已接入，为您服务。", "en": "{name}, a human agent, has joined the chat."},
    "queued_note": {"zh": "您的消息已收到，人工客服接入后会立即看到。",
                    "en": "Got your message; the agent will see it as soon as they join."},
    "escalated": {
        "zh": "非常抱歉，目前人工客服繁忙，预计还需等待{wait}。您可以继续等待，也可以选择稍后回电或留言。",
        "en": "Sorry, all our agents are busy; expected wait: {wait}. You can keep waiting, "
              "or choose a call back or leave a message.",
    },
    # The callback promise names the number it goes to (masked) and where it came from (handoff/callbacks.py).
    "callback_promised_verified": {
        "zh": "好的，我们会在 {minutes} 分钟内致电您登记的手机号 {number} 回电。您也可以继续和智能助手对话。",
        "en": "We'll call you back on your registered number {number} within {minutes} minutes. "
              "You can keep chatting with the assistant meanwhile."},
    "callback_promised_caller_id": {
        "zh": "好的，我们会在 {minutes} 分钟内回拨您本次来电的号码 {number}。",
        "en": "We'll call you back on the number you are calling from, {number}, within {minutes} minutes."},
    "callback_promised_unverified": {
        "zh": "好的，我们会在 {minutes} 分钟内致电 {number} 回电。为保护您的信息，回电时会先核实您的身份。",
        "en": "We'll call you back on {number} within {minutes} minutes. To protect your data, we will "
              "check who you are on the call first."},
    "callback_ask_number": {"zh": "请留下方便接听的手机号码，我们会尽快回电。",
                            "en": "Please leave a mobile number we can call you back on."},
    "choice_message": {"zh": "请直接留言，人工客服接入后会看到并回复您。",
                       "en": "Please leave your message here; an agent will read it and reply."},
    "choice_wait": {"zh": "好的，请稍候，我们会尽快为您接通。", "en": "Thank you for waiting; we'll connect you as soon as we can."},
    "handed_back": {"zh": "人工客服已将对话转回智能助手，有其他问题可以继续问我。",
                    "en": "The agent has handed you back to the assistant; ask me anything else."},
    "closed": {"zh": "本次人工服务已结束，感谢您的耐心。", "en": "This chat with our agent has ended. Thank you."},
    "transferred_agent": {"zh": "您的对话已转接给人工客服 {name}，请稍候。",
                          "en": "You've been transferred to {name}, another of our agents; one moment please."},
    "transferred_queue": {"zh": "您的对话正在转接给更合适的人工客服，请稍候。",
                          "en": "We're transferring you to a colleague who can help best; please wait a moment."},
    "csat_request": {"zh": "请为本次人工服务打分（1–5 分，5 分最满意）。", "en": "How satisfied were you with the agent (1–5, 5 = very)?"},
    "csat_thanks": {"zh": "感谢您的评价！", "en": "Thank you for your rating!"},
    "bot_unavailable": {"zh": "智能助手暂时无法回复，请稍后再试，或点击下方按钮转人工客服。",
                        "en": "The assistant can't answer right now; please try again, or talk to a person."},
    # The wait in words (handoff/wait_estimate.py estimates it): never seconds, never "about 1 minute" for 10 s.
    "wait_under_minute": {"zh": "不到 1 分钟", "en": "less than a minute"},
    "wait_minutes": {"zh": "约 {minutes} 分钟", "en": "about {minutes} minutes"},
    "wait_one_minute": {"zh": "约 1 分钟", "en": "about a minute"},
    "wait_no_agent": {"zh": "一段时间（目前没有空闲的人工客服）", "en": "unknown (no agent is free right now)"},
    "button_agent": {"zh": "转人工客服", "en": "Talk to a person"},
    "button_callback": {"zh": "稍后回电", "en": "Call me back"},
    "button_message": {"zh": "留言", "en": "Leave a message"},
    "button_wait": {"zh": "继续等待", "en": "Keep waiting"},
}

# t(key, language, **values): this catalogue's texts through the one lookup.
t = partial(i18n.text, TEXTS)


def wait_words(seconds: float | None, language: str | None) -> str:
    """The estimated wait as the customer reads it; None: no agent is available to estimate from."""
    if seconds is None:
        return t("wait_no_agent", language)
    if seconds < 60:
        return t("wait_under_minute", language)
    minutes = round(seconds / 60)
    return t("wait_one_minute", language) if minutes == 1 else t("wait_minutes", language, minutes=minutes)
