"""SMS gateway interface. `OutboxSmsGateway` (the default) writes each message to the `sms_outbox`
table instead of a provider; a real provider implements the same `send` and is selected with
OUTREACH_SMS_GATEWAY=module:Class (constructed with the session factory)."""

from __future__ import annotations

import importlib
import re
from typing import Protocol

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from common.clock import utcnow
from desk_db.tables.reminders import SmsOutbox

_MOBILE = re.compile(r"1[3-9]\d{9}")


class InvalidPhone(Exception):
    """The number cannot receive SMS; retrying will not help."""


class SmsUnavailable(Exception):
    """The gateway failed for now; the delivery is retried on the next pass."""


class SmsGateway(Protocol):
    def send(self, phone: str, text: str, idempotency_key: str) -> None:
        """Send once per idempotency_key: a repeat with the same key must not send again."""
        ...


def valid_phone(phone: str | None) -> bool:
    return bool(phone) and _MOBILE.fullmatch(phone or "") is not None


class OutboxSmsGateway:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self.session_factory = session_factory

    def send(self, phone: str, text: str, idempotency_key: str) -> None:
        if not valid_phone(phone):
            raise InvalidPhone("not a mainland mobile number")
        with self.session_factory() as session:
            session.add(SmsOutbox(idempotency_key=idempotency_key, phone=phone, text=text, created_at=utcnow()))
            try:
                session.commit()
            except IntegrityError:  # sent before (a retry after a crash): once is enough
                session.rollback()


def load_gateway(session_factory: sessionmaker[Session], spec: str | None) -> SmsGateway:
    """The gateway named `module:Class` (OUTREACH_SMS_GATEWAY), else the outbox table."""
    if not spec:
        return OutboxSmsGateway(session_factory)
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)(session_factory)
