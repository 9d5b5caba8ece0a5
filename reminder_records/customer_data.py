"""One customer's reminder records (reminders, their deliveries, the SMS texts sent) for export and
erasure, and those older than the retention period.

Erasing deletes the reminders, their deliveries and the SMS texts. Opt-outs and contact preferences
stay (export shows them): they are the customer's own instruction not to be contacted, which must
outlive the erasure or the reminders would start again; only their free-text detail (a conversation
id, a masked number) is cleared."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from desk_db.tables.reminders import ContactPreference, OptOut, Reminder, ReminderDelivery, SmsOutbox, delivery_key


def _sms_keys(reminder_ids: list[int]) -> list[str]:
    return [delivery_key(rid, "sms") for rid in reminder_ids]


def export(session: Session, customer_id: str) -> dict[str, Any]:
    reminders = list(session.scalars(select(Reminder).where(Reminder.customer_id == customer_id)
                                     .order_by(Reminder.id)))
    sms = session.scalars(select(SmsOutbox).where(SmsOutbox.idempotency_key.in_(_sms_keys([r.id for r in reminders]))))
    pref = session.get(ContactPreference, customer_id)
    opt_outs = session.scalars(select(OptOut).where(OptOut.customer_id == customer_id).order_by(OptOut.id))
    return {
        "reminders": [{"reminder_id": r.id, "kind": r.kind, "step": r.step, "policy_number": r.policy_number,
                       "due_date": r.due_date.isoformat(), "amount": str(r.amount), "language": r.language,
                       "created_at": _iso(r.created_at), "sent_at": _iso(r.sent_at),
                       "acted_on_at": _iso(r.acted_on_at),
                       "deliveries": [{"channel": d.channel, "status": d.status, "sent_at": _iso(d.sent_at)}
                                      for d in r.deliveries]} for r in reminders],
        "sms": [{"phone": s.phone, "text": s.text, "created_at": _iso(s.created_at)} for s in sms],
        "contact_preferences": None if pref is None else {"app_reminders": pref.app_reminders,
                                                           "sms_reminders": pref.sms_reminders},
        "opt_outs": [{"channels": o.channels, "source": o.source, "detail": o.detail,
                      "created_at": _iso(o.created_at)} for o in opt_outs],
    }


def erase(session: Session, customer_id: str) -> dict[str, int]:
    """The caller commits."""
    ids = list(session.scalars(select(Reminder.id).where(Reminder.customer_id == customer_id)))
    return _delete_reminders(session, ids) | {
        "opt_out_details_cleared": session.execute(
            update(OptOut).where(OptOut.customer_id == customer_id, OptOut.detail.is_not(None))
            .values(detail=None)).rowcount or 0}


def expire(session: Session, cutoff: dt.datetime, dry_run: bool = False) -> dict[str, int]:
    """Reminders created before the cutoff, with their deliveries and SMS texts. The caller commits."""
    ids = list(session.scalars(select(Reminder.id).where(Reminder.created_at < cutoff)))
    if dry_run:
        return {"reminders": len(ids),
                "deliveries": session.scalar(select(func.count()).select_from(ReminderDelivery)
                                             .where(ReminderDelivery.reminder_id.in_(ids))) or 0,
                "sms": session.scalar(select(func.count()).select_from(SmsOutbox)
                                      .where(SmsOutbox.idempotency_key.in_(_sms_keys(ids)))) or 0}
    return _delete_reminders(session, ids)


def _delete_reminders(session: Session, ids: list[int]) -> dict[str, int]:
    return {
        "sms": session.execute(delete(SmsOutbox).where(SmsOutbox.idempotency_key.in_(_sms_keys(ids)))).rowcount or 0,
        "deliveries": session.execute(delete(ReminderDelivery).where(ReminderDelivery.reminder_id.in_(ids)))
        .rowcount or 0,
        "reminders": session.execute(delete(Reminder).where(Reminder.id.in_(ids))).rowcount or 0,
    }


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None
