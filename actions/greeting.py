"""The greeting: a verified customer returning hears what matters to them now (a premium due, a
claim that moved, cover about to end) instead of the generic menu."""

from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import api_client
from actions.api_client import ApiError, ApiUnavailable, VerificationExpired
from actions.identity import forgotten_events, token_events, verified_customer
from actions.personal_messages import CLAIM_STATUS_LABELS
from actions.policy import money
from actions.turn import Turn

logger = logging.getLogger(__name__)


def _item_line(turn: Turn, item: dict) -> str:
    product = turn.product(item)
    if item["kind"] == "premium_due":
        key = "greet_premium_due" if item["days"] >= 0 else "greet_premium_overdue"
        return turn.t(key, product=product, number=item["policy_number"], amount=money(item["amount"]),
                      due=item["due_date"], days=item["days"])
    if item["kind"] == "claim_update":
        return turn.t("greet_claim_update", claim=item["claim_number"],
                      status=turn.label(CLAIM_STATUS_LABELS, item["claim_status"]))
    return turn.t("greet_policy_expiring", product=product, number=item["policy_number"],
                  end=item["due_date"], days=item["days"])


def _item_button(turn: Turn, item: dict) -> dict[str, str]:
    if item["kind"] == "premium_due":
        return turn.button("button_pay_now", "/pay_premium")
    if item["kind"] == "claim_update":
        return turn.button("button_claim_progress", f'/claim_status{{"claim_number": "{item["claim_number"]}"}}')
    return turn.button("button_renew", "/renewal")


def greet_personally(turn: Turn, highlights: dict) -> None:
    items = highlights["items"]
    name = highlights["name"]
    if not items:
        turn.say("greet_personal", name=name)
        turn.say("greet_menu", buttons=[turn.button("button_summary", "/policy_summary")])
        return
    buttons, seen = [], set()
    for item in items:
        button = _item_button(turn, item)
        if button["payload"] not in seen:
            seen.add(button["payload"])
            buttons.append(button)
    lines = "\n".join(_item_line(turn, item) for item in items)
    turn.say("greet_personal_items", name=name, lines=lines,
             buttons=buttons + [turn.button("button_summary", "/policy_summary")])


class ActionGreet(Action):
    def name(self) -> str:
        return "action_greet"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        turn = Turn(dispatcher, tracker)
        try:
            customer, events = await verified_customer(turn)
            if customer:
                greet_personally(turn, await api_client.highlights(customer))
                return events + token_events(customer)
        except VerificationExpired:  # 30 idle minutes: she is greeted as anyone, and verifies when needed
            dispatcher.utter_message(response="utter_greet")
            return forgotten_events()
        except (ApiUnavailable, ApiError) as exc:
            logger.warning("personal greeting unavailable: %r", exc)
        dispatcher.utter_message(response="utter_greet")
        return []
