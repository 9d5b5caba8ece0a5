"""Human handoffs from the hub's records (`hub_handoffs`): accept times and the customers' ratings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import DateTime, Engine, bindparam, inspect, text

from common.clock import as_utc

# Typed, so SQLite gets the same text form SQLAlchemy stored and PostgreSQL a timestamptz.
SINCE = bindparam("since", type_=DateTime(timezone=True))


@dataclass
class HandoffRow:
    conversation_id: str
    created_at: dt.datetime  # aware, UTC
    language: str
    reason: str
    accept_ms: float | None
    csat: int | None


def _aware(value: dt.datetime | str) -> dt.datetime:
    if isinstance(value, str):  # SQLite hands back text through a plain SELECT
        value = dt.datetime.fromisoformat(value)
    return as_utc(value)


def read_handoffs(engine: Engine, since: dt.datetime) -> list[HandoffRow]:
    if not inspect(engine).has_table("hub_handoffs"):
        return []
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT conversation_id, created_at, language, reason, accept_ms, csat "
                                 "FROM hub_handoffs WHERE created_at >= :since").bindparams(SINCE),
                            {"since": since.astimezone(dt.UTC)}).all()
    return [HandoffRow(r.conversation_id, _aware(r.created_at), r.language or "zh", r.reason,
                       r.accept_ms, r.csat) for r in rows]
