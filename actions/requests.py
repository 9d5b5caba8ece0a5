"""The customer's requests and the two actions that carry them out.

`action_handle_request` runs for every request intent. It works out which request is meant
(the intent, or "yes" to an offer the bot just made), makes sure the customer is verified when
the request shows personal data, and runs the request's handler. It ends by setting
`next_step`, which the rules branch on: done, identity (run identity_form first),
claim_form or document_form.

`action_continue_request` runs after identity_form and resumes the request it interrupted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Awaitable, Callable

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import clarify, identity, satisfaction
from actions.api_client import ApiUnavailable, Customer, VerificationExpired
from actions.claims import answer_claim_guidance, answer_claim_status, start_claim_form
from actions.documents import answer_download_epolicy, answer_verify_document
from actions.evidence import names_our_business
from actions.goals import GOAL_OF_REQUEST, completed
from actions.handoff import hand_off
from actions.identity import verified_customer
from actions.policy import answer_query_policy
from actions.premiums import answer_pay_premium, answer_premium_due
from actions.reminders import answer_opt_out
from actions.renewal import answer_renewal
from actions.summary import answer_policy_summary
from actions.turn import Turn
from common import parsing

Handler = Callable[[Turn, Customer | None], Awaitable[list[EventType]]]


@dataclass(frozen=True)
class Request:
    name: str
    needs_identity: bool
    handler: Handler


REQUESTS = {
    r.name: r
    for r in [
        Request("query_policy", True, answer_query_policy),
        Request("premium_due", True, answer_premium_due),
        Request("pay_premium", True, answer_pay_premium),
        Request("claim_status", True, answer_claim_status),
        Request("renewal", True, answer_renewal),
        Request("policy_summary", True, answer_policy_summary),
        Request("open_claim", True, start_claim_form),
        Request("claim_guidance", False, answer_claim_guidance),
        Request("verify_policy_document", False, answer_verify_document),
        Request("download_epolicy", True, answer_download_epolicy),
        Request("opt_out", False, answer_opt_out),  # verifies unless the app conversation tells whose it is
    ]
}


def requested(turn: Turn) -> str | None:
    """Which request this message makes, if any."""
    intent = turn.intent
    if intent in REQUESTS:
        return intent
    if intent == "affirm":
        return turn.tracker.get_slot("pending_request")
    if intent == "inform":  # facts without a request: infer the likely one
        if parsing.parse_claim_number(turn.text):
            return "claim_status"
        if parsing.parse_policy_number(turn.text):
            return "query_policy"
        if turn.entity("insurance_type") or parsing.parse_insurance_type(turn.text):
            return "claim_guidance"  # "住院花了3000": something happened; show how to claim
    return None


def verify_first(turn: Turn, name: str) -> list[EventType]:
    """Run the identity check, then this request (action_continue_request)."""
    return [SlotSet("pending_request", name), SlotSet("pending_text", turn.text[:500]),
            SlotSet("next_step", "identity")]


async def run_request(turn: Turn, name: str, customer: Customer | None) -> list[EventType]:
    try:
        events = await REQUESTS[name].handler(turn, customer) + identity.token_events(customer)
    except ApiUnavailable:
        # Not delivered: the service figures must not count an outage as resolved by the bot.
        turn.say_offering_human("api_down")
        return [SlotSet("pending_request", None), SlotSet("next_step", "done")]
    except VerificationExpired:
        # The policy API no longer accepts her token (30 idle minutes): verify again, then answer.
        turn.say("identity_expired")
        return identity.forgotten_events() + verify_first(turn, name)
    if not any(e.get("name") == "next_step" for e in events):
        events.append(SlotSet("next_step", "done"))
        if name in GOAL_OF_REQUEST:  # answered here, not handed to a form
            events.append(completed(GOAL_OF_REQUEST[name]))
    return events


def _trigger_has_full_identity(turn: Turn) -> tuple[str | None, str | None]:
    """A first message that already carries "HL20240001 后四位1234" needs no form."""
    return identity.identity_key_in(turn.text), parsing.parse_id_last4(turn.text, bare_allowed=False)


def _question_without_evidence(turn: Turn, name: str) -> bool:
    """A question the NLU took for this request, with nothing in it about the customer's insurance."""
    asked_by_nlu = turn.intent == name  # not "yes" to our offer, not facts in answer to our question
    return asked_by_nlu and bool(turn.tracker.latest_message.get(clarify.QUESTION_KEY)) \
        and not names_our_business(turn.text)


class ActionHandleRequest(Action):
    def name(self) -> str:
        return "action_handle_request"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        turn = Turn(dispatcher, tracker)
        if turn.intent == "inform" and (rated := satisfaction.answer_if_pending(turn)) is not None:
            return rated + [SlotSet("next_step", "done")]
        events = await self.handle(turn)
        if tracker.get_slot(satisfaction.PENDING):  # the customer moved on: the question lapses
            events.append(SlotSet(satisfaction.PENDING, False))
        return events

    async def handle(self, turn: Turn) -> list[EventType]:
        tracker = turn.tracker
        name = requested(turn)
        if name is None:
            turn.say("what_request")
            return [SlotSet("next_step", "done")]
        request = REQUESTS[name]
        if not request.needs_identity:
            return await run_request(turn, name, identity.tracker_customer(tracker))
        if tracker.get_slot("identity_locked"):
            turn.say("identity_locked")
            return await hand_off(turn, "identity_lockout")
        try:
            customer, events = await verified_customer(turn)
            if customer is None:
                key, last4 = _trigger_has_full_identity(turn)
                found = await identity.check_identity(key, last4, tracker.sender_id) if key and last4 else None
                if found:
                    turn.say("identity_ok", name=found["name"])
                    customer = Customer(found["customer_id"], found["customer_token"])
                    events = identity.verified_events(found)
        except ApiUnavailable:
            turn.say_offering_human("api_down")
            return [SlotSet("next_step", "done")]
        except identity.IdentityLocked as locked:
            identity.say_locked(turn, locked)
            return [SlotSet("pending_request", None), SlotSet("next_step", "done")]
        if customer is None:
            if _question_without_evidence(turn, name):
                await clarify.ask_what_was_meant(turn)
                return [SlotSet("next_step", "done")]
            return verify_first(turn, name)
        return events + await run_request(turn, name, customer)


class ActionContinueRequest(Action):
    def name(self) -> str:
        return "action_continue_request"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        turn = Turn(dispatcher, tracker, request_text=tracker.get_slot("pending_text"))
        resumed = [SlotSet("pending_request", None), SlotSet("pending_text", None)]
        if tracker.get_slot("identity_locked"):
            turn.say("identity_locked")
            return resumed + await hand_off(turn, "identity_lockout")
        name = tracker.get_slot("pending_request")
        customer = identity.tracker_customer(tracker)
        if customer is None or name not in REQUESTS:
            return resumed + [SlotSet("next_step", "done")]
        return resumed + await run_request(turn, name, customer)
