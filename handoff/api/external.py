"""External events into a conversation (reminders): the hub triggers the intent in Rasa
and appends the bot's messages to the conversation's log, so the chat page shows them live, or on
the next open when the customer is offline (the log is replayed on connect).

Only our services send them (HANDOFF_API_KEY), and only into an app conversation, the one kind whose
customer the hub knows (its app token); the reminder action then checks that the event's reminder
belongs to that customer (actions/reminders.py)."""

from __future__ import annotations

import logging
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from handoff.api.deps import HubDep, channel_key, check_cid
from handoff.app_customers import is_app_conversation
from handoff.errors import HubError

log = logging.getLogger("handoff")
router = APIRouter(dependencies=[Depends(channel_key)])
IN_PROGRESS_TTL_S = 90


class ExternalIn(BaseModel):
    intent: str = Field(pattern=r"^EXTERNAL_[A-Za-z_]{1,50}$")
    entities: dict[str, Annotated[str, Field(max_length=100)]] = Field(default_factory=dict, max_length=10)
    # The same key twice delivers once (the scheduler retries after a crash with the same key).
    idempotency_key: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_.:-]{1,64}$")


async def _trigger(hub: Any, cid: str, body: ExternalIn) -> list[dict[str, Any]]:
    try:
        response = await hub.rasa.client.post(f"{hub.rasa.base_url}/conversations/{cid}/trigger_intent",
                                              params={"include_events": "NONE"},
                                              json={"name": body.intent, "entities": body.entities})
        response.raise_for_status()
        return response.json().get("messages") or []
    except (httpx.HTTPError, ValueError) as exc:
        log.warning("rasa trigger_intent for %s failed: %r", cid, exc)
        raise HubError(503, "bot_unavailable", "The assistant is unavailable; try again later.") from exc


@router.post("/api/conversations/{cid}/external")
async def external_event(cid: str, body: ExternalIn, hub: HubDep) -> dict[str, Any]:
    if not is_app_conversation(check_cid(cid)):
        raise HubError(403, "not_app_conversation", "External events go only into a customer's app conversation.")
    once = body.idempotency_key
    if once and not await hub.marks.start_external(cid, once, IN_PROGRESS_TTL_S):
        if await hub.marks.external_delivered(cid, once):
            return {"conversation_id": cid, "duplicate": True, "seqs": []}
        raise HubError(409, "in_progress", "This event is being delivered; try again later.")
    try:
        await hub.state.ensure_conversation(cid, "chat")
        conv = await hub.state.conversation(cid)
        if conv.get("owner") != "bot":  # a person is talking to the customer: not now
            raise HubError(409, "with_agent", "An agent has this conversation; try again later.")
        messages = await _trigger(hub, cid, body)
        if not messages:  # the action failed (e.g. the policy API was down): let the sender retry
            raise HubError(502, "bot_no_reply", "The assistant did not answer the event; try again later.")
        seqs = []
        for message in messages:
            entry: dict[str, Any] = {"sender": "bot", "text": message.get("text") or "", "external": body.intent}
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
