"""The retention command (`python -m retention`, a real process) on databases holding
conversation data from 200 days ago and from today: it deletes the old data from every store and
only that, counts the same in a dry run without deleting, and finds nothing more on a second run. Claim
materials go by the Insurance Law's keeping period instead (five or ten years after the policy ends)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from claims.material_store import MaterialStore
from desk_db.engine import make_engine
from desk_db.tables import voice as voice_tables
from desk_db.tables.hub import Callback, HandoffRecord, HubBase, Note, TranscriptLine
from desk_db.tables.policy import Claim, ClaimMaterial, Policy
from desk_db.tables.reminders import OptOut, Reminder, ReminderDelivery, SmsOutbox
from devstack import services
from privacy import rasa_events

NOW = dt.datetime.now(dt.UTC)
OLD = NOW - dt.timedelta(days=200)


def _events(url: str) -> None:
    engine = make_engine(url)
    rasa_events.metadata.create_all(engine)
    rows = [("old-conv", OLD, "user", "我的旧问题"), ("old-conv", OLD, "bot", "旧回答"),
            ("mixed-conv", OLD, "user", "半年前"), ("mixed-conv", NOW, "user", "今天"),
            ("new-conv", NOW, "user", "新问题")]
    with engine.begin() as conn:
        conn.execute(rasa_events.events.insert(), [
            {"sender_id": sender, "data": json.dumps({"event": kind, "timestamp": at.timestamp(), "text": text},
                                                     ensure_ascii=False)} for sender, at, kind, text in rows])
    engine.dispose()


def _records(url: str) -> None:
    """The hub's, the voice gateway's and the reminder tables, one old and one new row each."""
    engine = make_engine(url)
    HubBase.metadata.create_all(engine)
    voice_tables.metadata.create_all(engine)
    with Session(engine) as session:
        for tag, at in (("old", OLD), ("new", NOW)):
            session.add(HandoffRecord(request_id=f"r-{tag}", conversation_id=f"{tag}-conv", reason="request",
                                      language="zh", channel="chat", customer_id="C0001",
                                      summary=[{"speaker": "customer", "text": "转人工"}], created_at=at, csat=5))
            session.add(TranscriptLine(conversation_id=f"{tag}-conv", seq=1, sender="customer", text="你好", at=at))
            session.add(Note(request_id=f"r-{tag}", conversation_id=f"{tag}-conv", author="agent1", text="回电",
                             at=at))
            session.add(Callback(callback_id=f"cb-{tag}", conversation_id=f"{tag}-conv", channel="chat",
                                 language="zh", reason="request", customer_id="C0001", phone_masked="138****8000",
                                 phone_source="verified", created_at=at, due_at=at, closed_at=at, outcome="done",
                                 note="已回电"))
            reminder = Reminder(customer_id="C0001", kind="premium", ref=f"{tag}-1", step=7,
                                policy_number="HL20240001", due_date=at.date(), amount=Decimal("100.00"),
                                language="zh", created_at=at)
            reminder.deliveries = [ReminderDelivery(channel="sms", status="sent", created_at=at, updated_at=at)]
            session.add(reminder)
            session.flush()
            session.add(SmsOutbox(idempotency_key=f"reminder-{reminder.id}-sms", phone="13800138000",
                                  text="保费提醒", created_at=at))
        session.add(OptOut(customer_id="C0001", channels="sms", source="sms", detail="138****8000", created_at=OLD))
        session.commit()
    with engine.begin() as conn:
        for tag, at in (("old", OLD), ("new", NOW)):
            conn.execute(voice_tables.calls.insert().values(call_id=f"voice-{tag}", started_at=at))
            conn.execute(voice_tables.turns.insert(), [
                {"call_id": f"voice-{tag}", "seq": n, "speaker": "caller", "source": "speech", "text": "喂", "at": at}
                for n in (1, 2)])
    engine.dispose()


def _retention(env: dict[str, str], *args: str) -> dict[str, Any]:
    result = subprocess.run([services.APP_PYTHON, "-m", "retention", "--json", *args], cwd=services.ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["counts"]


def _rows(url: str) -> dict[str, int]:
    engine = make_engine(url)
    with Session(engine) as session:
        counts = {model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
                  for model in (TranscriptLine, Note, Reminder, ReminderDelivery, SmsOutbox, OptOut)}
        counts["handoffs_named"] = session.scalar(select(func.count()).select_from(HandoffRecord)
                                                  .where(HandoffRecord.customer_id.is_not(None))) or 0
        counts["voice_turns"] = session.scalar(select(func.count()).select_from(voice_tables.turns)) or 0
        counts["callbacks_named"] = session.scalar(select(func.count()).select_from(Callback)
                                                   .where(Callback.customer_id.is_not(None))) or 0
    engine.dispose()
    return counts


def _event_senders(url: str) -> list[str]:
    engine = make_engine(url)
    with engine.connect() as conn:
        senders = sorted(conn.execute(select(rasa_events.events.c.sender_id)).scalars())
    engine.dispose()
    return senders


@pytest.fixture(params=["sqlite", "postgresql"])
def databases(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(the project's database, Rasa's event broker): two SQLite files as in `make run`, or one
    PostgreSQL database for both as in docker-compose."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'policy.db'}", f"sqlite:///{tmp_path / 'events.db'}"
    else:
        with services.postgres_database("retention_test") as url:
            yield url, url


def test_retention_deletes_only_what_is_older_than_the_period(databases: tuple[str, str]) -> None:
    database_url, events_url = databases
    services.seed(database_url)
    _records(database_url)
    _events(events_url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("RASA_")}
    env.update({"DATABASE_URL": database_url, "RASA_EVENTS_URL": events_url, "RETENTION_DAYS": "180"})
    before, senders = _rows(database_url), _event_senders(events_url)

    expected = {"rasa_events": {"events": 3},
                "hub": {"transcript_lines": 1, "notes": 1, "handoffs_anonymised": 1, "callbacks_anonymised": 1},
                "voice": {"calls": 1, "turns": 2}, "reminders": {"reminders": 1, "deliveries": 1, "sms": 1}}
    dry = _retention(env, "--dry-run")
    assert {k: dry[k] for k in expected} == expected
    assert dry["rasa_tracker"] == {"conversations": 1}  # old-conv has nothing left after the period
    assert _rows(database_url) == before and _event_senders(events_url) == senders  # nothing deleted

    done = _retention(env)
    assert {k: done[k] for k in expected} == expected
    assert "skipped" in done["rasa_tracker"]  # no Rasa credentials given: said, not silently ignored
    after = _rows(database_url)
    assert after == {**before, "hub_transcripts": 1, "hub_notes": 1, "reminders": 1, "reminder_deliveries": 1,
                     "sms_outbox": 1, "handoffs_named": 1, "voice_turns": 2,
                     "callbacks_named": 1}
    assert after["reminder_opt_outs"] == 1  # the customer's opt-out outlives the period
    assert _event_senders(events_url) == ["mixed-conv", "new-conv"]

    engine = make_engine(database_url)
    with Session(engine) as session:
        old = session.get(HandoffRecord, "r-old")
        new = session.get(HandoffRecord, "r-new")
        assert old is not None and new is not None
        assert old.customer_id is None and old.summary == [] and old.conversation_id.startswith("erased-")
        assert old.csat == 5  # the figures still count it
        assert new.customer_id == "C0001" and new.conversation_id == "new-conv"
    engine.dispose()

    again = _retention(env)
    assert all(not any(v for k, v in figures.items() if k != "skipped") for figures in again.values()), again


def _claims_with_materials(url: str, store: MaterialStore) -> dict[str, str]:
    """Three old policies of C0001, each with a claim and one stored invoice photo: policy number -> file name.
    Ended six years ago after one year (past the five-year keeping period), ended six years ago after five years
    (ten-year period: kept), ended four years ago after one year (kept)."""
    today = NOW.date()
    policies = {"HL20170001": (today.replace(year=today.year - 7), today.replace(year=today.year - 6)),
                "HL20150001": (today.replace(year=today.year - 11), today.replace(year=today.year - 6)),
                "HL20190001": (today.replace(year=today.year - 5), today.replace(year=today.year - 4))}
    engine = make_engine(url)
    files = {}
    with Session(engine) as session:
        for n, (number, (start, end)) in enumerate(policies.items()):
            session.add(Policy(policy_number=number, customer_id="C0001", insurance_type="health",
                               product_name_zh="旧医疗险", product_name_en="Old health cover", status="expired",
                               start_date=start, end_date=end, insured_name="张三", sum_insured=Decimal("10000"),
                               annual_premium=Decimal("100"), payment_frequency="annual"))
            session.flush()  # no relationship orders the inserts: the policy first
            session.add(Claim(claim_number=f"CL2000000{n}", policy_number=number, customer_id="C0001",
                              insurance_type="health", incident_date=start, amount=Decimal("500"),
                              description="门诊", status="paid"))
            files[number] = store.save(b"\xff\xd8old invoice photo")
            session.flush()
            session.add(ClaimMaterial(material_id=f"m-old-{n}", claim_number=f"CL2000000{n}", kind="invoice",
                                      sha256="0" * 64, stored_name=files[number], media_type="image/jpeg",
                                      size_bytes=20, status="accepted"))
        session.commit()
    engine.dispose()
    return files


def test_claim_materials_go_when_the_laws_keeping_period_ends(databases: tuple[str, str], tmp_path: Path) -> None:
    database_url, events_url = databases
    services.seed(database_url)
    store = MaterialStore(tmp_path / "materials")
    files = _claims_with_materials(database_url, store)
    env = {k: v for k, v in os.environ.items() if not k.startswith("RASA_")}
    env.update({"DATABASE_URL": database_url, "RASA_EVENTS_URL": events_url, "MATERIALS_DIR": str(store.directory)})

    assert _retention(env, "--dry-run")["claim_materials"] == {"materials": 1}
    assert all((store.directory / name).exists() for name in files.values())

    assert _retention(env)["claim_materials"] == {"materials": 1}
    assert not (store.directory / files["HL20170001"]).exists()
    assert (store.directory / files["HL20150001"]).exists() and (store.directory / files["HL20190001"]).exists()
    engine = make_engine(database_url)
    with Session(engine) as session:
        kept = set(session.scalars(select(ClaimMaterial.material_id).where(ClaimMaterial.material_id.like("m-old-%"))))
        assert kept == {"m-old-1", "m-old-2"}
        assert session.get(Claim, "CL20000000") is not None  # the claim itself stays for the accounts
    engine.dispose()
    assert _retention(env)["claim_materials"] == {"materials": 0}
