"""Claim progress pushed to the customer (outreach/claim_updates.py): every status change queued by the policy
API reaches the app chat (as an EXTERNAL_claim_update event for the hub) and the SMS outbox, in the customer's
language and in order, once; SMS opt-out and quiet hours are respected (an SMS held by quiet hours goes after).

The app channel here records what would go to the hub's external-event endpoint; that endpoint and Rasa are
exercised with real processes by tests/outreach/test_app_chat.py for reminders (the same channel)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from claims.findings import InvoiceFindings
from desk_db.tables.policy import Claim, ClaimEvent, ClaimNotification
from outreach.claim_updates import INTENT, deliver_claim_updates
from outreach.deliver import Channels
from outreach.sms import OutboxSmsGateway
from policy_api.claim_review import review_invoice
from policy_api.payments import SimulatedPayoutGateway
from policy_api.payout_worker import confirm_payouts
from reminder_records.optout import record_opt_out
from tests.outreach.conftest import BASE, Db, local


class RecordingApp:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, dict[str, Any], str]] = []

    def deliver(self, customer_id: str, intent: str, entities: dict[str, Any], idempotency_key: str) -> None:
        self.sent.append((customer_id, intent, entities, idempotency_key))


def paid_claim(db: Db, customer_id: str, language: str, phone: str) -> str:
    """A fast-track claim reviewed and paid out: reviewing, paying and paid queued for the customer."""
    db.add_customer(customer_id, phone=phone, language=language)
    db.add_policy(f"HL{customer_id[1:]}0001"[:10], customer_id, BASE + timedelta(days=200), [])
    now = datetime(2031, 3, 1, 2, 0, tzinfo=UTC)
    payouts = SimulatedPayoutGateway(settle_s=60)
    with db.sessions() as session:
        claim = Claim(claim_number=f"CL3{customer_id[1:]}01", policy_number=f"HL{customer_id[1:]}0001"[:10],
                      customer_id=customer_id, insurance_type="health", incident_date=BASE, amount=Decimal(800),
                      description="门诊", status="reported", fast_track=True, created_at=now)
        claim.events.append(ClaimEvent(status="reported", at=now, kind="status", actor="customer"))
        session.add(claim)
        session.commit()
        findings = InvoiceFindings(kind="medical_invoice", amount=Decimal(800), invoice_date=BASE,
                                   invoice_number=f"N{customer_id}", payee="社区医院")
        assert review_invoice(session, claim, findings, now, payouts, today=BASE).decision == "paying"
        number = claim.claim_number
    assert confirm_payouts(db.sessions, payouts, now + timedelta(seconds=61)) == [number]
    return number


def statuses(db: Db, channel: str) -> list[str]:
    with db.sessions() as s:
        return list(s.scalars(select(ClaimNotification.status).where(ClaimNotification.channel == channel)
                              .order_by(ClaimNotification.id)))


def test_every_status_change_reaches_the_chat_and_sms_once_in_order(db: Db):
    number = paid_claim(db, "C0301", "zh", "13800138301")
    app = RecordingApp()
    channels = Channels(sms=OutboxSmsGateway(db.sessions), app=app)
    counts = deliver_claim_updates(db.sessions, local(BASE, 10), db.settings, channels)
    assert counts == {"sent": 6}
    with db.sessions() as s:
        event_ids = [e.id for e in s.scalars(select(ClaimEvent).where(ClaimEvent.claim_number == number,
                                                                      ClaimEvent.status != "reported")
                                             .order_by(ClaimEvent.id))]
    assert [(c, i, e["claim_update_id"]) for c, i, e, _ in app.sent] == [("C0301", INTENT, str(i)) for i in event_ids]
    texts = [m.text for m in db.outbox()]
    assert len(texts) == 3 and all(t.startswith("【安心保险】") and number in t and "退订" in t for t in texts)
    assert "材料审核中" in texts[0] and "赔付中" in texts[1] and "800.00" in texts[1] and "到账" in texts[2]
    assert deliver_claim_updates(db.sessions, local(BASE, 11), db.settings, channels) == {}
    assert len(app.sent) == 3 and len(db.outbox()) == 3


def test_quiet_hours_hold_the_sms_and_opt_out_stops_it(db: Db):
    paid_claim(db, "C0302", "en", "13800138302")
    app = RecordingApp()
    channels = Channels(sms=OutboxSmsGateway(db.sessions), app=app)
    deliver_claim_updates(db.sessions, local(BASE, 23), db.settings, channels)
    # The first SMS waits for the morning; the later ones wait behind it, so they arrive in order.
    assert statuses(db, "app") == ["sent"] * 3 and statuses(db, "sms") == ["deferred", "pending", "pending"]
    assert db.outbox() == []
    deliver_claim_updates(db.sessions, local(BASE + timedelta(days=1), 8, 30), db.settings, channels)
    assert statuses(db, "sms") == ["sent"] * 3
    texts = [m.text for m in db.outbox()]
    assert all(t.startswith("[Anxin Insurance]") and "STOP" in t for t in texts)
    assert ["under review" in texts[0], "payment in progress" in texts[1], "paid out" in texts[2]] == [True] * 3

    paid_claim(db, "C0303", "zh", "13800138303")
    with db.sessions() as s:
        record_opt_out(s, "C0303", "sms", "chat", None, datetime.now(UTC))
        s.commit()
    sent_before = len(db.outbox())
    deliver_claim_updates(db.sessions, local(BASE + timedelta(days=1), 10), db.settings, channels)
    assert len(db.outbox()) == sent_before
    with db.sessions() as s:
        rows = s.scalars(select(ClaimNotification).where(ClaimNotification.customer_id == "C0303")).all()
        assert {(r.channel, r.status) for r in rows} == {("app", "sent"), ("sms", "skipped_opted_out")}
