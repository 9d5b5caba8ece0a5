"""续保: policies that end within the renewal window, and how to renew them."""

from __future__ import annotations

from rasa_sdk.events import EventType

from actions import api_client, settings
from actions.policy import money
from actions.turn import Turn


async def answer_renewal(turn: Turn, customer_id: str) -> list[EventType]:
    days = settings.RENEWAL_WINDOW_DAYS
    policies = await api_client.renewals(customer_id, days)
    if not policies:
        turn.say("no_renewals", days=days)
        return []
    lines = "\n".join(
        turn.t("renewal_line", product=turn.product(p), number=p["policy_number"],
               end_date=p["end_date"], days=p["days_left"], premium=money(p["renewal_premium"]))
        for p in policies
    )
    turn.say("renewal_list", days=days, lines=lines)
    return []
