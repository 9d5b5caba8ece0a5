"""Reminder tests: a fresh policy database (SQLite file or PostgreSQL) with customers built per test,
and a controllable clock (every pass gets its `now`)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from desk_db.engine import ensure_schema, make_engine, make_session_factory
from desk_db.tables.policy import Customer, Policy, Premium
from desk_db.tables.reminders import Reminder, ReminderDelivery, SmsOutbox
from devstack import services
from outreach.app_channel import HubAppChannel
from outreach.deliver import Channels
from outreach.runner import run_pass
from outreach.settings import Settings
from outreach.sms import OutboxSmsGateway

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Far from the real date on purpose: only the pass's `now` matters.
BASE = date(2031, 3, 1)
# No hub listens here: app deliveries stay pending (tests/outreach/test_app_chat.py uses a real hub).
NO_HUB = "http://127.0.0.1:9"


def local(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


@dataclass
class Db:
    url: str
    engine: Engine
    sessions: sessionmaker[Session]
    settings: Settings

    def run(self, now: datetime) -> dict:
        channels = Channels(sms=OutboxSmsGateway(self.sessions), app=HubAppChannel(NO_HUB, timeout_s=2))
        return run_pass(self.sessions, self.settings, now, channels)

    def outbox(self) -> list[SmsOutbox]:
        with self.sessions() as s:
            return list(s.scalars(select(SmsOutbox).order_by(SmsOutbox.id)))

    def reminders(self) -> list[Reminder]:
        with self.sessions() as s:
            return list(s.scalars(select(Reminder).order_by(Reminder.id)))

    def deliveries(self, channel: str | None = None) -> list[ReminderDelivery]:
        with self.sessions() as s:
            stmt = select(ReminderDelivery).order_by(ReminderDelivery.id)
            if channel:
                stmt = stmt.where(ReminderDelivery.channel == channel)
            return list(s.scalars(stmt))

    def count(self, model: type) -> int:
        with self.sessions() as s:
            return s.scalar(select(func.count()).select_from(model)) or 0

    def add_customer(self, customer_id: str, phone: str = "13800138000", language: str = "zh") -> None:
        with self.sessions() as s:
            s.add(Customer(customer_id=customer_id, name="测试客户", phone=phone,
                           id_number="110101199003071234", preferred_language=language))
            s.commit()

    def add_policy(self, number: str, customer_id: str, end: date, premiums: list[tuple[date, str]],
                   amount: int = 1200) -> list[int]:
        """A policy ending `end` with premiums (due date, status); returns the premium ids."""
        with self.sessions() as s:
            policy = Policy(policy_number=number, customer_id=customer_id, insurance_type="health",
                            product_name_zh="安心医疗险", product_name_en="Anxin Medical Insurance", status="active",
                            start_date=end - timedelta(days=364), end_date=end, insured_name="测试客户",
                            sum_insured=Decimal(1_000_000), annual_premium=Decimal(amount),
                            payment_frequency="annual")
            policy.premiums = [Premium(due_date=d, amount=Decimal(amount), status=st) for d, st in premiums]
            s.add(policy)
            s.commit()
            return [p.id for p in policy.premiums]


@contextlib.contextmanager
def open_db(url: str) -> Iterator[Db]:
    engine = make_engine(url)
    ensure_schema(engine)
    try:
        yield Db(url, engine, make_session_factory(engine), Settings(database_url=url))
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def db(request: pytest.FixtureRequest, tmp_path) -> Iterator[Db]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'policy.db'}"
        with open_db(url) as database:
            yield database
    else:
        with services.postgres_database("outreach_test") as url, open_db(url) as database:
            yield database


# The real hub fixtures (a hub process on the port the stack's action server posts to).
from tests.handoff.conftest import hub, start_hub  # noqa: E402,F401
