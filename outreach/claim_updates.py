"""Delivering claim progress: the policy API queues a row per claim event and channel in
claim_notifications (its outbox, same transaction as the event); this sends them, like reminders: reserved
(`sending`, committed) before sending, with an idempotency key the channel honours, so never twice, never lost.

App: the hub triggers EXTERNAL_claim_update in the customer's app chat; the assistant's action reads the text
and the timeline from the policy API. SMS: the same text through the SmsGateway. Opt-out (per channel) and the
SMS quiet hours apply as for reminders; an SMS held by quiet hours goes out after them."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from claims.progress_texts import customer_language, event_text, sms_text
from desk_db.tables.policy import ClaimNotification, Customer
from outreach.deliver import Channels, send_outcome
from outreach.quiet import in_quiet_hours
from outreach.settings import Settings
from outreach.sms import valid_phone
from reminder_records.optout import allowed_channels

log = logging.getLogger("outreach")
OPEN = ("pending", "deferred", "sending")
INTENT = "EXTERNAL_claim_update"


def _finish(session: Session, row: ClaimNotification, status: str, now: datetime, error: str | None = None) -> str:
    row.status, row.updated_at = status, now
    if error is not None:
        row.last_error = error[:200]
    if status == "sent":
        row.sent_at = now
    session.commit()
    return status


def deliver_one(session: Session, row_id: int, now: datetime, settings: Settings, channels: Channels,
                paid_target_minutes: int) -> str:
    row = session.get(ClaimNotification, row_id)
    if row is None or row.status not in OPEN:
        return "gone"
    customer = session.get(Customer, row.customer_id)
    if customer is None:
        return _finish(session, row, "failed", now, "customer not found")
    if row.channel not in allowed_channels(session, row.customer_id):
        return _finish(session, row, "skipped_opted_out", now)
    if row.channel == "sms":
        if not valid_phone(customer.phone):
            return _finish(session, row, "failed_invalid_phone", now)
        if in_quiet_hours(now, settings.timezone, settings.quiet_start, settings.quiet_end):
            return "deferred" if row.status == "deferred" else _finish(session, row, "deferred", now, "quiet hours")
    row.status, row.updated_at, row.attempts = "sending", now, row.attempts + 1
    session.commit()
    status, error = send_outcome(lambda: _send(session, row, customer, channels, paid_target_minutes))
    if status == "pending":
        log.warning("claim update %s via %s not delivered yet: %s", row.event_id, row.channel, error)
    return _finish(session, row, status, now, error)


def _send(session: Session, row: ClaimNotification, customer: Customer, channels: Channels,
          paid_target_minutes: int) -> None:
    if row.channel == "sms":
        language = customer_language(session, row.event.claim)
        text = event_text(row.event.claim, row.event, language, paid_target_minutes)
        channels.sms.send(customer.phone, sms_text(text, language), row.idempotency_key)
    else:
        channels.app.deliver(row.customer_id, INTENT, {"claim_update_id": str(row.event_id)}, row.idempotency_key)


def deliver_claim_updates(session_factory: sessionmaker[Session], now: datetime, settings: Settings,
                          channels: Channels) -> dict[str, int]:
    """One pass over the open claim notifications, oldest first (a claim's messages keep their order);
    the count of each outcome."""
    with session_factory() as session:
        rows = session.execute(select(ClaimNotification.id, ClaimNotification.claim_number, ClaimNotification.channel)
                               .where(ClaimNotification.status.in_(OPEN))
                               .order_by(ClaimNotification.event_id, ClaimNotification.id)).all()
    counts: dict[str, int] = {}
    held: set[tuple[str, str]] = set()  # (claim, channel) with an earlier message still open: the later wait
    for row_id, claim_number, channel in rows:
        if (claim_number, channel) in held:
            counts["waiting"] = counts.get("waiting", 0) + 1
            continue
        with session_factory() as session:
            try:
                status = deliver_one(session, row_id, now, settings, channels, settings.claim_paid_target_s // 60)
            except Exception as exc:  # one bad row must not stop the pass
                session.rollback()
                log.exception("claim update %s failed", row_id)
                status = f"error: {type(exc).__name__}"
        if status in OPEN or status.startswith("error"):
            held.add((claim_number, channel))
        counts[status] = counts.get(status, 0) + 1
    return counts
