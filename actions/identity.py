"""Identity: nothing personal is shown before the customer is verified.

Verified means the policy API signed a customer token for this conversation: after a policy number /
mobile number plus the last 4 characters of the ID number it confirmed, or after it accepted the app
token (HS256 JWT, `sub` = customer id) in the message metadata. The token lives in the
`customer_token` slot and is what the data routes require; the `verified` / `customer_id` slots steer
the dialogue but open nothing. Three failed attempts lock lookups for the conversation and hand over
to a human. The policy API also counts failures per phone, policy number and customer across every
conversation and channel, and locks verification for them (429 `identity_locked`): the customer is
told so and offered a person. Verification does not outlive the session (actions/session.py), and the
token lapses after 30 idle minutes (the API refreshes it on each use: token_events).
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import api_client, settings
from actions.api_client import ApiError, ApiUnavailable, Customer
from actions.forms import FreeTextForm
from actions.turn import Turn
from common import parsing

logger = logging.getLogger(__name__)

TOKEN_SLOT = "customer_token"
# Who the customer is: dropped together when verification lapses or the session ends.
IDENTITY_SLOTS = ("verified", "customer_id", "customer_name", TOKEN_SLOT)


def verified_events(customer: dict) -> list[EventType]:
    return [SlotSet("verified", True), SlotSet("customer_id", customer["customer_id"]),
            SlotSet("customer_name", customer["name"]), SlotSet(TOKEN_SLOT, customer["customer_token"]),
            SlotSet("identity_failures", 0)]


def token_events(customer: Customer | None) -> list[EventType]:
    """The refreshed token, when the policy API sent one: keeps verification alive while she is active."""
    return [SlotSet(TOKEN_SLOT, customer.token)] if customer and customer.refreshed else []


def forgotten_events() -> list[EventType]:
    """Verification lapsed (the API refused the token): she is no longer verified here either."""
    return [SlotSet(name, None) for name in IDENTITY_SLOTS]


def tracker_customer(tracker: Tracker) -> Customer | None:
    """The customer this conversation's token names, as the bot stored it (the API checks the token)."""
    customer_id, token = tracker.get_slot("customer_id"), tracker.get_slot(TOKEN_SLOT)
    if not customer_id or not token:
        return None
    return Customer(str(customer_id), str(token))


async def verified_customer(turn: Turn) -> tuple[Customer | None, list[EventType]]:
    """The verified customer (the conversation's token, else one the policy API gives for an app token in
    the message metadata); plus the events that record it."""
    customer = tracker_customer(turn.tracker)
    if customer is not None:
        return customer, []
    app_token = turn.metadata.get("token") or turn.metadata.get("app_token")
    if not app_token or not isinstance(app_token, str):
        return None, []
    try:
        found = await api_client.exchange_app_token(app_token, turn.tracker.sender_id)
    except ApiError as exc:
        logger.info("app token refused by the policy API: %s", exc.code)
        return None, []  # verify the usual way
    return Customer(found["customer_id"], found["customer_token"]), verified_events(found)


def identity_key_parts(key: str) -> dict[str, str | None]:
    policy = parsing.parse_policy_number(key)
    return {"policy_number": policy, "phone": None if policy else parsing.parse_phone(key)}


class IdentityLocked(Exception):
    """The policy API locked verification for these details (too many failures, any conversation)."""

    def __init__(self, retry_after_s: int | None) -> None:
        super().__init__(f"identity locked for {retry_after_s}s")
        self.retry_after_s = retry_after_s


async def check_identity(key: str, last4: str, conversation_id: str) -> dict | None:
    """The customer (with her token) if key + last4 match; None if they don't. IdentityLocked and
    ApiUnavailable propagate."""
    try:
        return await api_client.verify_identity(id_last4=last4, conversation_id=conversation_id,
                                                **identity_key_parts(key))
    except ApiError as exc:
        if exc.status in (401, 404, 422):
            return None
        if exc.status == 429 and exc.code == "identity_locked":
            raise IdentityLocked(exc.retry_after_s) from exc
        raise


def say_locked(turn: Turn, locked: IdentityLocked) -> None:
    """Plainly why, for how long, and a person right away."""
    minutes = max(1, -(-(locked.retry_after_s or 30 * 60) // 60))
    turn.say_offering_human("identity_locked_server", minutes=minutes)


def identity_key_in(text: str) -> str | None:
    return parsing.parse_policy_number(text) or parsing.parse_phone(text)


class ValidateIdentityForm(FreeTextForm):
    def name(self) -> str:
        return "validate_identity_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> list[str]:
        if tracker_customer(tracker) or tracker.get_slot("identity_locked"):
            return []
        return domain_slots

    async def extract_identity_key(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                   domain: DomainDict) -> dict[str, Any]:
        text = tracker.latest_message.get("text") or ""
        key = identity_key_in(text)
        if key:
            return {"identity_key": key}
        if self.answers(tracker, "identity_key"):
            return self.reask(dispatcher, tracker, "identity_bad_key")
        return {}

    async def extract_id_last4(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> dict[str, Any]:
        text = tracker.latest_message.get("text") or ""
        asked = self.answers(tracker, "id_last4")
        last4 = parsing.parse_id_last4(text, bare_allowed=asked)
        if last4:
            return {"id_last4": last4}
        if asked:
            return self.reask(dispatcher, tracker, "identity_bad_last4")
        return {}

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        events = await super().run(dispatcher, tracker, domain)
        slots = {**tracker.slots, **{e["name"]: e["value"] for e in events if e.get("event") == "slot"}}
        key, last4 = slots.get("identity_key"), slots.get("id_last4")
        if not key or not last4 or (slots.get(TOKEN_SLOT) and slots.get("customer_id")):
            return events
        turn = Turn(dispatcher, tracker)
        try:
            customer = await check_identity(key, last4, tracker.sender_id)
        except ApiUnavailable:
            # Not the customer's fault: no attempt counted; the form ends and offers a human.
            turn.say_offering_human("api_down")
            return events + [SlotSet("requested_slot", None), SlotSet("pending_request", None)]
        except IdentityLocked as locked:
            # Locked server side: asking again here cannot help; the form ends and offers a person.
            say_locked(turn, locked)
            return events + [SlotSet("identity_key", None), SlotSet("id_last4", None),
                             SlotSet("requested_slot", None), SlotSet("pending_request", None)]
        if customer:
            turn.say("identity_ok", name=customer["name"])
            return events + verified_events(customer) + [SlotSet("requested_slot", None)]
        failures = int(slots.get("identity_failures") or 0) + 1
        cleared = [SlotSet("identity_key", None), SlotSet("id_last4", None),
                   SlotSet("identity_failures", failures)]
        if failures >= settings.MAX_IDENTITY_ATTEMPTS:
            # The form ends here; action_continue_request sees the lock and hands over.
            return events + cleared + [SlotSet("identity_locked", True), SlotSet("requested_slot", None)]
        turn.say("identity_mismatch", left=settings.MAX_IDENTITY_ATTEMPTS - failures)
        return events + cleared + [SlotSet("requested_slot", "identity_key")]
