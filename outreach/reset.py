"""Removing customers' reminder rows, for the demo seed's reset (their foreign keys would block it)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from outreach.models import ContactPreference, OptOut, PolicyRenewal, Reminder, ReminderDelivery


def reset_outreach(session: Session, customer_ids: Iterable[str], policy_numbers: Any) -> None:
    customers = list(customer_ids)
    reminders = select(Reminder.id).where(Reminder.customer_id.in_(customers))
    session.execute(delete(ReminderDelivery).where(ReminderDelivery.reminder_id.in_(reminders)))
    session.execute(delete(Reminder).where(Reminder.customer_id.in_(customers)))
    session.execute(delete(ContactPreference).where(ContactPreference.customer_id.in_(customers)))
    session.execute(delete(OptOut).where(OptOut.customer_id.in_(customers)))
    session.execute(delete(PolicyRenewal).where(PolicyRenewal.policy_number.in_(policy_numbers)))
