"""保单查询: the customer's policies, or one policy in detail."""

from __future__ import annotations

from rasa_sdk.events import EventType

from actions import api_client
from actions.api_client import ApiError, Customer
from actions.messages import STATUS_LABELS
from actions.turn import Turn
from common import parsing


def money(value: object) -> str:
    """1200 -> "1,200"; 1200.5 -> "1,200.50"."""
    number = float(value)  # type: ignore[arg-type]
    return f"{number:,.0f}" if number == int(number) else f"{number:,.2f}"


def named_policy_number(turn: Turn) -> str | None:
    """The policy number the message names, in its text or as a button's entity."""
    return parsing.parse_policy_number(turn.text) or parsing.parse_policy_number(turn.entity("policy_number") or "")


async def answer_query_policy(turn: Turn, customer: Customer) -> list[EventType]:
    number = named_policy_number(turn)
    if number:
        await show_policy(turn, number, customer)
        return []
    if parsing.looks_like_policy_number(turn.text):
        turn.say("policy_bad_number", text=turn.text.strip()[:40])
        return []
    policies = await api_client.policies(customer)
    if not policies:
        turn.say("no_policies")
        return []
    lines = "\n".join(
        turn.t("policy_line", product=turn.product(p), number=p["policy_number"],
               status=turn.label(STATUS_LABELS, p["status"]), start=p["start_date"], end=p["end_date"])
        for p in policies
    )
    turn.say("policy_list", count=len(policies), lines=lines)
    return []


async def show_policy(turn: Turn, number: str, customer: Customer) -> None:
    try:
        policy = await api_client.policy(number, customer)
    except ApiError as exc:
        turn.say("policy_not_owned" if exc.status == 403 else "policy_not_found", number=number)
        return
    turn.say("policy_detail", number=number, product=turn.product(policy),
             status=turn.label(STATUS_LABELS, policy["status"]), start=policy["start_date"],
             end=policy["end_date"], insured=policy["insured_name"],
             sum_insured=money(policy["sum_insured"]), premium=money(policy["annual_premium"]))
