"""Canned replies in the database (hub_canned_replies): read by every console user, kept by supervisors.

Each change runs as one job on the records' writer (handoff/records.py); a shortcode is unique per
language, checked in the job and by the table's constraint (two hub workers saving the same one at once).
A job answers a refusal as a value, not an exception: an exception would fail the writer's whole batch.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desk_db.tables.hub import CannedReply
from handoff.errors import HubError
from handoff.records import Records

MAX_REPLIES = 500  # far more than a team uses; keeps a runaway script from filling the table
TAKEN = HubError(409, "canned_shortcode_taken",
                 "此语言已有相同的快捷码。This language already has a reply with that shortcode.")
NOT_FOUND = HubError(404, "canned_not_found",
                     "没有这条常用回复（可能已被删除）。No such canned reply (it may have been deleted).")
FULL = HubError(409, "canned_limit", f"常用回复已达上限 {MAX_REPLIES} 条。There are already {MAX_REPLIES} canned replies.")
Refusal = HubError  # what a job returns instead of a reply


def as_dict(reply: CannedReply) -> dict[str, Any]:
    return {"id": reply.id, "language": reply.language, "shortcode": reply.shortcode, "text": reply.text,
            "updated_by": reply.updated_by, "updated_at": reply.updated_at.isoformat()}


def _taken(session: Session, language: str, shortcode: str, other_than: int | None = None) -> bool:
    query = select(CannedReply.id).where(CannedReply.language == language, CannedReply.shortcode == shortcode)
    if other_than is not None:
        query = query.where(CannedReply.id != other_than)
    return session.scalar(query) is not None


async def _run(records: Records, job: Callable[[Session], dict[str, Any] | Refusal]) -> dict[str, Any]:
    try:
        result = await records.now(job)
    except IntegrityError as exc:  # another worker saved the same shortcode between our check and our write
        raise HubError(TAKEN.status, TAKEN.code, TAKEN.message) from exc
    if isinstance(result, HubError):
        raise HubError(result.status, result.code, result.message)
    return result


async def list_replies(records: Records, language: str | None = None) -> list[dict[str, Any]]:
    def job(session: Session) -> list[dict[str, Any]]:
        query = select(CannedReply).order_by(CannedReply.language, CannedReply.id)  # in the order they were added
        if language:
            query = query.where(CannedReply.language == language)
        return [as_dict(r) for r in session.scalars(query)]
    return await records.now(job)


async def create(records: Records, username: str, language: str, shortcode: str, text: str) -> dict[str, Any]:
    def job(session: Session) -> dict[str, Any] | Refusal:
        if (session.scalar(select(func.count(CannedReply.id))) or 0) >= MAX_REPLIES:
            return FULL
        if _taken(session, language, shortcode):
            return TAKEN
        reply = CannedReply(language=language, shortcode=shortcode, text=text, updated_by=username)
        session.add(reply)
        session.flush()
        return as_dict(reply)
    return await _run(records, job)


async def update(records: Records, reply_id: int, username: str, language: str, shortcode: str,
                 text: str) -> dict[str, Any]:
    def job(session: Session) -> dict[str, Any] | Refusal:
        reply = session.get(CannedReply, reply_id)
        if reply is None:
            return NOT_FOUND
        if _taken(session, language, shortcode, other_than=reply_id):
            return TAKEN
        reply.language, reply.shortcode, reply.text, reply.updated_by = language, shortcode, text, username
        session.flush()
        return as_dict(reply)
    return await _run(records, job)


async def delete(records: Records, reply_id: int) -> dict[str, Any]:
    def job(session: Session) -> dict[str, Any] | Refusal:
        reply = session.get(CannedReply, reply_id)
        if reply is None:
            return NOT_FOUND
        gone = as_dict(reply)
        session.delete(reply)
        return gone
    return await _run(records, job)
