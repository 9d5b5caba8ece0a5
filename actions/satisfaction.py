"""The satisfaction question: once per conversation, when a conversation the bot resolved ends
(the customer thanks us or says goodbye). 1–5 or skip; the answer is a slot event, so it is stored
with the conversation's events and read by the service figures."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.goals import GOAL_SLOT
from actions.turn import Turn

PENDING = "csat_pending"
SKIP = "skip"
# Longest phrases first: "非常不满意" must not be read as "满意".
WORDS = [
    ("非常不满意", 1), ("很不满意", 1), ("不太满意", 2), ("不满意", 2), ("非常满意", 5), ("很满意", 5),
    ("满意", 4), ("一般", 3), ("还行", 3), ("very dissatisfied", 1), ("terrible", 1), ("dissatisfied", 2),
    ("unsatisfied", 2), ("not satisfied", 2), ("very satisfied", 5), ("excellent", 5), ("great", 5),
    ("satisfied", 4), ("good", 4), ("okay", 3), ("average", 3),
]
CHINESE_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
SKIP_WORDS = ("跳过", "不评", "不打分", "算了", "skip", "no thanks", "rather not")


def parse_score(text: str) -> int | str | None:
    """1–5 from "5", "4分", "五星", "非常满意", "I'd give it a 4"; "skip" for a refusal; else None."""
    lowered = text.strip().lower()
    if any(word in lowered for word in SKIP_WORDS):
        return SKIP
    digits = re.findall(r"(?<!\d)([1-5])(?!\d)", lowered)
    if len(digits) == 1 and not re.search(r"\d{2,}", lowered):
        return int(digits[0])
    match = re.search(r"([一二两三四五])\s*(?:分|星|颗星)", lowered)
    if match:
        return CHINESE_DIGITS[match.group(1)]
    for word, score in WORDS:
        if word in lowered:
            return score
    return None


def _session_events(tracker: Tracker) -> list[dict[str, Any]]:
    events = tracker.events
    starts = [i for i, e in enumerate(events) if e.get("event") == "session_started"]
    return events[starts[-1]:] if starts else list(events)


def should_ask(tracker: Tracker) -> bool:
    """A goal delivered in this conversation, no handoff after it, and not asked yet."""
    resolved = False
    for event in _session_events(tracker):
        if event.get("event") != "slot":
            continue
        name, value = event.get("name"), event.get("value")
        if name == GOAL_SLOT and value:
            resolved = True
        elif name == "handoff_reason" and value:
            resolved = False
        elif name == PENDING and value:
            return False
    return resolved


def ask(turn: Turn) -> list[EventType]:
    buttons = [{"title": str(n), "payload": f'/rate{{"csat_score": "{n}"}}'} for n in range(5, 0, -1)]
    buttons.append(turn.button("button_skip", f'/rate{{"csat_score": "{SKIP}"}}'))
    turn.say("csat_question", buttons=buttons)
    return [SlotSet(PENDING, True)]


def record(turn: Turn, answer: int | str | None) -> list[EventType]:
    """The customer's answer to a pending question; anything unreadable counts as skipping it."""
    if answer is None or answer == SKIP:
        turn.say("csat_skipped")
        return [SlotSet(PENDING, False), SlotSet("csat_skipped", True)]
    score = int(answer)
    turn.say("csat_thanks" if score >= 3 else "csat_thanks_low", score=score)
    return [SlotSet(PENDING, False), SlotSet("csat_score", float(score))]


def answer_if_pending(turn: Turn) -> list[EventType] | None:
    """A bare "5" right after the question is its answer (NLU reads bare numbers as `inform`)."""
    if not turn.tracker.get_slot(PENDING):
        return None
    score = parse_score(turn.text)
    return record(turn, score) if isinstance(score, int) else None


class ActionThank(Action):
    def name(self) -> str:
        return "action_thank"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        if not should_ask(tracker):
            dispatcher.utter_message(response="utter_you_are_welcome")
            return []
        turn = Turn(dispatcher, tracker)
        turn.say("welcome_short")
        return ask(turn)


class ActionGoodbye(Action):
    def name(self) -> str:
        return "action_goodbye"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(response="utter_goodbye")
        return ask(Turn(dispatcher, tracker)) if should_ask(tracker) else []


class ActionRecordCsat(Action):
    def name(self) -> str:
        return "action_record_csat"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        turn = Turn(dispatcher, tracker)
        if not tracker.get_slot(PENDING):
            turn.say("csat_not_asked")
            return []
        chosen = turn.entity("csat_score")
        return record(turn, parse_score(chosen) if chosen else parse_score(turn.text))
