"""电子保单验真: a policy number and the code printed on the e-policy; no identity needed."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import api_client, parsing
from actions.api_client import ApiUnavailable, Customer
from actions.forms import FreeTextForm
from actions.goals import completed
from actions.turn import Turn


def document_parts(text: str) -> tuple[str | None, str | None]:
    return parsing.parse_policy_number(text), parsing.parse_verification_code(text)


async def show_verification(turn: Turn, number: str, code: str) -> None:
    result = await api_client.verify_document(number, code)
    if not result.get("genuine"):
        turn.say_offering_human("doc_forged")
        return
    turn.say("doc_genuine", number=number, product=turn.product(result),
             insured=result["insured_name_masked"], start=result["start_date"], end=result["end_date"])


async def answer_verify_document(turn: Turn, customer: Customer | None) -> list[EventType]:
    number, code = document_parts(turn.text)
    if number and code:
        await show_verification(turn, number, code)
        return []
    return [SlotSet("doc_policy_number", number), SlotSet("next_step", "document_form")]


class ValidateDocumentForm(FreeTextForm):
    def name(self) -> str:
        return "validate_document_form"

    async def extract_doc_policy_number(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                        domain: DomainDict) -> dict[str, Any]:
        text = tracker.latest_message.get("text") or ""
        number = parsing.parse_policy_number(text)
        if number:
            return {"doc_policy_number": number}
        if self.answers(tracker, "doc_policy_number"):
            return self.reask(dispatcher, tracker, "policy_bad_number", text=text.strip()[:40])
        return {}

    async def extract_doc_verification_code(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                            domain: DomainDict) -> dict[str, Any]:
        if not self.answers(tracker, "doc_verification_code"):
            return {}
        code = parsing.parse_verification_code(tracker.latest_message.get("text") or "")
        if code:
            return {"doc_verification_code": code}
        return self.reask(dispatcher, tracker, "doc_bad_code")


class ActionVerifyDocument(Action):
    def name(self) -> str:
        return "action_verify_document"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        turn = Turn(dispatcher, tracker)
        cleared: list[EventType] = [SlotSet("doc_policy_number", None), SlotSet("doc_verification_code", None)]
        try:
            await show_verification(turn, tracker.get_slot("doc_policy_number"),
                                    tracker.get_slot("doc_verification_code"))
        except ApiUnavailable:
            turn.say_offering_human("api_down")
            return cleared
        return cleared + [completed("document_verified")]
