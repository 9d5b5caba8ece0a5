"""How a claim moves: the allowed status changes, each one recorded as a ClaimEvent (time, note, actor) with
its progress messages queued in the same transaction (claim_notifications, delivered by outreach), and
approval with its payout.

Every change is a conditional UPDATE (`... WHERE status = <the status we read>`), so two requests, two
workers or an adjuster racing the payout confirmation cannot both move a claim from the same status."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desk_db.tables.policy import Claim, ClaimEvent, ClaimNotification, Policy, UsedInvoice
from policy_api.errors import ApiError
from policy_api.payments import PayoutGateway

TRANSITIONS: dict[str, frozenset[str]] = {
    "reported": frozenset({"reviewing", "rejected"}),
    "reviewing": frozenset({"paying", "rejected"}),
    "paying": frozenset({"paid"}),
    "paid": frozenset(),
    "rejected": frozenset(),
}
# Events the customer is told about (app chat and SMS). "reported" is answered in the conversation that
# filed it; a queued claim or a retake is answered where it happened (the upload's reply).
NOTIFIED_STATUSES = frozenset({"reviewing", "paying", "paid", "rejected"})
NOTIFIED_KINDS = frozenset({"materials_requested"})
CHANNELS = ("app", "sms")
SYSTEM = "system"


class TransitionRefused(ApiError):
    status_code, code, message = 409, "claim_transition_refused", "The claim cannot move to that status from its current one."


class AmountRefused(ApiError):
    status_code, code = 422, "claim_amount_refused"
    message = "The approved amount must be above 0, at most the claimed amount and the policy's sum insured."


class DuplicateInvoice(ApiError):
    status_code, code, message = 409, "duplicate_invoice", "This invoice number was already used on another claim."


def notified(event: ClaimEvent) -> bool:
    """Whether the customer is sent a message for this event."""
    return (event.kind == "status" and event.status in NOTIFIED_STATUSES) or event.kind in NOTIFIED_KINDS


def normalise_invoice_number(number: str) -> str:
    """One spelling per invoice: OCR and people differ in spaces, dashes and letter case."""
    return "".join(ch for ch in number.upper() if ch.isalnum())[:64]


def record(session: Session, claim: Claim, kind: str, now: datetime, note: str, actor: str,
           status: str | None = None, detail: dict | None = None) -> ClaimEvent:
    """An event of the claim (status change or action), with its messages queued when the customer is told."""
    event = ClaimEvent(claim_number=claim.claim_number, status=status or claim.status, at=now, note=note[:2000],
                       kind=kind, actor=actor[:80],
                       detail=json.dumps(detail, ensure_ascii=False) if detail is not None else None)
    claim.events.append(event)
    session.flush()  # the event's id, for the outbox rows
    if notified(event):
        for channel in CHANNELS:
            session.add(ClaimNotification(event_id=event.id, claim_number=claim.claim_number,
                                          customer_id=claim.customer_id, channel=channel, status="pending",
                                          created_at=now, updated_at=now))
    return event


def move(session: Session, claim: Claim, to: str, now: datetime, note: str, actor: str,
         detail: dict | None = None) -> ClaimEvent:
    """Change the status if the machine allows it, else TransitionRefused. The caller commits."""
    current = claim.status
    if to not in TRANSITIONS.get(current, frozenset()):
        raise TransitionRefused()
    session.flush()
    moved = session.execute(update(Claim).where(Claim.claim_number == claim.claim_number, Claim.status == current)
                            .values(status=to).execution_options(synchronize_session=False))
    if moved.rowcount != 1:  # someone else moved it since we read it
        raise TransitionRefused()
    claim.status = to
    return record(session, claim, "status", now, note, actor, status=to, detail=detail)


def check_amount(claim: Claim, policy: Policy, amount: Decimal) -> Decimal:
    if not amount.is_finite() or amount <= 0 or amount > claim.amount or amount > policy.sum_insured \
            or amount != amount.quantize(Decimal("0.01")):
        raise AmountRefused()
    return amount


def reserve_invoice(session: Session, claim: Claim, invoice_number: str | None, now: datetime) -> None:
    """Mark the invoice number used by this claim, or DuplicateInvoice if another claim has it. A savepoint:
    on PostgreSQL a concurrent insert of the same number waits for the other transaction and then fails."""
    if not invoice_number:
        return
    number = normalise_invoice_number(invoice_number)
    existing = session.get(UsedInvoice, number)
    if existing is not None:
        if existing.claim_number == claim.claim_number:
            return
        raise DuplicateInvoice()
    try:
        with session.begin_nested():
            session.add(UsedInvoice(invoice_number=number, claim_number=claim.claim_number, created_at=now))
    except IntegrityError as exc:
        raise DuplicateInvoice() from exc


def findings_invoice_number(claim: Claim) -> str | None:
    if not claim.review_findings:
        return None
    return json.loads(claim.review_findings).get("invoice_number")


def approve_and_pay(session: Session, claim: Claim, amount: Decimal, now: datetime, actor: str,
                    payouts: PayoutGateway, note: str) -> ClaimEvent:
    """Approve `amount` and send the payout: reviewing → paying. The caller commits.

    The payout's reference is the claim's own (PO + claim number), so a retry after a failed commit sends
    the same reference and the gateway pays once."""
    if claim.status == "reported":
        move(session, claim, "reviewing", now, "材料审核中 / Under review", actor)
    if claim.status != "reviewing":
        raise TransitionRefused()
    policy = session.get(Policy, claim.policy_number)
    if policy is None:
        raise TransitionRefused()
    amount = check_amount(claim, policy, amount)
    reserve_invoice(session, claim, findings_invoice_number(claim), now)
    reference = f"PO{claim.claim_number}"
    payouts.send_payout(reference=reference, amount=amount, description=f"claim {claim.claim_number}", now=now)
    claim.approved_amount, claim.payout_reference, claim.review_queue = amount, reference, None
    return move(session, claim, "paying", now, note, actor)


