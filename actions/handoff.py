"""Handing a conversation to a human, also when the two-stage fallback (actions/clarify.py) gives up.

While no handoff hub is configured the reason is kept in the `handoff_reason` slot and the
customer gets the hotline and its hours. As soon as `handoff_hub.url` is set in
bot/endpoints.yml (or HANDOFF_HUB_URL), the request is POSTed to the hub instead.

On the phone the action's post is the only one: the reply carries a `handoff` payload with what the hub
answered (request id, place in the queue, expected wait, or not queued), from which the voice gateway puts
the caller on hold (voice/line/handoff.py).
"""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import satisfaction, settings
from actions.knowledge import clause_excerpts
from actions.turn import Turn
from privacy.numbers import mask_text

logger = logging.getLogger(__name__)

REASON_BY_INTENT = {"request_human": "request", "complaint": "complaint", "clause_question": "clause"}
SUMMARY_TURNS = 10
def conversation_summary(tracker: Tracker) -> list[dict[str, str]]:
    """The last turns of the conversation, personal numbers masked, for the agent who takes over."""
    lines = [
        {"speaker": "customer" if e["event"] == "user" else "bot", "text": mask_text(e.get("text") or "")}
        for e in tracker.events
        if e.get("event") in ("user", "bot") and e.get("text")
    ]
    return lines[-SUMMARY_TURNS:]


async def _notify_hub(url: str, request: dict[str, Any]) -> dict[str, Any] | None:
    """What the hub answered when it queued the request (docs/handoff_api.md), or None when it did not."""
    try:
        key = settings.get_settings().handoff_api_key
        headers = {"X-API-Key": key} if key else {}
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as session:
            async with session.post(url, json=request, headers=headers) as response:
                if response.status >= 300:
                    logger.warning("handoff hub refused the request: HTTP %s", response.status)
                    return None
                return await _answer(response)
    except (aiohttp.ClientError, TimeoutError) as exc:
        logger.warning("handoff hub unreachable: %r", exc)
        return None


async def _answer(response: aiohttp.ClientResponse) -> dict[str, Any]:
    """The hub's answer; a hub that took the request but said nothing readable still took it."""
    try:
        body = await response.json(content_type=None)
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def handoff_payload(reason: str, answer: dict[str, Any] | None) -> dict[str, Any]:
    """The handoff as the voice gateway reads it from the reply, so it neither posts a second request
    nor reads the tracker to learn of it."""
    queued = answer is not None
    return {"type": "handoff", "reason": reason, "queued": queued,
            **{name: (answer or {}).get(name) for name in ("request_id", "position", "estimated_wait_s")}}


async def hand_off(turn: Turn, reason: str, clause_excerpts: list[dict[str, str]] | None = None) -> list[EventType]:
    """Queue the conversation for a person; a clause question carries the closest clause sections."""
    tracker = turn.tracker
    reason_text = turn.t(f"reason_{reason}")
    hub = settings.handoff_hub_url()
    request = {
        "conversation_id": tracker.sender_id,
        "reason": reason,
        "language": turn.language,
        "channel": (turn.metadata.get("channel") or "chat"),
        "customer_id": tracker.get_slot("customer_id") if tracker.get_slot("verified") else None,
        "summary": conversation_summary(tracker),
    }
    if clause_excerpts:
        request["clause_excerpts"] = clause_excerpts
    answer = await _notify_hub(hub, request) if hub else None
    turn.say("handoff_connecting" if answer is not None else "handoff_hotline", reason=reason_text)
    # Only the phone line reads the payload; the chat page would draw it as an empty message, and the
    # hub tells the chat of the queue itself.
    if request["channel"] == "voice":
        turn.dispatcher.utter_message(json_message=handoff_payload(reason, answer))
    return [SlotSet("handoff_reason", reason), SlotSet("next_step", "done")]


class ActionHandoff(Action):
    def name(self) -> str:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        turn = Turn(dispatcher, tracker)
        reason = REASON_BY_INTENT.get(turn.intent or "", "request")
        # "很不满意" right after the satisfaction question is a low rating (whose reply offers an
        # agent), not a complaint; a longer message still is one.
        if reason == "complaint" and len(turn.text.strip()) <= 8:
            rated = satisfaction.answer_if_pending(turn)
            if rated is not None:
                return rated
        if reason == "complaint":
            turn.say("complaint_ack")
        elif reason == "clause":
            turn.say("clause_ack")
            return await hand_off(turn, reason, await clause_excerpts(mask_text(turn.text), turn.language))
        return await hand_off(turn, reason)


class ActionDefaultFallback(Action):
    """Stage two of the two-stage fallback failed too: a person takes over."""

    def name(self) -> str:
        return "action_default_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        return await hand_off(Turn(dispatcher, tracker), "not_understood")
