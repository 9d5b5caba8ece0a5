"""`action_session_start`: a new session keeps the conversation's context but not who the customer is.

Rasa starts a new session after 30 idle minutes (session_config in bot/domain/core.yml) and carries
the slots over, so that a reminder's context survives a late reply. Verification must not: it is
dropped here (the policy API's customer token with it), so it expires after 30 idle minutes and never
passes into a new session; the token itself also lapses after 30 idle minutes at the policy API. The lock of
repeated failures lives in the policy API (per person, in Redis), so forgetting the conversation's
own count here gives a guesser nothing.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

# Who the customer is and the identity check in progress; requested_slot: no form is active any more;
# session_started_metadata: the message metadata, which can hold an app token (no need to store it).
NOT_CARRIED = frozenset({
    "verified", "customer_id", "customer_name", "customer_token", "identity_failures", "identity_locked", "identity_key",
    "id_last4", "pending_request", "pending_text", "requested_slot", "session_started_metadata",
})


def carried_slots(slots: dict[str, Any]) -> list[EventType]:
    return [SlotSet(name, value) for name, value in slots.items()
            if name not in NOT_CARRIED and value is not None]


class ActionSessionStart(Action):
    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        # As Rasa's default: the start, the slots kept, then listen for the customer.
        return [SessionStarted(), *carried_slots(tracker.slots), ActionExecuted("action_listen")]
