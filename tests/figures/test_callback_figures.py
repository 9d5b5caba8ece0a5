"""Callbacks made within their deadline, counted from `hub_callbacks` on PostgreSQL and SQLite: a callback counts
once it is closed or its deadline has passed; only one the agent closed as done by `due_at` is "made"."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine

from desk_db.engine import make_engine
from desk_db.tables.hub import Callback, HubBase
from service_figures.report import compute
from service_figures.text import render
from tests.deploy.test_migrations import database  # SQLite or a fresh PostgreSQL database

NOW = dt.datetime(2026, 11, 27, 6, 0, tzinfo=dt.UTC)  # 14:00 in Shanghai
DEADLINE = dt.timedelta(minutes=30)


def _callback(n: int, created_ago: dt.timedelta, closed_after: dt.timedelta | None, outcome: str | None,
              language: str = "zh") -> dict:
    created = NOW - created_ago
    return {"callback_id": f"cb-{n:020x}", "conversation_id": f"c{n}", "request_id": f"r{n}", "channel": "chat",
            "language": language, "reason": "request", "customer_id": None, "phone_masked": "138****8000",
            "phone_source": "verified", "created_at": created, "due_at": created + DEADLINE,
            "claimed_by": "agent1" if outcome else None, "claimed_at": created if outcome else None,
            "closed_at": created + closed_after if closed_after is not None else None, "outcome": outcome}


def _fill(engine: Engine) -> None:
    HubBase.metadata.create_all(engine)
    rows = [_callback(n, dt.timedelta(hours=2, minutes=n), dt.timedelta(minutes=5 + n), "done",
                      "en" if n == 0 else "zh") for n in range(7)]  # 7 made in time
    rows += [_callback(7, dt.timedelta(hours=3), dt.timedelta(minutes=45), "done"),  # made, but late
             _callback(8, dt.timedelta(hours=3), dt.timedelta(minutes=10), "failed"),  # tried in time, not reached
             _callback(9, dt.timedelta(hours=1), None, None),  # open past its deadline: it can no longer make it
             _callback(10, dt.timedelta(minutes=10), None, None),  # open, 20 minutes left: not counted yet
             _callback(11, dt.timedelta(days=3), dt.timedelta(minutes=5), "done")]  # outside the 2 days
    with engine.begin() as conn:
        conn.execute(Callback.__table__.insert(), rows)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_callbacks_made_within_the_deadline(backend: str, tmp_path: Path) -> None:
    with database(backend, tmp_path) as url:
        engine = make_engine(url)
        try:
            _fill(engine)
            events = make_engine(f"sqlite:///{tmp_path / 'events.db'}")
            figures = compute(events, engine, days=2, timezone="Asia/Shanghai", now=NOW)
            events.dispose()
        finally:
            engine.dispose()
    total = figures["total"]
    assert (total["callbacks"], total["callbacks_decided"], total["callbacks_within_deadline"]) == (11, 10, 7)
    assert total["callbacks_within_deadline_share"] == 0.7
    assert (total["callbacks_failed"], total["callbacks_open"]) == (1, 2)
    assert figures["by_language"]["en"]["callbacks_within_deadline"] == 1
    assert "made within the deadline 7/10" in render(figures)
