"""`acted_on_at`: the premium was paid / the policy renewed after the reminder was sent."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk_db.tables.policy import Premium
from desk_db.tables.reminders import PolicyRenewal, Reminder


def mark_acted_on(session: Session) -> int:
    """Fill acted_on_at where it now applies; returns how many. The caller commits."""
    count = 0
    open_reminders = session.scalars(
        select(Reminder).where(Reminder.sent_at.is_not(None), Reminder.acted_on_at.is_(None))).all()
    for reminder in open_reminders:
        acted = None
        if reminder.kind == "premium":
            premium = session.get(Premium, int(reminder.ref))
            if premium is not None and premium.status == "paid" and premium.paid_at is not None:
                acted = premium.paid_at
        else:
            acted = session.scalar(
                select(PolicyRenewal.renewed_at).where(PolicyRenewal.policy_number == reminder.policy_number,
                                                       PolicyRenewal.old_end_date == reminder.due_date,
                                                       PolicyRenewal.renewed_at.is_not(None)))
        if acted is not None and reminder.sent_at is not None and acted >= reminder.sent_at:
            reminder.acted_on_at = acted
            count += 1
    return count
