"""续保: policies that end within the renewal window, and a payment link to renew one of them."""

from __future__ import annotations

from rasa_sdk.events import EventType, SlotSet

from actions import api_client, settings
from actions.api_client import ApiError, Customer
from actions.policy import money
from actions.turn import Turn
from common import parsing


def _wanted(turn: Turn, policies: list[dict]) -> str | None:
    """The policy to renew: named in the message (or its button), else the one a reminder was about."""
    named = parsing.parse_policy_number(turn.text) or turn.entity("policy_number")
    if named:
        return parsing.parse_policy_number(named) or named
    numbers = [p["policy_number"] for p in policies]
    reminded = turn.tracker.get_slot("reminder_policy")
    return reminded if reminded in numbers else None


async def _renewal_link(turn: Turn, customer: Customer, number: str, policies: list[dict]) -> list[EventType]:
    days = settings.RENEWAL_WINDOW_DAYS
    try:
        payment = await api_client.renewal_payment(number, customer)
    except ApiError as exc:
        if exc.code == "not_in_renewal_window":
            turn.say("renewal_not_in_window", number=number, days=days)
        elif exc.code == "already_renewed":
            turn.say("renewal_already_done", number=number)
        elif exc.code == "policy_not_owned":
            turn.say("policy_not_owned", number=number)
        else:
            turn.say("policy_not_found", number=number)
        return [SlotSet("pending_request", None)]
    record = next((p for p in policies if p["policy_number"] == number), {})
    turn.say("renewal_link", product=turn.product(record) or number, number=number,
             amount=money(payment["amount"]), new_end=payment["new_end_date"], url=payment["payment_url"])
    turn.dispatcher.utter_message(json_message={
        "type": "payment_link", "purpose": "renewal", "payment_id": payment["payment_id"],
        "url": payment["payment_url"], "amount": str(payment["amount"]), "policy_number": number,
    })
    return [SlotSet("pending_request", None)]


async def answer_renewal(turn: Turn, customer: Customer) -> list[EventType]:
    days = settings.RENEWAL_WINDOW_DAYS
    policies = await api_client.renewals(customer, days)
    wanted = _wanted(turn, policies)
    if wanted:
        return await _renewal_link(turn, customer, wanted, policies)
    if not policies:
        turn.say("no_renewals", days=days)
        return []
    lines = "\n".join(
        turn.t("renewal_line", product=turn.product(p), number=p["policy_number"],
               end_date=p["end_date"], days=p["days_left"], premium=money(p["renewal_premium"]))
        for p in policies
    )
    buttons = [{"title": turn.t("button_renew_policy", number=p["policy_number"]),
                "payload": f'/renewal{{"policy_number":"{p["policy_number"]}"}}'} for p in policies]
    turn.dispatcher.utter_message(text=turn.t("renewal_list", days=days, lines=lines), buttons=buttons)
    return []
