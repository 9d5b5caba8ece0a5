"""Per-agent figures per day (handoff/agent_figures.py) on known records: handled, average handling
time, CSAT and accept time, grouped by the day of the accept; from a real database (SQLite file)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert
from sqlalchemy.orm import Session

from desk_db import engine as policy_db
from desk_db.tables.hub import HandoffRecord
from handoff import agent_figures
from handoff.records import make_engine

NOW = dt.datetime(2026, 12, 6, 15, 0, tzinfo=dt.UTC)


def record(n: int, agent: str | None, accepted_h: float | None, handle_s: float | None, accept_s: float,
           csat: int | None = None, days_ago: int = 0) -> dict:
    day = NOW - dt.timedelta(days=days_ago)
    created = day.replace(hour=9) + dt.timedelta(hours=n * 0.01)
    accepted = None if accepted_h is None else day.replace(hour=0) + dt.timedelta(hours=accepted_h)
    return {"request_id": f"r-{n}", "conversation_id": f"c-{n:08d}", "reason": "request", "language": "zh",
            "channel": "chat", "customer_id": None, "summary": [], "created_at": created,
            "accepted_at": accepted, "accept_ms": accept_s * 1000 if accepted else None, "agent": agent,
            "closed_at": accepted + dt.timedelta(seconds=handle_s) if accepted and handle_s is not None else None,
            "outcome": "closed" if handle_s is not None else None, "csat": csat}


KNOWN = [
    record(1, "agent1", 10.0, 300, 4, csat=5),
    record(2, "agent1", 11.0, 100, 8, csat=3),
    record(3, "agent1", 12.0, None, 6),  # still open: counts as handled, not in the handling time
    record(4, "agent2", 10.5, 600, 20, csat=4),
    record(5, "agent2", 9.0, 60, 2, days_ago=1),
    record(6, None, None, None, 0),  # never accepted: nobody's
    record(7, "agent1", 9.0, 60, 2, days_ago=9),  # outside a 7-day window
]


def test_figures_per_agent_and_day_from_the_database(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'hub.db'}")
    policy_db.ensure_schema(engine)
    with Session(engine) as session:
        session.execute(insert(HandoffRecord), KNOWN)
        session.commit()
        rows = agent_figures.read(session, days=7, now=NOW)
    engine.dispose()
    assert rows == [
        {"day": "2026-12-06", "agent": "agent1", "handled": 3, "ended": 2, "avg_handle_s": 200.0,
         "csat_avg": 4.0, "csat_count": 2, "accept_p50_s": 6.0},
        {"day": "2026-12-06", "agent": "agent2", "handled": 1, "ended": 1, "avg_handle_s": 600.0,
         "csat_avg": 4.0, "csat_count": 1, "accept_p50_s": 20.0},
        {"day": "2026-12-05", "agent": "agent2", "handled": 1, "ended": 1, "avg_handle_s": 60.0,
         "csat_avg": None, "csat_count": 0, "accept_p50_s": 2.0},
    ]


def test_no_records_no_rows():
    assert agent_figures.figures([]) == []
