"""The callback worklist in the console (handoff/callbacks.py): every console user lists the callbacks (numbers
masked), claims one, sees the full number of the one they claimed (audited) and closes it done or failed.

The console session is the credential; the Origin checks (handoff/web_security.py) refuse a cross-site write
before it gets here."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from handoff import callback_requests, callbacks
from handoff.api.deps import HubDep, UserDep

router = APIRouter(prefix="/api/console/callbacks")
CallbackId = Annotated[str, Path(pattern=r"^cb-[0-9a-f]{20}$")]


class CloseIn(BaseModel):
    outcome: callbacks.Outcome
    note: str = Field(default="", max_length=2000)


@router.get("")
async def worklist(user: UserDep, hub: HubDep) -> dict[str, Any]:
    return {"callbacks": await hub.callbacks.worklist(user), "deadline_s": hub.settings.callback_deadline_s}


@router.post("/{callback_id}/claim")
async def claim(callback_id: CallbackId, user: UserDep, hub: HubDep) -> dict[str, Any]:
    return await callback_requests.claim(hub, callback_id, user)


@router.get("/{callback_id}/number")
async def number(callback_id: CallbackId, user: UserDep, hub: HubDep) -> dict[str, Any]:
    return await hub.callbacks.number(callback_id, user)


@router.post("/{callback_id}/close")
async def close(callback_id: CallbackId, body: CloseIn, user: UserDep, hub: HubDep) -> dict[str, Any]:
    return await callback_requests.close(hub, callback_id, user, body.outcome, body.note)
