"""Answers from the insurer's own knowledge base (FAQ and product clauses), with their source.

A confident match is answered with its source. An unsure one gets one clarifying question: the
closest entries as buttons, plus "none of these: an agent". A second unsure question in a row, or
nothing close at all, gets an honest "not in our knowledge base" and the offer of an agent.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import api_client
from actions.api_client import ApiError, ApiUnavailable
from actions.goals import completed
from actions.turn import Turn

logger = logging.getLogger(__name__)

CLARIFIED = "knowledge_clarified"  # slot: the last knowledge question already got a clarifying question
EXCERPT_CHARS = 300


def source_label(turn: Turn, hit: dict[str, Any]) -> str:
    source = hit.get("source") or {}
    if source.get("type") == "clause":
        return turn.t("knowledge_source_clause", product=source.get("product") or "", section=source.get("section") or "")
    return turn.t("knowledge_source_faq", title=source.get("title") or hit.get("title", ""))


def answer_with_source(turn: Turn, hit: dict[str, Any]) -> None:
    turn.say("knowledge_answer", answer=hit["text"], source=source_label(turn, hit))


async def clause_excerpts(question: str, language: str, limit: int = 3) -> list[dict[str, str]]:
    """The clause sections closest to a question, shortened, for the agent a clause question goes to."""
    if not question.strip():
        return []
    try:
        result = await api_client.knowledge_search(question, language, k=limit, kind="clause")
    except (ApiUnavailable, ApiError) as exc:
        logger.warning("no clause excerpts for the handoff: %r", exc)
        return []
    return [{"id": hit["id"], "title": hit["title"], "excerpt": hit["text"][:EXCERPT_CHARS]}
            for hit in result.get("hits", [])]


def _question_text(turn: Turn) -> str:
    """The customer's words; after "did you mean ...? yes" (a /ask_faq payload), the words before it."""
    text = turn.text.strip()
    if not text.startswith("/"):
        return text
    typed = [e.get("text") or "" for e in turn.tracker.events if e.get("event") == "user"]
    return next((t.strip() for t in reversed(typed) if t.strip() and not t.strip().startswith("/")), "")


async def answer_knowledge_question(turn: Turn) -> list[EventType]:
    chosen = turn.entity("knowledge_id")
    if chosen:  # the customer picked one of our suggestions
        try:
            answer_with_source(turn, await api_client.knowledge_entry(turn.language, chosen))
            return [SlotSet(CLARIFIED, False), completed("knowledge_answer")]
        except ApiError:
            pass  # an entry removed since it was suggested: search the words instead
    question = _question_text(turn)
    if not question:
        turn.say("knowledge_empty_question")
        return []
    result = await api_client.knowledge_search(question, turn.language, k=3)
    hits = result.get("hits", [])
    if result.get("confident") and hits:
        answer_with_source(turn, hits[0])
        return [SlotSet(CLARIFIED, False), completed("knowledge_answer")]
    if hits and not turn.tracker.get_slot(CLARIFIED):
        buttons = [{"title": hit["title"], "payload": f'/ask_faq{{"knowledge_id": "{hit["id"]}"}}'} for hit in hits]
        buttons.append(turn.button("knowledge_none_of_these", "/request_human"))
        turn.say("knowledge_clarify", buttons=buttons)
        return [SlotSet(CLARIFIED, True)]
    turn.say_offering_human("knowledge_still_unsure" if hits else "knowledge_not_found")
    return [SlotSet(CLARIFIED, False)]


class ActionAnswerKnowledge(Action):
    def name(self) -> str:
        return "action_answer_knowledge"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        turn = Turn(dispatcher, tracker)
        try:
            return await answer_knowledge_question(turn)
        except (ApiUnavailable, ApiError) as exc:
            logger.warning("knowledge search failed: %r", exc)
            turn.say_offering_human("api_down")
            return []
