"""电子保单: 验真 (a policy number and the code printed on the e-policy; no identity needed) and the download
of one's own e-policy (verified customers: a one-time link to the hub, which serves the PDF)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import api_client
from actions.api_client import ApiError, ApiUnavailable, Customer
from actions.forms import FreeTextForm
from actions.goals import completed
from actions.policy import named_policy_number
from actions.turn import Turn
from common import parsing


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


async def answer_download_epolicy(turn: Turn, customer: Customer) -> list[EventType]:
    """The named policy's e-policy; with none named, her only policy's, else the choice as buttons."""
    number = named_policy_number(turn)
    if number is None:
        policies = await api_client.policies(customer)
        if not policies:
            turn.say("no_policies")
            return []
        if len(policies) > 1:
            turn.say("epolicy_which", buttons=[
                {"title": f"{turn.product(p)} {p['policy_number']}",
                 "payload": f'/download_epolicy{{"policy_number":"{p["policy_number"]}"}}'} for p in policies])
            return []
        number = policies[0]["policy_number"]
    try:
        link = await api_client.epolicy_link(number, customer)
    except ApiError as exc:  # downloads switched off (503) reach the customer as the API's outage answer
        if exc.status in (403, 404):
            turn.say("policy_not_owned" if exc.status == 403 else "policy_not_found", number=number)
            return []
        raise
    minutes = max(1, round(link["ttl_s"] / 60))
    turn.say("epolicy_link", product=turn.product(link), number=number, url=link["url"], minutes=minutes)
    turn.dispatcher.utter_message(json_message={
        "type": "epolicy_link", "url": link["url"], "policy_number": number, "expires_at": link["expires_at"]})
    return []


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
