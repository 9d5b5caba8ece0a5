"""Opt-out: honoured at once (the delivery checks it right before sending) and recorded.

From chat the assistant acts only for a verified customer or in their own app conversation. By SMS a
stop word counts only as a reply to our own reminder SMS: one we sent to that number (the customer's
number on record is where deliveries go) within REPLY_WINDOW, and, when the gateway threads the reply,
the very SMS it answers (its idempotency key). A text from any other number unsubscribes nobody."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk_db.tables.policy import Customer
from desk_db.tables.reminders import ContactPreference, OptOut, Reminder, ReminderDelivery
from privacy.fields import mask_phone

CHANNELS = ("app", "sms")
REPLY_WINDOW = timedelta(days=30)
# Replies that mean "stop": 退订 / TD (the usual Chinese SMS keyword) / STOP / unsubscribe.
_STOP = re.compile(r"^\s*(退订|退定|TD|T|取消订阅|stop|unsubscribe|opt[\s-]?out)\s*[。.!！]?\s*$", re.IGNORECASE)


def is_stop_word(text: str) -> bool:
    return bool(_STOP.match(text or ""))


def allowed_channels(session: Session, customer_id: str) -> set[str]:
    pref = session.get(ContactPreference, customer_id)
    if pref is None:
        return set(CHANNELS)
    return {c for c, on in (("app", pref.app_reminders), ("sms", pref.sms_reminders)) if on}


def record_opt_out(session: Session, customer_id: str, channels: str, source: str, detail: str | None,
                   now: datetime) -> OptOut:
    """Turn the channels off and keep the record. channels: all / sms / app. The caller commits."""
    pref = session.get(ContactPreference, customer_id)
    if pref is None:
        pref = ContactPreference(customer_id=customer_id, app_reminders=True, sms_reminders=True)
        session.add(pref)
    if channels in ("all", "app"):
        pref.app_reminders = False
    if channels in ("all", "sms"):
        pref.sms_reminders = False
    pref.updated_at = now
    record = OptOut(customer_id=customer_id, channels=channels, source=source, detail=detail, created_at=now)
    session.add(record)
    return record


def replied_delivery(session: Session, phone: str, now: datetime,
                     in_reply_to: str | None = None) -> ReminderDelivery | None:
    """The reminder SMS this text from `phone` answers: the latest we sent to that number in the reply
    window (or the one named by the gateway's thread reference), else None."""
    stmt = (select(ReminderDelivery).join(Reminder).join(Customer, Customer.customer_id == Reminder.customer_id)
            .where(ReminderDelivery.channel == "sms", ReminderDelivery.status == "sent",
                   ReminderDelivery.sent_at >= now - REPLY_WINDOW, Customer.phone == phone.strip())
            .order_by(ReminderDelivery.sent_at.desc(), ReminderDelivery.id.desc()))
    return next((d for d in session.scalars(stmt) if in_reply_to in (None, d.idempotency_key)), None)


def handle_inbound_sms(session: Session, phone: str, text: str, now: datetime,
                       in_reply_to: str | None = None) -> OptOut | None:
    """An SMS reply: a stop word answering our reminder SMS turns that customer's SMS reminders off."""
    if not is_stop_word(text):
        return None
    delivery = replied_delivery(session, phone, now, in_reply_to)
    if delivery is None:
        return None
    detail = f"{mask_phone(phone.strip())} re reminder {delivery.reminder_id}"
    return record_opt_out(session, delivery.reminder.customer_id, "sms", "sms", detail, now)
