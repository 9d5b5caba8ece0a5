"""Callbacks the desk promised, from the hub's `hub_callbacks`: how many were made by their deadline (30 minutes
unless HANDOFF_CALLBACK_DEADLINE_S says otherwise; each row carries its own `due_at`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, inspect, text

from service_figures.handoffs import SINCE, _aware


@dataclass
class CallbackRow:
    created_at: dt.datetime  # aware, UTC
    due_at: dt.datetime
    language: str
    closed_at: dt.datetime | None
    outcome: str | None  # done | failed | None (open)

    @property
    def in_time(self) -> bool:
        """Made: the agent reached the customer (done) by the deadline. A failed attempt is not counted as made."""
        return self.outcome == "done" and self.closed_at is not None and self.closed_at <= self.due_at

    def decided(self, now: dt.datetime) -> bool:
        """Closed, or past its deadline (it can no longer be made in time)."""
        return self.closed_at is not None or now > self.due_at


def read_callbacks(engine: Engine, since: dt.datetime) -> list[CallbackRow]:
    if not inspect(engine).has_table("hub_callbacks"):
        return []
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT created_at, due_at, language, closed_at, outcome FROM hub_callbacks "
                                 "WHERE created_at >= :since").bindparams(SINCE),
                            {"since": since.astimezone(dt.UTC)}).all()
    return [CallbackRow(_aware(r.created_at), _aware(r.due_at), r.language or "zh",
                        _aware(r.closed_at) if r.closed_at is not None else None, r.outcome) for r in rows]
