"""What the voice line itself says (the assistant's own replies come from Rasa), in zh-CN and en."""

from __future__ import annotations

from functools import partial

from common import hotline, i18n
from common.i18n import Catalogue, Entry

_PROMPTS: dict[str, Entry] = {
    "menu": {"zh": "您好，欢迎致电安心保险。普通话请按1，", "en": "For English, press 2."},
    "welcome": {
        "zh": "您好，我是安心保险智能客服，可以帮您查保单、缴费、理赔和续保。请问有什么可以帮您？",
        "en": "Hello, this is the Anxin Insurance assistant. I can help with policies, premiums, claims and renewals. How can I help?",
    },
    "options": {"zh": "请说{options}，或按{keys}。", "en": "Say {options}, or press {keys}."},
    "option_or": {"zh": "或", "en": "or"},
    "read_back": {
        "zh": "我听到的号码是 {spelled}，对吗？对请说“是”或按1，不对请按2。",
        "en": "I heard {spelled}. Is that right? Say yes or press 1; press 2 if not.",
    },
    "read_back_keypad": {"zh": "您按的是 {spelled}，对吗？对请按1，不对请按2。",
                         "en": "You keyed {spelled}. Press 1 if that's right, 2 if not."},
    "number_again": {
        "zh": "好的，请再说一遍，也可以在键盘上输入后按井号键。保单号的字母请按字母所在的键，例如 HL 按4和5。",
        "en": "OK, please say it again, or key it in and press hash. For the letters of a policy number press their keys, for example 4 5 for H L.",
    },
    "not_heard": {"zh": "抱歉，我没有听清，请再说一遍。", "en": "Sorry, I didn't catch that. Please say it again."},
    "still_there": {"zh": "您还在吗？请说出您的问题。", "en": "Are you still there? Please tell me how I can help."},
    "goodbye_silent": {"zh": "没有听到您的声音，感谢来电，再见。", "en": "I can't hear you, so I'll end the call. Goodbye."},
    "assistant_down": {"zh": "系统暂时无法应答，请稍后再拨，或拨打人工热线 {hotline}。",
                       "en": "The system can't answer right now. Please call again later, or our hotline {hotline}."},
    "hold_position": {
        "zh": "正在为您转接人工客服，您前面还有{position}位客户，预计等待{minutes}分钟，请不要挂机。",
        "en": "Transferring you to an agent. There {verb} {position} {callers} ahead of you, about {minutes} {unit}. Please hold.",
    },
    "hold_next": {"zh": "您是下一位，客服马上为您服务，请稍候。", "en": "You're next in line. An agent will be with you shortly."},
    "hold_connected": {"zh": "人工客服已接入，请讲。", "en": "An agent has joined. Go ahead, please."},
    # After the hub's escalation (nobody took the call in time): the keypad choices a chat customer has as buttons.
    "hold_busy": {"zh": "人工客服繁忙。需要我们稍后回电请按1，继续等待请按2。",
                  "en": "All our agents are busy. Press 1 and we'll call you back, or 2 to keep holding."},
    "callback_no_number": {"zh": "抱歉，我们看不到您的来电号码，无法回电。请继续等待，或稍后再拨。",
                           "en": "Sorry, we can't see the number you're calling from, so we can't call you back. "
                                 "Please keep holding, or call again later."},
    "hold_unavailable": {"zh": "人工客服暂时无法接通，请拨打热线 {hotline}，每天{hotline_hours}。",
                         "en": "I can't reach an agent right now. Please call our hotline {hotline}, daily {hotline_hours}."},
}


PROMPTS: Catalogue = i18n.filled(_PROMPTS, hotline.facts(spoken=True))
prompt = partial(i18n.text, PROMPTS)  # prompt(key, language, **values)


def hold_prompt(language: str, position: int | None, wait_s: float | None) -> str:
    """What a caller on hold hears: the place in the queue and the expected wait."""
    if position is None:
        return prompt("hold_unavailable", language)
    if position <= 1:
        return prompt("hold_next", language)
    ahead = position - 1
    minutes = max(1, round((wait_s or 60 * ahead) / 60))
    if language == "en":
        return prompt("hold_position", "en", position=ahead, verb="is" if ahead == 1 else "are",
                      callers="caller" if ahead == 1 else "callers", minutes=minutes,
                      unit="minute" if minutes == 1 else "minutes")
    return prompt("hold_position", "zh", position=ahead, minutes=minutes)


def spoken_options(titles: list[str], language: str) -> str:
    """Reply buttons become words and keys: 请说“好的”或“不用了”，或按1或2。"""
    if not titles:
        return ""
    quote = (lambda t: f"“{t}”") if language == "zh" else (lambda t: f'"{t}"')
    word_or = prompt("option_or", language)
    sep = "、" if language == "zh" else ", "
    options = sep.join(quote(t) for t in titles[:-1])
    options = f"{options}{word_or if language == 'zh' else ' ' + word_or + ' '}{quote(titles[-1])}" if options else quote(titles[-1])
    keys = [str(i + 1) for i in range(len(titles))]
    keys_text = (word_or if language == "zh" else f" {word_or} ").join(keys) if len(keys) <= 2 else (
        sep.join(keys[:-1]) + (word_or if language == "zh" else f" {word_or} ") + keys[-1])
    return prompt("options", language, options=options, keys=keys_text)
