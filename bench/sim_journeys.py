"""The simulated customers' journeys: what each says first, how it answers the bot's questions, and
which bot words show that its goal was delivered. Demo customers from policy_api/seed.py."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    phone: str
    last4: str
    policy: str  # for a claim
    claim: str
    amount: str
    description: str


PEOPLE = {
    "zh": Person("13800138000", "1234", "HL20240001", "CL20250001", "三千二", "急性肠胃炎住院两天"),
    "en": Person("13900139000", "5678", "AU20230009", "CL20250002", "4,500",
                 "I reversed into a pole in the car park, single-party accident"),
}


@dataclass(frozen=True)
class Journey:
    name: str
    opening: dict[str, str]
    done: dict[str, str]  # a regex on the bot's text: the goal was delivered
    human: bool = False  # asks for a person (the agent answers, the customer rates)
    give_up_after: int = 0  # turns, then the customer leaves without an answer
    accept_offer: bool = True  # answers a yes/no offer (e.g. "shall I open the claim?") with yes
    weight: int = 10  # 0: never drawn at random


JOURNEYS = [
    Journey("policy_lookup", {"zh": "查一下我的保单", "en": "hi, can you show me my policies"},
            {"zh": r"您名下共有|HL20240001.*有效", "en": r"LF20230007|AU20230009"}),
    Journey("premium_due", {"zh": "下次保费什么时候交", "en": "when is my next premium payment due"},
            {"zh": r"1,200", "en": r"CNY"}, accept_offer=False),
    Journey("pay_premium", {"zh": "我要交保费", "en": "i want to pay my premium now"},
            {"zh": r"https?://\S+/pay", "en": r"https?://\S+/pay"}),
    Journey("claim_status", {"zh": "CL20250001理赔到哪一步了", "en": "whats the status of my claim CL20250002"},
            {"zh": r"理赔案件 CL20250001", "en": r"Claim CL20250002"}),
    Journey("file_claim", {"zh": "住院花了3000块怎么理赔，帮我报案", "en": "how do i claim for a car accident, please open a claim"},
            {"zh": r"已为您报案", "en": r"Your claim is open"}, weight=8),
    Journey("claim_guidance", {"zh": "住院花了3000块怎么理赔", "en": "how do i claim on my car insurance, i hit a wall, repair is 8000"},
            {"zh": r"理赔指引", "en": r"claim guide"}, accept_offer=False),
    Journey("renewal", {"zh": "我有保单快到期了吗 怎么续保", "en": "do i need to renew anything soon"},
            {"zh": r"AU20240002", "en": r"expire"}, accept_offer=False),
    Journey("e_policy", {"zh": "帮我验证电子保单真伪 保单号HL20240001 验证码HX7K2M9Q",
                         "en": "is this e-policy real? policy HL20240001 code HX7K2M9Q"},
            {"zh": r"验证通过", "en": r"Genuine"}),
    Journey("knowledge", {"zh": "什么是等待期", "en": "how long is the cooling-off period"},
            {"zh": r"来源", "en": r"Source"}),
    Journey("policy_summary", {"zh": "帮我整理一下保单", "en": "give me a summary of all my policies"},
            {"zh": r"这是您的保单整理", "en": r"overview of your insurance"}, weight=8),
    Journey("ask_human", {"zh": "转人工", "en": "i want to talk to a human agent"}, {"zh": r"$^", "en": r"$^"},
            human=True, weight=8),
    Journey("complaint", {"zh": "我要投诉你们理赔太慢了", "en": "I want to file a complaint, your service is terrible"},
            {"zh": r"$^", "en": r"$^"}, human=True, weight=5),
    Journey("give_up", {"zh": "我要查一下理赔进度", "en": "where is my claim"}, {"zh": r"$^", "en": r"$^"},
            give_up_after=1, weight=6),
]
# Opens the app chat a reminder was delivered into, presses its pay/renew button, pays the link.
REMINDER = Journey("reminder", {"zh": "", "en": ""}, {"zh": r'"payment_link"', "en": r'"payment_link"'}, weight=0)
JOURNEYS.append(REMINDER)
BY_NAME = {j.name: j for j in JOURNEYS}

# The bot's question (a regex on its last text) -> the customer's answer.
ANSWERS: list[tuple[str, str]] = [
    (r"保单号或|policy number or the mobile", "{phone} {last4_words}"),
    (r"身份证号码的后4位|last 4 characters", "{last4}"),
    (r"哪张保单报案|Which policy is the claim", "{policy}"),
    (r"日期是哪天|When did it happen", "{yesterday}"),
    (r"金额是多少|How much are you claiming", "{amount}"),
    (r"描述一下经过|describe briefly", "{description}"),
]
YES = {"zh": "好的", "en": "yes"}
NO = {"zh": "不用了", "en": "no thanks"}
THANKS = {"zh": "谢谢", "en": "thanks"}  # never a yes: after claim guidance a yes would open a claim
CSAT_SKIP_WORDS = re.compile(r"跳过|skip|不评|later", re.I)


def answer_for(bot_text: str, language: str) -> str | None:
    person = PEOPLE[language]
    values = {"phone": person.phone, "last4": person.last4, "policy": person.policy, "amount": person.amount,
              "description": person.description, "yesterday": "昨天" if language == "zh" else "yesterday",
              "last4_words": f"后四位{person.last4}" if language == "zh" else f"last 4 {person.last4}"}
    for pattern, answer in ANSWERS:
        if re.search(pattern, bot_text, re.I):
            return answer.format(**values)
    return None


@dataclass
class Plan:
    """One customer's part in the run, drawn from the seeded random generator."""

    number: int
    journey: Journey
    language: str
    rates_bot: bool  # answers the bot's satisfaction question (else skips it)
    bot_score: int
    rates_human: bool
    human_score: int
    conversation_id: str | None = None  # a given conversation (the app chat of a reminded customer)


def plans(count: int, seed: int, journeys: list[Journey]) -> list[Plan]:
    """Every journey once (in a shuffled order) while the count allows, then a weighted random mix."""
    rng = random.Random(seed)
    journeys = [j for j in journeys if j.weight]
    weights = [j.weight for j in journeys]
    first = rng.sample(journeys, len(journeys))
    out = []
    for number in range(count):
        journey = first[number] if number < len(first) else rng.choices(journeys, weights)[0]
        out.append(Plan(number, journey, rng.choice(["zh", "en"]), rng.random() < 0.75,
                        rng.choices([5, 4, 3, 2, 1], [55, 30, 8, 4, 3])[0], rng.random() < 0.8,
                        rng.choices([5, 4, 3, 2, 1], [50, 30, 10, 5, 5])[0]))
    return out
