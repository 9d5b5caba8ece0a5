"""保单整理: everything the customer holds in one overview, as text and as a payload the chat page draws."""

from __future__ import annotations

from rasa_sdk.events import EventType

from actions import api_client
from actions.api_client import Customer
from actions.messages import INSURANCE_TYPE_LABELS, STATUS_LABELS
from actions.policy import money
from actions.turn import Turn


def _cover_line(turn: Turn, sums: dict[str, float]) -> str:
    parts = [f"{turn.label(INSURANCE_TYPE_LABELS, kind)} ¥{money(value)}" for kind, value in sums.items()]
    return turn.t("summary_cover", sums="，".join(parts) if turn.language == "zh" else ", ".join(parts))


def _insured_lines(turn: Turn, cover: dict) -> list[str]:
    lines = [turn.t("summary_insured", insured=cover["insured_name"])]
    for p in cover["policies"]:
        lines.append(turn.t("summary_policy", product=turn.product(p), number=p["policy_number"],
                            kind=turn.label(INSURANCE_TYPE_LABELS, p["insurance_type"]),
                            sum_insured=money(p["sum_insured"]), premium=money(p["annual_premium"]),
                            status=turn.label(STATUS_LABELS, p["status"]), end=p["end_date"]))
        if p["next_due_date"]:
            lines.append(turn.t("summary_next_due", due=p["next_due_date"], amount=money(p["next_due_amount"])))
    if cover["sum_insured_by_type"]:
        lines.append(_cover_line(turn, cover["sum_insured_by_type"]))
    return lines


def _gap_lines(turn: Turn, summary: dict) -> list[str]:
    products = {p["policy_number"]: turn.product(p) for c in summary["insured"] for p in c["policies"]}
    return [turn.t(f"gap_{gap['code']}", number=gap.get("policy_number") or "", days=gap.get("days"),
                   product=products.get(gap.get("policy_number") or "", ""))
            for gap in summary["gaps"]]


def summary_text(turn: Turn, summary: dict, name: str) -> str:
    lines = [turn.t("summary_head", name=name, as_of=summary["as_of"], count=summary["policy_count"],
                    active=summary["active_count"], total=money(summary["annual_premium_total"]))]
    for cover in summary["insured"]:
        lines += _insured_lines(turn, cover)
    gaps = _gap_lines(turn, summary)
    lines += [turn.t("summary_gaps_head"), *gaps] if gaps else [turn.t("summary_no_gaps")]
    return "\n".join(lines)


async def answer_policy_summary(turn: Turn, customer: Customer) -> list[EventType]:
    summary = await api_client.portfolio_summary(customer)
    if summary["policy_count"] == 0:
        turn.say("no_policies")
        return []
    name = turn.tracker.get_slot("customer_name") or ""
    # One message: the text for plain channels (REST, voice), the payload for pages that draw it.
    turn.dispatcher.utter_message(text=summary_text(turn, summary, name),
                                  json_message={"type": "policy_summary", "language": turn.language, **summary})
    return []
