"""Identity: nothing personal is shown before the customer is verified.

Verified means one of: a valid app token (HS256 JWT, `sub` = customer id) in the message metadata,
or a policy number / mobile number plus the last 4 characters of the ID number that the policy
API confirms. Three failed attempts lock lookups for the conversation and hand over to a human.
The policy API also counts failures per phone, policy number and customer across every
conversation and channel, and locks verification for them (429 `identity_locked`): the customer
is told so and offered a person. Verification does not outlive the session (actions/session.py).
"""

from __future__ import annotations

import logging
from typing import Any

import jwt
from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import api_client, parsing, settings
from actions.api_client import ApiError, ApiUnavailable
from actions.forms import FreeTextForm
from actions.turn import Turn

logger = logging.getLogger(__name__)

def customer_from_token(metadata: dict[str, Any]) -> str | None:
    token = metadata.get("token") or metadata.get("app_token")
    if not token or not settings.APP_JWT_SECRET:  # an empty key would accept tokens anyone can sign
        return None
    try:
        claims = jwt.decode(token, settings.APP_JWT_SECRET, algorithms=["HS256"],
                            options={"require": ["sub", "exp"]})
    except jwt.PyJWTError as exc:
        logger.info("app token refused: %s", type(exc).__name__)
        return None
    return str(claims["sub"])


def verified_events(customer: dict) -> list[EventType]:
    return [SlotSet("verified", True), SlotSet("customer_id", customer["customer_id"]),
            SlotSet("customer_name", customer["name"]), SlotSet("identity_failures", 0)]


async def verified_customer(turn: Turn) -> tuple[str | None, list[EventType]]:
    """The verified customer id, checking an app token first; plus the events that record it."""
    tracker = turn.tracker
    if tracker.get_slot("verified") and tracker.get_slot("customer_id"):
        return tracker.get_slot("customer_id"), []
    customer_id = customer_from_token(turn.metadata)
    if customer_id is None:
        return None, []
    try:
        customer = await api_client.customer(customer_id)
    except ApiError:
        return None, []  # a signed token for a customer we don't know: verify the usual way
    return customer_id, verified_events(customer)


def identity_key_parts(key: str) -> dict[str, str | None]:
    policy = parsing.parse_policy_number(key)
    return {"policy_number": policy, "phone": None if policy else parsing.parse_phone(key)}


class IdentityLocked(Exception):
    """The policy API locked verification for these details (too many failures, any conversation)."""

    def __init__(self, retry_after_s: int | None) -> None:
        super().__init__(f"identity locked for {retry_after_s}s")
        self.retry_after_s = retry_after_s


async def check_identity(key: str, last4: str) -> dict | None:
    """The customer if key + last4 match; None if they don't. IdentityLocked and ApiUnavailable propagate."""
    try:
        return await api_client.verify_identity(id_last4=last4, **identity_key_parts(key))
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
        if tracker.get_slot("verified") or tracker.get_slot("identity_locked"):
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
        if not key or not last4 or slots.get("verified"):
            return events
        turn = Turn(dispatcher, tracker)
        try:
            customer = await check_identity(key, last4)
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
