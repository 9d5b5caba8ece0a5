"""Wrap-up: the label (disposition) and one-line summary an agent gives a conversation when closing it,
stored on its handoff record and shown in the customer's history and the supervisor's figures.

The labels are configuration (HANDOFF_WRAPUP_LABELS, `code=中文|English` each): the code is what is
stored, so a label renamed later still counts with its old conversations."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from desk_db.tables.hub import HandoffRecord
from handoff import agent_conversations
from handoff.errors import HubError
from handoff.records import Records, _pct
from handoff.service import Hub, User
from handoff.settings import Settings
from privacy.numbers import mask_text

CODE = re.compile(r"[A-Za-z0-9_]{1,32}")


@dataclass(frozen=True)
class Label:
    code: str
    zh: str
    en: str


class WrapUpIn(BaseModel):
    label: str = Field(min_length=1, max_length=32)
    summary: str = Field(default="", max_length=200)


def labels(settings: Settings) -> list[Label]:
    out = []
    for item in settings.wrapup_labels:
        code, _, names = item.partition("=")
        zh, _, en = names.partition("|")
        if CODE.fullmatch(code.strip()) and zh.strip():
            out.append(Label(code.strip(), zh.strip(), (en or zh).strip()))
    return out


def checked(settings: Settings, body: WrapUpIn) -> tuple[str, str]:
    """The label code and the summary as stored: one line, personal numbers masked."""
    if body.label not in {label.code for label in labels(settings)}:
        raise HubError(422, "unknown_label", "请选择列表中的结案标签。Pick one of the wrap-up labels offered.")
    return body.label, mask_text(" ".join(body.summary.split()))


async def close(hub: Hub, cid: str, user: User, body: WrapUpIn | None) -> None:
    """Close the conversation (the customer is asked for a rating) and keep the wrap-up on its record."""
    wrap = checked(hub.settings, body) if body is not None else None
    rid = (await hub.state.conversation(cid)).get("request_id")
    await agent_conversations.release(hub, cid, user, "closed")  # refuses anyone but the owner (or a supervisor)
    if wrap and rid:
        hub.records.update_request(rid, label=wrap[0], wrapup=wrap[1])


async def figures(records: Records) -> dict[str, Any]:
    """Today's transfers (how many, where to, how long the queue transfers waited) and wrap-up labels."""
    def job(session: Session) -> dict[str, Any]:
        start = dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        rows = session.execute(select(HandoffRecord.transferred_from, HandoffRecord.first_offered_at,
                                      HandoffRecord.accept_ms, HandoffRecord.label, HandoffRecord.outcome)
                               .where(HandoffRecord.created_at >= start)).all()
        transfers = [r for r in rows if r.transferred_from]
        # A transfer to a named agent is accepted as it starts (accept_ms 0): the wait is the queue's.
        waits = sorted(r.accept_ms for r in transfers if r.accept_ms)
        return {"transfers": len(transfers), "transfer_wait_p50_s": _pct(waits, 0.5),
                "transfer_wait_p95_s": _pct(waits, 0.95), "transfer_waits": len(waits),
                "labels": dict(Counter(r.label for r in rows if r.label)),
                "closed_without_label": sum(1 for r in rows if r.outcome == "closed" and not r.label)}
    return await records.now(job)
