"""The figures read the hub's records and the reminders from PostgreSQL as from SQLite: times compare
right whatever the column's kind (the hub's are timestamptz, the reminders' naive UTC)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import create_engine, text

from desk_db.engine import make_engine, normalize_url
from desk_db.tables.hub import HandoffRecord, HubBase
from devstack import services
from service_figures.report import compute

REMINDERS = """CREATE TABLE reminders (id SERIAL PRIMARY KEY, customer_id VARCHAR(16), kind VARCHAR(8), ref VARCHAR(40),
  step INTEGER, language VARCHAR(2), created_at TIMESTAMP, sent_at TIMESTAMP, acted_on_at TIMESTAMP)"""


@pytest.fixture
def pg_url():
    with services.postgres_database("figures_test") as url:
        yield url


def test_handoffs_and_reminders_on_postgresql(pg_url, tmp_path):
    now = dt.datetime(2026, 11, 27, 20, 0, tzinfo=dt.UTC)  # 04:00 on the 28th in Shanghai
    engine = make_engine(pg_url)
    HubBase.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(text(REMINDERS))
        for n, (created, accept_ms, csat) in enumerate([(now - dt.timedelta(hours=1), 4000.0, 5),
                                                        (now - dt.timedelta(hours=5), 45000.0, 2),  # 23:00 on the 27th local
                                                        (now - dt.timedelta(days=3), 1000.0, 5)]):  # outside
            conn.execute(HandoffRecord.__table__.insert().values(
                request_id=f"r{n}", conversation_id=f"c{n}", reason="request", language="zh", channel="chat",
                created_at=created, accept_ms=accept_ms, csat=csat, summary=[]))
        naive = now.replace(tzinfo=None)
        for sent, acted in [(naive - dt.timedelta(hours=1), naive), (naive - dt.timedelta(days=5), None)]:
            conn.execute(text("INSERT INTO reminders (customer_id, kind, ref, step, language, created_at, sent_at, "
                              "acted_on_at) VALUES ('C0001', 'premium', '1', 15, 'zh', :s, :s, :a)"),
                         {"s": sent, "a": acted})
    engine.dispose()
    # A server session in another zone must not shift anything.
    elsewhere = create_engine(normalize_url(pg_url), connect_args={"options": "-c TimeZone=America/Los_Angeles"})
    events = make_engine(f"sqlite:///{tmp_path / 'events.db'}")
    figures = compute(events, elsewhere, days=2, timezone="Asia/Shanghai", now=now)
    elsewhere.dispose()
    total = figures["total"]
    assert (total["human_requests"], total["accepted"], total["csat_human_answers"], total["csat_human_4_5"]) == (2, 2, 2, 1)
    assert total["accepted_within_30s_share"] == 0.5 and total["accept_p95_s"] == 45.0
    assert (total["reminders_sent"], total["reminders_acted_on"]) == (1, 1)
    assert [row["day"] for row in figures["by_day"]] == ["2026-11-28", "2026-11-27"]
    assert figures["targets"]["accept_p95_s"]["met"] is False
