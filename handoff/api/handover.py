"""The console's hand-over actions besides hand back: transfer to a colleague or the queue, and the wrap-up
labels offered at close (the close itself is api/console.py's, which takes the wrap-up)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field, model_validator

from handoff import transfer, wrapup
from handoff.api.deps import HubDep, UserDep, check_cid
from handoff.auth import supervisor
from handoff.service import User

router = APIRouter()
# What a queue transfer may ask for besides a language: the topics agents are given (handoff/users.py).
Skill = Literal["general", "claims", "complaints", "clauses", "identity"]


class TransferIn(BaseModel):
    to_agent: str | None = Field(default=None, min_length=1, max_length=64)
    to_queue: bool = False
    language: Literal["zh", "en"] | None = None
    skill: Skill | None = None
    note: str = Field(default="", max_length=500)

    @model_validator(mode="after")
    def one_target(self) -> TransferIn:
        if bool(self.to_agent) == self.to_queue:
            raise ValueError("give either to_agent or to_queue: true")
        return self


@router.get("/api/console/transfer/agents")
async def transfer_agents(user: UserDep, hub: HubDep) -> list[dict[str, Any]]:
    return await transfer.available_agents(hub, user)


@router.post("/api/console/conversations/{cid}/transfer")
async def transfer_conversation(cid: str, body: TransferIn, user: UserDep, hub: HubDep) -> dict[str, Any]:
    return await transfer.transfer(hub, check_cid(cid), user, body.note, target=body.to_agent,
                                   language=body.language, skill=body.skill)


@router.get("/api/console/wrapup/labels")
async def wrapup_labels(user: UserDep, hub: HubDep) -> list[dict[str, str]]:
    return [label.__dict__ for label in wrapup.labels(hub.settings)]


@router.get("/api/console/wrapup/figures")
async def wrapup_figures(user: Annotated[User, Depends(supervisor)], hub: HubDep) -> dict[str, Any]:
    return await wrapup.figures(hub.records)
