"""The `goal_completed` slot: set when the bot delivered what the customer came for. The service
figures count a conversation as resolved by the bot when it was set and no handoff followed
(docs/proactive_service.md)."""

from __future__ import annotations

from rasa_sdk.events import SlotSet

GOAL_SLOT = "goal_completed"

# The goal each request delivers when its handler finishes without a form to fill.
GOAL_OF_REQUEST = {
    "query_policy": "policy_lookup",
    "premium_due": "premium_due",
    "pay_premium": "payment_link",
    "claim_status": "claim_status",
    "claim_guidance": "claim_guidance",
    "renewal": "renewal",
    "verify_policy_document": "document_verified",
    "policy_summary": "policy_summary",
    "download_epolicy": "epolicy_download",
}


def completed(goal: str) -> SlotSet:
    return SlotSet(GOAL_SLOT, goal)
