"""Reminders in the chat: the scheduler triggers EXTERNAL_premium_reminder /
EXTERNAL_renewal_reminder with the reminder's id; this action says it in the customer's language
with buttons that lead into the usual requests (pay_premium, renewal, opt_out), and leaves the
reminder's policy in slots so a plain "好的" / "pay now" / "续保" continues from it.

An external event is only as good as its sender: the hub takes them only from our services, and this
action shows a reminder only to the conversation's own customer (actions/conversation.py). A reminder
id of anyone else is logged and shows nothing, whoever sent it. Opting out acts only for that customer
too: verified, or in their own app conversation."""

from __future__ import annotations

import json
import logging
from datetime import date

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import api_client
from actions.api_client import ApiError, ApiUnavailable, Customer
from actions.conversation import app_customer, conversation_customer
from actions.messages import MESSAGES
from actions.policy import money
from actions.turn import Turn
from common.i18n import text
from common.language import supported

log = logging.getLogger(__name__)
FOLLOW_UP = {"premium": "pay_premium", "renewal": "renewal"}


def _payload(intent: str, policy_number: str) -> str:
    return f"/{intent}" + json.dumps({"policy_number": policy_number}, separators=(",", ":"))


class ActionDeliverReminder(Action):
    def name(self) -> str:
        return "action_deliver_reminder"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        reminder_id = next(tracker.get_latest_entity_values("reminder_id"), None)
        if not reminder_id:
            log.warning("reminder intent without a reminder_id in %s", tracker.sender_id)
            return []
        try:
            reminder = await api_client.reminder(str(reminder_id))
        except (ApiError, ApiUnavailable) as exc:
            # Raise so the hub answers 5xx and the scheduler retries, rather than an empty reminder.
            raise RuntimeError(f"reminder {reminder_id} unavailable: {exc}") from exc
        if reminder["customer_id"] != conversation_customer(tracker):
            # A forged or misrouted event: nothing of the reminder reaches this conversation.
            log.warning("reminder %s refused in %s: not this conversation's customer", reminder_id,
                        tracker.sender_id)
            return []
        language = supported(reminder["language"])
        kind, number = reminder["kind"], reminder["policy_number"]
        days = (date.fromisoformat(reminder["due_date"]) - date.today()).days
        follow_up = FOLLOW_UP[kind]
        buttons = [
            {"title": text(MESSAGES, "button_pay_now" if kind == "premium" else "button_renew_now", language),
             "payload": _payload(follow_up, number)},
            {"title": text(MESSAGES, "button_unsubscribe", language), "payload": "/opt_out"},
        ]
        dispatcher.utter_message(
            text=text(MESSAGES, f"reminder_{kind}", language, product=reminder[f"product_name_{language}"],
                      number=number, amount=money(reminder["amount"]), date=reminder["due_date"], days=max(days, 0)),
            buttons=buttons)
        return [SlotSet("language", language), SlotSet("reminder_id", str(reminder["reminder_id"])),
                SlotSet("reminder_policy", number), SlotSet("reminder_customer", reminder["customer_id"]),
                SlotSet("pending_request", follow_up)]


async def answer_opt_out(turn: Turn, customer: Customer | None) -> list[EventType]:
    """The verified customer (the policy API's token for her), or the customer of this app conversation;
    anyone else verifies first."""
    customer_id = app_customer(turn.tracker) or (customer.customer_id if customer else None)
    if not customer_id:
        return [SlotSet("pending_request", "opt_out"), SlotSet("pending_text", turn.text[:500]),
                SlotSet("next_step", "identity")]
    await api_client.opt_out(customer_id, turn.tracker.sender_id[:120])
    turn.say("opt_out_done")
    return [SlotSet("pending_request", None)]
