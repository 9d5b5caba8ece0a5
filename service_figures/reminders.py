"""Reminders sent and acted on, from the `reminders` table (none until outreach has made it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import DateTime, Engine, bindparam, inspect, text

from service_figures.handoffs import _aware

# The reminders' times are naive UTC in the database (desk_db.tables.policy.UTCDateTime).
SINCE_NAIVE_UTC = bindparam("since", type_=DateTime())


@dataclass
class ReminderRow:
    sent_at: dt.datetime
    language: str
    kind: str
    acted_on: bool


def read_reminders(engine: Engine, since: dt.datetime) -> list[ReminderRow]:
    if not inspect(engine).has_table("reminders"):
        return []
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT sent_at, language, kind, acted_on_at FROM reminders "
                                 "WHERE sent_at IS NOT NULL AND sent_at >= :since").bindparams(SINCE_NAIVE_UTC),
                            {"since": since.astimezone(dt.UTC).replace(tzinfo=None)}).all()
    return [ReminderRow(_aware(r.sent_at), r.language or "zh", r.kind, r.acted_on_at is not None) for r in rows]
