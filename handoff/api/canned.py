"""Canned replies: every console user reads them; supervisors create, edit and delete them (audited).

The console's Origin checks (handoff/web_security.py) refuse a cross-site write before it gets here."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field, field_validator

from handoff import audit, canned
from handoff.api.deps import HubDep, SupervisorDep, UserDep

router = APIRouter(prefix="/api/console/canned")
Language = Literal["zh", "en"]
ReplyId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class CannedIn(BaseModel):
    language: Language
    # Typed after "/" in the reply box: lower-case letters, digits, - and _ (pinyin for Chinese replies).
    shortcode: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,31}$")
    text: str = Field(min_length=1, max_length=2000)

    @field_validator("text")
    @classmethod
    def not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the reply is empty")
        return value.strip()


@router.get("")
async def list_replies(user: UserDep, hub: HubDep,
                       language: Annotated[Language | None, Query()] = None) -> list[dict[str, Any]]:
    return await canned.list_replies(hub.records, language)


@router.post("", status_code=201)
async def create(body: CannedIn, user: SupervisorDep, hub: HubDep) -> dict[str, Any]:
    await audit.record(hub.records, user, audit.CANNED_CREATE, None, subject=f"{body.language}/{body.shortcode}")
    return await canned.create(hub.records, user.username, body.language, body.shortcode, body.text)


@router.put("/{reply_id}")
async def update(reply_id: ReplyId, body: CannedIn, user: SupervisorDep, hub: HubDep) -> dict[str, Any]:
    await audit.record(hub.records, user, audit.CANNED_UPDATE, None,
                       subject=f"#{reply_id} {body.language}/{body.shortcode}")
    return await canned.update(hub.records, reply_id, user.username, body.language, body.shortcode, body.text)


@router.delete("/{reply_id}")
async def delete(reply_id: ReplyId, user: SupervisorDep, hub: HubDep) -> dict[str, Any]:
    await audit.record(hub.records, user, audit.CANNED_DELETE, None, subject=f"#{reply_id}")
    return await canned.delete(hub.records, reply_id)
