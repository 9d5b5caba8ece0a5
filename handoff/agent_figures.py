"""Per-agent figures per day, for supervisors: conversations handled, average handling time, CSAT,
and accept time, from the hub's handoff records (hub_handoffs).

- handled: requests the agent took (accepted, or took over) that day (UTC, by the accept time);
- average handling time: accept -> close (closed or handed back) of those that ended;
- CSAT: the average of the customers' 1-5 ratings of them, and how many rated;
- accept time: median customer wait until the agent took it (created -> accepted, as the service
  figures count it); transfers and take-overs keep the first accept time.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.clock import as_utc
from desk_db.tables.hub import HandoffRecord


@dataclass(frozen=True)
class Handled:
    """One handoff record, as far as the per-agent figures need it."""

    agent: str
    accepted_at: dt.datetime
    closed_at: dt.datetime | None
    accept_ms: float | None
    csat: int | None


def figures(rows: Iterable[Handled]) -> list[dict[str, Any]]:
    """One row per agent and day (newest day first, then by agent). Pure."""
    groups: dict[tuple[str, str], list[Handled]] = {}
    for row in rows:
        groups.setdefault((as_utc(row.accepted_at).date().isoformat(), row.agent), []).append(row)
    out = []
    for (day, agent), items in sorted(groups.items()):
        handle_s = [(as_utc(r.closed_at) - as_utc(r.accepted_at)).total_seconds() for r in items if r.closed_at]
        scores = [r.csat for r in items if r.csat is not None]
        accepts = [r.accept_ms / 1000 for r in items if r.accept_ms is not None]
        out.append({"day": day, "agent": agent, "handled": len(items), "ended": len(handle_s),
                    "avg_handle_s": round(statistics.fmean(handle_s), 1) if handle_s else None,
                    "csat_avg": round(statistics.fmean(scores), 2) if scores else None, "csat_count": len(scores),
                    "accept_p50_s": round(statistics.median(accepts), 1) if accepts else None})
    out.sort(key=lambda r: r["day"], reverse=True)  # stable: agents stay in order within a day
    return out


def read(session: Session, days: int, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """The figures of the last `days` days (today included), from the database."""
    now = now or dt.datetime.now(dt.UTC)
    start = now.replace(hour=0, minute=0, second=0, microsecond=0) - dt.timedelta(days=days - 1)
    rows = session.execute(select(HandoffRecord.agent, HandoffRecord.accepted_at, HandoffRecord.closed_at,
                                  HandoffRecord.accept_ms, HandoffRecord.csat)
                           .where(HandoffRecord.accepted_at >= start, HandoffRecord.agent.is_not(None))).all()
    return figures(Handled(r.agent, r.accepted_at, r.closed_at, r.accept_ms, r.csat) for r in rows)


