"""External events into a conversation (reminders), delivered by handoff/external_events.py.

Only our services send them (HANDOFF_API_KEY), and only into an app conversation, the one kind whose
customer the hub knows (its app token); the reminder action then checks that the event's reminder
belongs to that customer (actions/reminders.py)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from handoff import external_events
from handoff.api.deps import HubDep, channel_key, check_cid
from handoff.app_customers import is_app_conversation
from handoff.errors import HubError

router = APIRouter(dependencies=[Depends(channel_key)])


class ExternalIn(BaseModel):
    intent: str = Field(pattern=r"^EXTERNAL_[A-Za-z_]{1,50}$")
    entities: dict[str, Annotated[str, Field(max_length=100)]] = Field(default_factory=dict, max_length=10)
    # The same key twice delivers once (the scheduler retries after a crash with the same key).
    idempotency_key: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_.:-]{1,64}$")


@router.post("/api/conversations/{cid}/external")
async def external_event(cid: str, body: ExternalIn, hub: HubDep) -> dict[str, Any]:
    if not is_app_conversation(check_cid(cid)):
        raise HubError(403, "not_app_conversation", "External events go only into a customer's app conversation.")
    return await external_events.deliver(hub, cid, body.intent, body.entities, body.idempotency_key)
