"""Claim progress pushed into the app chat: the reminder worker triggers EXTERNAL_claim_update
with a claim event's id; this action says the policy API's message for it (the same text as the SMS) in the
customer's language and draws the claim's timeline, exactly as stored (the same one "理赔进度" shows).

Like reminders, only the conversation's own customer sees it: an event of anyone else's claim is logged and
shows nothing, whoever sent it."""

from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import api_client
from actions.api_client import ApiError, ApiUnavailable
from actions.claims import timeline_payload
from actions.conversation import conversation_customer
from common.language import supported

log = logging.getLogger(__name__)


class ActionDeliverClaimUpdate(Action):
    def name(self) -> str:
        return "action_deliver_claim_update"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        event_id = next(tracker.get_latest_entity_values("claim_update_id"), None)
        if not event_id:
            log.warning("claim update intent without an id in %s", tracker.sender_id)
            return []
        try:
            update = await api_client.claim_update(str(event_id))
        except (ApiError, ApiUnavailable) as exc:
            # Raise so the hub answers 5xx and the worker retries, rather than an empty message.
            raise RuntimeError(f"claim update {event_id} unavailable: {exc}") from exc
        if update["customer_id"] != conversation_customer(tracker):
            log.warning("claim update %s refused in %s: not this conversation's customer", event_id,
                        tracker.sender_id)
            return []
        language = supported(update["language"])
        dispatcher.utter_message(text=update["text"])
        dispatcher.utter_message(json_message=timeline_payload(update["claim"], language))
        return [SlotSet("language", language)]
