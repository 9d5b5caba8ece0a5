"""An external event (a reminder) delivered into a customer's app conversation: the hub triggers the intent in
Rasa and appends the bot's messages to the conversation's log, so the chat page shows them live, or on the
next open when the customer is offline (the log is replayed on connect). Only while the bot has the
conversation; an idempotency key delivers the same event once."""

from __future__ import annotations

import logging
from typing import Any

import httpx

from handoff.errors import HubError
from handoff.service import Hub

log = logging.getLogger("handoff")
IN_PROGRESS_TTL_S = 90


async def _trigger(hub: Hub, cid: str, intent: str, entities: dict[str, str]) -> list[dict[str, Any]]:
    try:
        response = await hub.rasa.client.post(f"{hub.rasa.base_url}/conversations/{cid}/trigger_intent",
                                              params={"include_events": "NONE"},
                                              json={"name": intent, "entities": entities})
        response.raise_for_status()
        return response.json().get("messages") or []
    except (httpx.HTTPError, ValueError) as exc:
        log.warning("rasa trigger_intent for %s failed: %r", cid, exc)
        raise HubError(503, "bot_unavailable", "The assistant is unavailable; try again later.") from exc


async def deliver(hub: Hub, cid: str, intent: str, entities: dict[str, str], once: str | None) -> dict[str, Any]:
    """The bot's messages for the event, appended to the conversation (their seqs), or the duplicate answer for
    a key delivered before. `once`: the sender's idempotency key (a scheduler retrying after a crash)."""
    if once and not await hub.marks.start_external(cid, once, IN_PROGRESS_TTL_S):
        if await hub.marks.external_delivered(cid, once):
            return {"conversation_id": cid, "duplicate": True, "seqs": []}
        raise HubError(409, "in_progress", "This event is being delivered; try again later.")
    try:
        await hub.state.ensure_conversation(cid, "chat")
        conv = await hub.state.conversation(cid)
        if conv.get("owner") != "bot":  # a person is talking to the customer: not now
            raise HubError(409, "with_agent", "An agent has this conversation; try again later.")
        messages = await _trigger(hub, cid, intent, entities)
        if not messages:  # the action failed (e.g. the policy API was down): let the sender retry
            raise HubError(502, "bot_no_reply", "The assistant did not answer the event; try again later.")
        seqs = []
        for message in messages:
            entry: dict[str, Any] = {"sender": "bot", "text": message.get("text") or "", "external": intent}
            for name in ("buttons", "custom", "image"):
                if message.get(name):
                    entry[name] = message[name]
            await hub.state.remember_buttons(cid, message.get("buttons"))
            result = await hub.state.append(cid, entry, requirement=f"bot:{conv.get('epoch', '0')}")
            seqs.append(result.seq)
    except BaseException:
        if once:
            await hub.marks.drop_external(cid, once)
        raise
    if once:
        await hub.marks.finish_external(cid, once, hub.settings.conversation_ttl_s)
    return {"conversation_id": cid, "duplicate": False, "seqs": seqs}
