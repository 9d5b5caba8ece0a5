"""Whisper routes of the console: a supervisor sends one, the conversation's agent (or a supervisor)
reads them. Cross-site posts are refused by handoff/web_security.py like every console change."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from handoff import whisper
from handoff.api.deps import HubDep, check_cid
from handoff.auth import current_user, supervisor
from handoff.errors import HubError
from handoff.service import User

router = APIRouter()


class WhisperIn(BaseModel):
    text: str = Field(min_length=1, max_length=1000)


@router.post("/api/console/conversations/{cid}/whispers")
async def send(cid: str, body: WhisperIn, user: Annotated[User, Depends(supervisor)], hub: HubDep) -> dict[str, Any]:
    text = body.text.strip()
    if not text:
        raise HubError(422, "empty_whisper", "The whisper is empty.")
    return await whisper.whisper(hub, check_cid(cid), user, text)


@router.get("/api/console/conversations/{cid}/whispers")
async def read(cid: str, user: Annotated[User, Depends(current_user)], hub: HubDep) -> list[dict[str, Any]]:
    return await whisper.whispers(hub, check_cid(cid), user)
