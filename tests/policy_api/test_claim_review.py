"""The claim machine and the invoice review in process (policy_api/claim_flow.py, claim_review.py, payout_worker.py),
on a real database: SQLite and PostgreSQL (a fresh database per test module). Covers the allowed transitions, the
checks on OCR findings (mismatch, future date, out of period, duplicate invoice across customers, also concurrent),
the automatic approval with the simulated payout to 到账, and the progress outbox."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from claims.findings import InvoiceFindings
from desk_db.engine import make_engine, make_session_factory
from desk_db.tables.policy import Claim, ClaimEvent, ClaimNotification, Policy
from devstack import services
from policy_api.claim_flow import AmountRefused, DuplicateInvoice, TransitionRefused, approve_and_pay, move
from policy_api.claim_review import review_invoice
from policy_api.payments import SimulatedPayoutGateway
from policy_api.payout_worker import confirm_payouts
from policy_api.seed import seed

PAYOUTS = SimulatedPayoutGateway(settle_s=30)
NOW = datetime.now(UTC)
TODAY = date.today()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def sessions(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[sessionmaker[Session]]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('review') / 'claims.db'}"
        yield from _seeded(url)
    else:
        with services.postgres_database("claim_review") as url:
            yield from _seeded(url)


def _seeded(url: str) -> Iterator[sessionmaker[Session]]:
    seed(url)
    engine = make_engine(url)
    try:
        yield make_session_factory(engine)
    finally:
        engine.dispose()


_counter = iter(range(1000, 9999))


def new_claim(sessions: sessionmaker[Session], policy_number: str = "HL20240001", amount: str = "3200.00",
              fast_track: bool = True) -> str:
    """A claim as POST /v1/claims files it: reported, with its first event."""
    with sessions() as session:
        policy = session.get(Policy, policy_number)
        number = f"CL2099{next(_counter)}"
        claim = Claim(claim_number=number, policy_number=policy_number, customer_id=policy.customer_id,
                      insurance_type=policy.insurance_type, incident_date=TODAY - timedelta(days=2),
                      amount=Decimal(amount), description="门诊", status="reported", fast_track=fast_track,
                      created_at=NOW)
        claim.events.append(ClaimEvent(status="reported", at=NOW, note="客户报案", kind="status", actor="customer"))
        session.add(claim)
        session.commit()
        return number


def invoice(amount: str = "3200.00", day: date | None = None, number: str | None = None, **more) -> InvoiceFindings:
    return InvoiceFindings(kind="medical_invoice", amount=Decimal(amount), amount_in_words=Decimal(amount),
                           invoice_date=day or TODAY - timedelta(days=2), payee="北京协和医院",
                           invoice_number=number or f"INV{next(_counter)}{id(more)}"[:20], confidence=0.95, **more)


def review(sessions: sessionmaker[Session], number: str, findings: InvoiceFindings, now: datetime = NOW):
    with sessions() as session:
        return review_invoice(session, session.get(Claim, number), findings, now, PAYOUTS, today=TODAY)


def load(sessions: sessionmaker[Session], number: str) -> tuple[Claim, list[ClaimEvent], list[ClaimNotification]]:
    with sessions() as session:
        claim = session.get(Claim, number)
        events = list(claim.events)
        notes = list(session.scalars(select(ClaimNotification).where(ClaimNotification.claim_number == number)
                                     .order_by(ClaimNotification.id)))
        return claim, events, notes


def test_fast_track_claim_whose_checks_pass_is_paid_with_every_step_recorded(sessions):
    number = new_claim(sessions)
    outcome = review(sessions, number, invoice("3200.40"))  # within 1 CNY
    assert outcome.decision == "paying" and outcome.status == "paying" and not outcome.problems
    claim, events, notes = load(sessions, number)
    assert claim.status == "paying" and claim.approved_amount == Decimal("3200.00")
    assert claim.payout_reference == f"PO{number}" and claim.review_queue is None
    assert [(e.status, e.kind, e.actor) for e in events] == [
        ("reported", "status", "customer"), ("reviewing", "status", "system"), ("paying", "status", "system")]
    assert {(n.event_id, n.channel) for n in notes} == {(e.id, c) for e in events[1:] for c in ("app", "sms")}

    assert number not in confirm_payouts(sessions, PAYOUTS, NOW + timedelta(seconds=10))  # not settled yet
    assert number in confirm_payouts(sessions, PAYOUTS, NOW + timedelta(seconds=31))
    assert number not in confirm_payouts(sessions, PAYOUTS, NOW + timedelta(seconds=60))  # once
    claim, events, notes = load(sessions, number)
    assert claim.status == "paid"
    assert [e.status for e in events] == ["reported", "reviewing", "paying", "paid"]
    assert events[-1].at == NOW + timedelta(seconds=31) and len(notes) == 6
    assert all(e.at for e in events)


@pytest.mark.parametrize(("findings", "code"), [
    (lambda: invoice("3250.00"), "amount_mismatch"),
    (lambda: invoice(day=TODAY + timedelta(days=1)), "date_future"),
    (lambda: invoice(day=date(2001, 1, 1)), "date_outside_policy"),
    (lambda: InvoiceFindings(kind="medical_invoice", amount=Decimal("3200"), amount_in_words=Decimal("2300"),
                             invoice_date=TODAY, invoice_number="X1234567"), "amount_words_mismatch"),
    (lambda: InvoiceFindings(kind="medical_invoice", amount=Decimal("3200"), invoice_date=TODAY), "invoice_number_unread"),
])
def test_a_failed_check_sends_the_claim_to_an_adjuster_with_the_findings(sessions, findings, code):
    number = new_claim(sessions)
    outcome = review(sessions, number, findings())
    assert outcome.decision == "adjuster" and code in {p.code for p in outcome.problems}
    claim, events, _ = load(sessions, number)
    assert claim.status == "reviewing" and claim.review_queue == "adjuster" and claim.approved_amount is None
    assert json.loads(claim.review_findings)["amount"] is not None
    assert code in {p["code"] for p in json.loads(claim.review_problems)}
    assert events[-1].kind == "queued"
    assert all(p["zh"] and p["en"] for p in json.loads(claim.review_problems))


def test_over_the_limit_or_not_fast_track_goes_to_an_adjuster(sessions):
    for number in (new_claim(sessions, amount="6000.00", fast_track=True), new_claim(sessions, fast_track=False)):
        with sessions() as session:
            amount = str(session.get(Claim, number).amount)
        outcome = review(sessions, number, invoice(amount))
        assert outcome.decision == "adjuster" and [p.code for p in outcome.problems] == ["not_fast_track"]


def test_a_blurred_photo_is_asked_again_with_why(sessions):
    number = new_claim(sessions)
    outcome = review(sessions, number, InvoiceFindings(kind="medical_invoice", quality_problem="blurred"))
    assert outcome.decision == "retake"
    assert outcome.message("zh").startswith("请重新拍摄") and "模糊" in outcome.message("zh")
    assert "blurred" in outcome.message("en")
    claim, events, _ = load(sessions, number)
    assert claim.status == "reviewing" and events[-1].kind == "retake_requested"


def test_the_same_invoice_is_never_paid_twice_across_customers(sessions):
    first = new_claim(sessions, "HL20240001")  # C0001
    second = new_claim(sessions, "AU20230009", amount="3200.00")  # C0002, auto single-party
    assert review(sessions, first, invoice(number="DUP-0001")).decision == "paying"
    outcome = review(sessions, second, invoice(number="dup 0001"))  # the same number, spelt differently
    assert outcome.decision == "adjuster" and "duplicate_invoice" in {p.code for p in outcome.problems}
    with sessions() as session, pytest.raises(DuplicateInvoice):  # an adjuster cannot pay it either
        approve_and_pay(session, session.get(Claim, second), Decimal(100), NOW, "adjuster:x", PAYOUTS, "ok")


def test_concurrent_reviews_of_one_invoice_pay_only_one(sessions):
    claims = [new_claim(sessions, "HL20240001"), new_claim(sessions, "AU20230009")]
    barrier = threading.Barrier(len(claims))
    outcomes: dict[str, str] = {}

    def run(number: str) -> None:
        with sessions() as session:
            claim = session.get(Claim, number)
            barrier.wait(timeout=30)
            outcomes[number] = review_invoice(session, claim, invoice(number="RACE-42"), NOW, PAYOUTS,
                                              today=TODAY).decision

    threads = [threading.Thread(target=run, args=(n,)) for n in claims]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(outcomes.values()) == ["adjuster", "paying"], outcomes


def test_only_allowed_transitions_and_amounts(sessions):
    number = new_claim(sessions)
    with sessions() as session:
        claim = session.get(Claim, number)
        for to in ("paying", "paid", "reported"):
            with pytest.raises(TransitionRefused):
                move(session, claim, to, NOW, "x", "test")
        move(session, claim, "reviewing", NOW, "x", "test")
        with pytest.raises(TransitionRefused):
            move(session, claim, "paid", NOW, "x", "test")
        for amount in ("0", "-1", "3200.01", "5000000", "100.005"):
            with pytest.raises(AmountRefused):
                approve_and_pay(session, claim, Decimal(amount), NOW, "adjuster:x", PAYOUTS, "ok")
        move(session, claim, "rejected", NOW, "x", "test")
        for to in ("reviewing", "paying", "paid", "reported"):
            with pytest.raises(TransitionRefused):
                move(session, claim, to, NOW, "x", "test")
        session.commit()
    with pytest.raises(TransitionRefused):
        review(sessions, number, invoice())


def test_a_status_change_read_before_anothers_commit_is_refused(sessions):
    number = new_claim(sessions)
    with sessions() as one, sessions() as two:
        a, b = one.get(Claim, number), two.get(Claim, number)
        move(one, a, "reviewing", NOW, "first", "test")
        one.commit()
        with pytest.raises(TransitionRefused):  # b still says reported: the conditional update finds nothing
            move(two, b, "reviewing", NOW, "second", "test")


