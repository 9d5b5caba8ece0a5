"""Delivering reminders, one (reminder, channel) at a time, restart-safe.

Each delivery is reserved in the database (status `sending`, committed) before it is sent, and
sent with an idempotency key the channel honours (the SMS outbox has it unique, the hub remembers
it). A crash after sending but before the commit leaves it `sending`; the next pass sends it again
with the same key, which the channel ignores: never twice, never lost."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from desk_db.tables.policy import Customer, Policy, Premium
from desk_db.tables.reminders import Reminder, ReminderDelivery
from outreach.app_channel import AppChannel, AppRefused, AppUnavailable
from outreach.quiet import in_quiet_hours
from outreach.settings import Settings
from outreach.sms import InvalidPhone, SmsGateway, SmsUnavailable, valid_phone
from outreach.texts import sms_text
from reminder_records.optout import allowed_channels

log = logging.getLogger("outreach")
OPEN = ("pending", "deferred", "sending")
INTENTS = {"premium": "EXTERNAL_premium_reminder", "renewal": "EXTERNAL_renewal_reminder"}


@dataclass
class Channels:
    sms: SmsGateway
    app: AppChannel


def _still_relevant(session: Session, reminder: Reminder) -> bool:
    """The premium is still unpaid / the policy still ends on the reminded date."""
    if reminder.kind == "premium":
        premium = session.get(Premium, int(reminder.ref))
        return premium is not None and premium.status == "due"
    policy = session.get(Policy, reminder.policy_number)
    return policy is not None and policy.status == "active" and policy.end_date == reminder.due_date


def _finish(session: Session, delivery: ReminderDelivery, status: str, now: datetime,
            error: str | None = None) -> str:
    delivery.status, delivery.updated_at = status, now
    if error is not None:
        delivery.last_error = error[:200]
    if status == "sent":
        delivery.sent_at = now
        reminder = delivery.reminder
        if reminder.sent_at is None or reminder.sent_at > now:
            reminder.sent_at = now
    session.commit()
    return status


def _precheck(session: Session, delivery: ReminderDelivery, customer: Customer, now: datetime,
              settings: Settings) -> str | None:
    """The status to record without sending, or None to send now."""
    reminder = delivery.reminder
    if delivery.channel not in allowed_channels(session, reminder.customer_id):
        return "skipped_opted_out"
    if not _still_relevant(session, reminder):
        return "skipped_resolved"
    if delivery.channel == "sms":
        if not valid_phone(customer.phone):
            return "failed_invalid_phone"
        if in_quiet_hours(now, settings.timezone, settings.quiet_start, settings.quiet_end):
            return "deferred"
    return None


def _send(session: Session, delivery: ReminderDelivery, customer: Customer, channels: Channels) -> None:
    reminder = delivery.reminder
    if delivery.channel == "sms":
        policy = session.get(Policy, reminder.policy_number)
        text = sms_text(reminder, policy.product_name_zh if policy else "", policy.product_name_en if policy else "")
        channels.sms.send(customer.phone, text, delivery.idempotency_key)
    else:
        channels.app.deliver(customer.customer_id, INTENTS[reminder.kind], {"reminder_id": str(reminder.id)},
                             delivery.idempotency_key)


def deliver_one(session: Session, delivery_id: int, now: datetime, settings: Settings, channels: Channels) -> str:
    delivery = session.get(ReminderDelivery, delivery_id)
    if delivery is None or delivery.status not in OPEN:
        return "gone"
    customer = session.get(Customer, delivery.reminder.customer_id)
    if customer is None:
        return _finish(session, delivery, "failed", now, "customer not found")
    verdict = _precheck(session, delivery, customer, now, settings)
    if verdict is not None:
        if verdict == delivery.status:  # still deferred: nothing to record
            return verdict
        return _finish(session, delivery, verdict, now, "quiet hours" if verdict == "deferred" else None)
    # Reserve before sending: from here on a crash leaves `sending`, resent with the same key.
    delivery.status, delivery.reserved_at, delivery.updated_at = "sending", now, now
    delivery.attempts += 1
    session.commit()
    status, error = send_outcome(lambda: _send(session, delivery, customer, channels))
    if status == "pending":
        log.warning("reminder %s via %s not delivered yet: %s", delivery.reminder_id, delivery.channel, error)
    return _finish(session, delivery, status, now, error)


def send_outcome(send: Callable[[], None]) -> tuple[str, str | None]:
    """The delivery's status after one try of `send`, and the error to record: pending (the channel is down
    for now, retried next pass), failed_invalid_phone or failed (retrying will not help), or sent."""
    try:
        send()
    except InvalidPhone as exc:
        return "failed_invalid_phone", str(exc)
    except (SmsUnavailable, AppUnavailable) as exc:
        return "pending", str(exc)
    except AppRefused as exc:
        return "failed", str(exc)
    return "sent", None


def deliver_open(session_factory: sessionmaker[Session], now: datetime, settings: Settings,
                 channels: Channels) -> list[dict]:
    with session_factory() as session:
        rows = session.execute(
            select(ReminderDelivery.id, ReminderDelivery.reminder_id, ReminderDelivery.channel)
            .where(ReminderDelivery.status.in_(OPEN)).order_by(ReminderDelivery.id)).all()
    results = []
    for delivery_id, reminder_id, channel in rows:
        with session_factory() as session:
            try:
                status = deliver_one(session, delivery_id, now, settings, channels)
            except Exception as exc:  # one bad row must not stop the pass
                session.rollback()
                log.exception("reminder %s via %s failed", reminder_id, channel)
                status = f"error: {type(exc).__name__}"
        results.append({"reminder_id": reminder_id, "channel": channel, "status": status})
    return results
