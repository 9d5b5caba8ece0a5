"""HTTP API for channels: handoffs from the action server, status, and messages/events for channels
that are not the chat page (the voice gateway). See docs/handoff_api.md.

Only our own services call it, with HANDOFF_API_KEY (a required secret). Even they cannot open an
`app-<customer>` conversation here: those belong to the customer's app token (api/chat.py)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field

from handoff import conversation_feed, customer_choices, queue_requests
from handoff.api.deps import CID_PATTERN, HubDep, channel_key, check_cid
from handoff.app_customers import is_app_conversation
from handoff.errors import HubError


def check_channel_cid(cid: str) -> str:
    """A conversation the channel API may read or write: not an app customer's (their token opens it)."""
    if is_app_conversation(check_cid(cid)):
        raise HubError(403, "app_conversation", "App conversations open only with the customer's app token "
                                                "(the chat WebSocket), not through the channel API.")
    return cid


router = APIRouter(dependencies=[Depends(channel_key)])


class SummaryLine(BaseModel):
    speaker: Literal["customer", "bot", "agent", "system"]
    text: str = Field(max_length=2000)


class ClauseExcerpt(BaseModel):
    id: str = Field(max_length=120)
    title: str = Field(max_length=200)
    excerpt: str = Field(max_length=1000)


class HandoffIn(BaseModel):
    conversation_id: str = Field(pattern=CID_PATTERN)
    reason: str = Field(default="request", pattern=r"^[a-z_]{1,32}$")
    language: Literal["zh", "en"] = "zh"
    channel: Literal["chat", "voice"] = "chat"
    # A claim, kept as `claimed_customer_id`: the request's customer is what the conversation proved
    # (customer_identity.verified_customer), never this field.
    customer_id: str | None = Field(default=None, max_length=32)
    summary: list[SummaryLine] = Field(default_factory=list, max_length=50)
    # A clause question's closest clause sections, from the knowledge search (actions/knowledge.py).
    clause_excerpts: list[ClauseExcerpt] = Field(default_factory=list, max_length=5)


class MessageIn(BaseModel):
    text: str = Field(min_length=1)
    sender: Literal["customer"] = "customer"
    client_msg_id: str | None = Field(default=None, max_length=64)


@router.post("/api/handoffs", status_code=201)
async def create_handoff(body: HandoffIn, hub: HubDep, response: Response) -> dict[str, Any]:
    created, answer = await queue_requests.handoff(hub, body.model_dump())
    if not created:
        response.status_code = 200
    return answer


@router.get("/api/conversations/{cid}/status")
async def conversation_status(cid: str, hub: HubDep) -> dict[str, Any]:
    return await hub.status(check_channel_cid(cid))


@router.post("/api/conversations/{cid}/messages", status_code=202)
async def channel_message(cid: str, body: MessageIn, hub: HubDep) -> dict[str, Any]:
    check_channel_cid(cid)
    text = body.text.strip()
    if not text:
        raise HubError(422, "empty_message", "The message is empty.")
    if len(text) > hub.settings.max_text_chars:
        raise HubError(413, "message_too_long", f"Messages are at most {hub.settings.max_text_chars} characters.")
    await conversation_feed.open_conversation(hub, cid, "voice")
    result = await hub.customer_message(cid, text, body.client_msg_id)
    return {"seq": result.seq, "owner": result.owner, "duplicate": result.status == "dup"}


class ChoiceIn(BaseModel):
    choice: Literal["callback", "message", "wait"]
    # The carrier's caller id of a call on hold (the voice gateway's, from the carrier's start message).
    caller_number: str | None = Field(default=None, max_length=32)


@router.post("/api/conversations/{cid}/choice")
async def channel_choice(cid: str, body: ChoiceIn, hub: HubDep) -> dict[str, Any]:
    """A caller on hold chose on the keypad what a chat customer chooses with the escalation buttons."""
    await customer_choices.customer_choice(hub, check_channel_cid(cid), body.choice, body.caller_number)
    return await hub.status(cid)


@router.get("/api/conversations/{cid}/events")
async def channel_events(cid: str, hub: HubDep, after: Annotated[int, Query(ge=0)] = 0,
                         wait: Annotated[float, Query(ge=0, le=30)] = 25) -> dict[str, Any]:
    entries = await conversation_feed.wait_for_entries(hub, check_channel_cid(cid), after, wait)
    last_seq = entries[-1]["seq"] if entries else after
    return {"events": [e for e in entries if not e.get("suppressed")], "last_seq": last_seq,
            "status": await hub.status(cid)}
