"""Removing customers' reminder rows, for the demo seed's reset (their foreign keys would block it)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from desk_db.tables.reminders import (
    ContactPreference,
    OptOut,
    PolicyRenewal,
    Reminder,
    ReminderDelivery,
    SmsOutbox,
    delivery_key,
)


def reset_outreach(session: Session, customer_ids: Iterable[str], policy_numbers: Any) -> None:
    customers = list(customer_ids)
    reminders = list(session.scalars(select(Reminder.id).where(Reminder.customer_id.in_(customers))))
    # Their SMS outbox rows too: a reseeded reminder can get a deleted one's id, and with it its outbox key.
    session.execute(delete(SmsOutbox).where(SmsOutbox.idempotency_key.in_([delivery_key(r, "sms") for r in reminders])))
    session.execute(delete(ReminderDelivery).where(ReminderDelivery.reminder_id.in_(reminders)))
    session.execute(delete(Reminder).where(Reminder.customer_id.in_(customers)))
    session.execute(delete(ContactPreference).where(ContactPreference.customer_id.in_(customers)))
    session.execute(delete(OptOut).where(OptOut.customer_id.in_(customers)))
    session.execute(delete(PolicyRenewal).where(PolicyRenewal.policy_number.in_(policy_numbers)))
