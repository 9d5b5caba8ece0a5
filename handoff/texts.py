"""What the hub itself says to the customer, in zh-CN and en (the customer's language)."""

from __future__ import annotations

import re

TEXTS: dict[str, dict[str, str]] = {
    "agent_joined": {"zh": "人工客服 {name} 已接入，为您服务。", "en": "{name}, a human agent, has joined the chat."},
    "queued_note": {"zh": "您的消息已收到，人工客服接入后会立即看到。",
                    "en": "Got your message; the agent will see it as soon as they join."},
    "escalated": {
        "zh": "非常抱歉，目前人工客服繁忙，预计还需等待约 {wait}。您可以继续等待，也可以选择稍后回电或留言。",
        "en": "Sorry, all our agents are busy; the wait is about {wait}. You can keep waiting, "
              "or choose a call back or leave a message.",
    },
    "choice_callback": {"zh": "好的，我们会在 30 分钟内致电您登记的手机号回电。您也可以继续和智能助手对话。",
                        "en": "We'll call you back on your registered number within 30 minutes. "
                              "You can keep chatting with the assistant meanwhile."},
    "choice_message": {"zh": "请直接留言，人工客服接入后会看到并回复您。",
                       "en": "Please leave your message here; an agent will read it and reply."},
    "choice_wait": {"zh": "好的，请稍候，我们会尽快为您接通。", "en": "Thank you for waiting; we'll connect you as soon as we can."},
    "handed_back": {"zh": "人工客服已将对话转回智能助手，有其他问题可以继续问我。",
                    "en": "The agent has handed you back to the assistant; ask me anything else."},
    "closed": {"zh": "本次人工服务已结束，感谢您的耐心。", "en": "This chat with our agent has ended. Thank you."},
    "csat_request": {"zh": "请为本次人工服务打分（1–5 分，5 分最满意）。", "en": "How satisfied were you with the agent (1–5, 5 = very)?"},
    "csat_thanks": {"zh": "感谢您的评价！", "en": "Thank you for your rating!"},
    "bot_unavailable": {"zh": "智能助手暂时无法回复，请稍后再试，或点击下方按钮转人工客服。",
                        "en": "The assistant can't answer right now; please try again, or talk to a person."},
    "button_agent": {"zh": "转人工客服", "en": "Talk to a person"},
    "button_callback": {"zh": "稍后回电", "en": "Call me back"},
    "button_message": {"zh": "留言", "en": "Leave a message"},
    "button_wait": {"zh": "继续等待", "en": "Keep waiting"},
}

_CJK = re.compile(r"[\u4e00-\u9fff]")


def t(key: str, language: str | None, **values: object) -> str:
    table = TEXTS[key]
    return table.get(language or "zh", table["zh"]).format(**values)


def guess_language(text: str) -> str | None:
    """Chinese characters mean zh; letters without any mean en; digits alone say nothing."""
    if _CJK.search(text):
        return "zh"
    if re.search(r"[A-Za-z]{2,}", text) and not text.strip().startswith("/"):
        return "en"
    return None


def wait_words(seconds: float, language: str | None) -> str:
    minutes = max(1, round(seconds / 60))
    return f"{minutes} 分钟" if (language or "zh") == "zh" else f"{minutes} min"
