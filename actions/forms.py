"""What our three forms share: answers are parsed from free text, and an answer that can't be read
gets a clear "please give it like this" and the same question again, instead of Rasa rejecting the
form and guessing what else the customer might have meant."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.turn import Turn

# Intents that interrupt a form instead of answering it; the form lets rules handle them.
INTERRUPTIONS = {"request_human", "complaint", "clause_question", "ask_faq", "out_of_scope", "deny",
                 "goodbye", "bot_challenge", "thank", "greet"}
PARSE_ERRORS = "form_parse_errors"


class FreeTextForm(FormValidationAction, ABC):
    interruptions: frozenset[str] = frozenset(INTERRUPTIONS)
    @abstractmethod
    def name(self) -> str:
        """validate_<form name>; abstract so the action server doesn't register this base class."""

    def answers(self, tracker: Tracker, slot: str) -> bool:
        """True when this message is the customer's answer to our question for `slot`."""
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        return tracker.get_slot("requested_slot") == slot and intent not in self.interruptions

    def reask(self, dispatcher: CollectingDispatcher, tracker: Tracker, key: str, **values: Any) -> dict:
        Turn(dispatcher, tracker).say(key, **values)
        return {PARSE_ERRORS: (tracker.get_slot(PARSE_ERRORS) or 0) + 1}

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        extraction = await self.get_extraction_events(dispatcher, tracker, domain)
        tracker.add_slots(extraction)
        validation = await self._extract_validation_events(dispatcher, tracker, domain)
        # rasa-sdk keeps only the form's own slots; keep the error count too, so an unreadable
        # answer counts as handled by the form (Rasa would otherwise reject the form).
        return [e for e in extraction if e["name"] == PARSE_ERRORS] + validation
