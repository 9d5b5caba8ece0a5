"""Stage one of the two-stage fallback: what the assistant does when it is not sure what was meant.

A question ("is 500k of cover enough?") gets the knowledge base's answer when the search is confident:
a general question answered from the FAQ beats a clarifying question, and far beats a lookup that starts
an identity check. Otherwise one clarifying question, with the two or three closest intents as buttons
(one "did you mean ...?" when only one is close) and "something else"; when the closest is "out of
scope", what we can help with. The NLU's gate (bot/intent_gate.py)
sends unsure transactional requests here, as does its fallback threshold.
"""

from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import api_client
from actions.api_client import ApiError, ApiUnavailable
from actions.knowledge import answer_with_source
from actions.messages import INTENT_LABELS
from actions.turn import Turn

logger = logging.getLogger(__name__)

MAX_CHOICES = 3
# A candidate worth a button: at least this confident, and at least this share of the best one.
MIN_CONFIDENCE = 0.05
MIN_SHARE_OF_BEST = 0.2
QUESTION_KEY = "question"  # set by bot.intent_gate on every parsed message


def closest_intents(tracker: Tracker) -> list[str]:
    """The intents worth offering, closest first, from the NLU's ranking (ours only, never the fallback)."""
    ranking = [c for c in tracker.latest_message.get("intent_ranking") or [] if c.get("name") in INTENT_LABELS]
    if not ranking:
        return []
    best = ranking[0].get("confidence") or 0.0
    return [c["name"] for c in ranking[:MAX_CHOICES]
            if (c.get("confidence") or 0.0) >= max(MIN_CONFIDENCE, MIN_SHARE_OF_BEST * best)] or [ranking[0]["name"]]


def _leaning_out_of_scope(tracker: Tracker) -> bool:
    ranking = [c for c in tracker.latest_message.get("intent_ranking") or [] if c.get("name") != "nlu_fallback"]
    return bool(ranking) and ranking[0].get("name") == "out_of_scope"


async def answered_from_knowledge(turn: Turn) -> bool:
    """Answer a question from the knowledge base when its search is confident; False when it is not."""
    try:
        result = await api_client.knowledge_search(turn.text.strip(), turn.language, k=1)
    except (ApiUnavailable, ApiError) as exc:
        logger.warning("no knowledge second opinion: %r", exc)
        return False
    hits = result.get("hits") or []
    if not (result.get("confident") and hits):
        return False
    answer_with_source(turn, hits[0])
    return True


class ActionAskAffirmation(Action):
    def name(self) -> str:
        return "action_default_ask_affirmation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        turn = Turn(dispatcher, tracker)
        text = turn.text.strip()
        if not text:
            turn.say("message_empty")
            return []
        if len(text) > 1000:
            turn.say("message_too_long", length=len(text))
            return []
        await ask_what_was_meant(turn)
        return []


async def ask_what_was_meant(turn: Turn) -> None:
    """The knowledge base's answer to a question it knows; else one clarifying question with the closest intents."""
    tracker = turn.tracker
    if tracker.latest_message.get(QUESTION_KEY) and await answered_from_knowledge(turn):
        return
    if _leaning_out_of_scope(tracker):  # unsure, but closest to "not ours": say what we do, offer nothing
        turn.dispatcher.utter_message(response="utter_out_of_scope")
        return
    none_button = turn.button("button_none", "/out_of_scope")
    choices = closest_intents(tracker)
    if not choices:
        turn.say("what_request", buttons=[none_button])
    elif len(choices) == 1:
        turn.say("ask_affirm", label=turn.label(INTENT_LABELS, choices[0]),
                 buttons=[{"title": turn.t("button_yes"), "payload": f"/{choices[0]}"}, none_button])
    else:
        buttons = [{"title": turn.label(INTENT_LABELS, name), "payload": f"/{name}"} for name in choices]
        turn.say("ask_which", buttons=[*buttons, none_button])
