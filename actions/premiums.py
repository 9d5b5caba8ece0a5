"""缴费提醒 and payment: what is due, and a payment link from the (simulated) gateway."""

from __future__ import annotations

from rasa_sdk.events import EventType, SlotSet

from actions import api_client
from actions.api_client import ApiError, Customer
from actions.policy import money
from actions.turn import Turn
from common import parsing


async def answer_premium_due(turn: Turn, customer: Customer) -> list[EventType]:
    premiums = await api_client.premiums_due(customer)
    if not premiums:
        turn.say("no_premium_due")
        return []
    lines = "\n".join(
        turn.t("premium_line", product=turn.product(p), number=p["policy_number"],
               amount=money(p["amount"]), due_date=p["due_date"], days=p["days_until_due"])
        for p in premiums
    )
    turn.say("premium_due_list", lines=lines)
    turn.say("pay_offer", buttons=turn.yes_no_buttons())
    return [SlotSet("pending_request", "pay_premium")]


async def answer_pay_premium(turn: Turn, customer: Customer) -> list[EventType]:
    premiums = await api_client.premiums_due(customer)
    wanted = parsing.parse_policy_number(turn.text)
    if wanted:
        premiums = [p for p in premiums if p["policy_number"] == wanted]
    else:  # "pay now" after a reminder: the reminded policy's premium, if it is still due
        reminded = [p for p in premiums if p["policy_number"] == turn.tracker.get_slot("reminder_policy")]
        premiums = reminded or premiums
    if not premiums:
        turn.say("no_premium_due")
        return [SlotSet("pending_request", None)]
    premium = premiums[0]  # the soonest due
    try:
        payment = await api_client.create_payment(premium["premium_id"], customer)
    except ApiError as exc:
        if exc.status == 409:
            turn.say("no_premium_due")
            return [SlotSet("pending_request", None)]
        raise
    turn.say("payment_link", product=turn.product(premium), number=premium["policy_number"],
             amount=money(payment["amount"]), url=payment["payment_url"])
    turn.dispatcher.utter_message(json_message={
        "type": "payment_link", "payment_id": payment["payment_id"], "url": payment["payment_url"],
        "amount": str(payment["amount"]), "policy_number": premium["policy_number"],
    })
    return [SlotSet("pending_request", None)]
