"""Opt-out: honoured at once (the delivery checks it right before sending) and recorded."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from outreach.models import ContactPreference, OptOut
from policy_api.models import Customer
from privacy.fields import mask_phone

CHANNELS = ("app", "sms")
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


def handle_inbound_sms(session: Session, phone: str, text: str, now: datetime) -> OptOut | None:
    """An SMS reply: a stop word from a customer's number turns their SMS reminders off."""
    if not is_stop_word(text):
        return None
    customer = session.scalars(select(Customer).where(Customer.phone == phone.strip())).first()
    if customer is None:
        return None
    return record_opt_out(session, customer.customer_id, "sms", "sms", mask_phone(phone.strip()), now)
