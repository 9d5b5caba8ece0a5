"""Call transcripts of given conversations (a call's id is its Rasa conversation id), for the hub's
export and erasure, and the calls older than the retention period. Calls and their turns are deleted
outright: a turn is the caller's words, and the call record holds their (masked) number."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Engine, delete, func, select

from desk_db.tables.voice import calls, turns


def export(engine: Engine, call_ids: Iterable[str]) -> list[dict[str, Any]]:
    ids = sorted(set(call_ids))
    with engine.connect() as conn:
        rows = conn.execute(select(calls).where(calls.c.call_id.in_(ids)).order_by(calls.c.started_at)).mappings()
        out = [_plain(dict(row)) for row in rows]
        for call in out:
            call["turns"] = [_plain({k: v for k, v in t.items() if k not in ("id", "call_id")}) for t in conn.execute(
                select(turns).where(turns.c.call_id == call["call_id"]).order_by(turns.c.seq)).mappings()]
    return out


def erase(engine: Engine, call_ids: Iterable[str]) -> dict[str, int]:
    ids = sorted(set(call_ids))
    with engine.begin() as conn:
        removed_turns = conn.execute(delete(turns).where(turns.c.call_id.in_(ids))).rowcount or 0
        removed_calls = conn.execute(delete(calls).where(calls.c.call_id.in_(ids))).rowcount or 0
    return {"calls": removed_calls, "turns": removed_turns}


def expire(engine: Engine, cutoff: dt.datetime, dry_run: bool = False) -> dict[str, int]:
    """Calls that started before the cutoff, with their turns."""
    old = select(calls.c.call_id).where(calls.c.started_at < cutoff)
    if dry_run:
        with engine.connect() as conn:
            return {"calls": conn.scalar(select(func.count()).select_from(old.subquery())) or 0,
                    "turns": conn.scalar(select(func.count()).select_from(turns)
                                         .where(turns.c.call_id.in_(old))) or 0}
    with engine.begin() as conn:
        removed_turns = conn.execute(delete(turns).where(turns.c.call_id.in_(old))).rowcount or 0
        removed_calls = conn.execute(delete(calls).where(calls.c.started_at < cutoff)).rowcount or 0
    return {"calls": removed_calls, "turns": removed_turns}


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, dt.datetime) else v) for k, v in row.items()}
