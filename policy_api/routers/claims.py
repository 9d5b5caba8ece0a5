import logging
from decimal import Decimal
from typing import Annotated

from fastapi import Query, Response, status
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from common import clock
from desk_db.tables.policy import Claim, ClaimEvent, ClaimRequest
from policy_api import errors, lookups
from policy_api.claim_rules import GUIDANCE, STANDARD_STAGES, STATUS_LABELS, fast_track
from policy_api.deps import CustomerDep, SessionDep, SettingsDep, same_customer
from policy_api.idempotency import IdempotencyKey, body_hash, earlier_claim
from policy_api.routers import error_docs, v1_router
from policy_api.schemas import (
    ClaimCreate,
    ClaimGuidance,
    ClaimList,
    ClaimOut,
    ClaimSummary,
    FastTrack,
    NextStep,
    TimelineEntry,
)

log = logging.getLogger("policy_api")
router = v1_router("claims")

MAX_DESCRIPTION = 500


@router.get("/claims/guidance/{insurance_type}", response_model=ClaimGuidance, responses=error_docs(404))
def claim_guidance(
    insurance_type: str,
    amount: Annotated[Decimal | None, Query(description="Expected claim amount in CNY.")] = None,
    single_party: Annotated[bool | None, Query(description="Auto only: no other party involved.")] = None,
) -> ClaimGuidance:
    kind = insurance_type.strip().lower()
    guidance = GUIDANCE.get(kind)
    if guidance is None:
        raise errors.UnknownInsuranceType()
    if amount is not None and amount <= 0:
        raise errors.InvalidAmount("The amount must be greater than 0.")
    decision = fast_track(kind, amount, single_party)
    return ClaimGuidance(
        insurance_type=kind,  # type: ignore[arg-type]
        documents_zh=list(guidance.documents_zh),
        documents_en=list(guidance.documents_en),
        steps_zh=list(guidance.steps_zh),
        steps_en=list(guidance.steps_en),
        fast_track=FastTrack(
            limit=decision.limit,
            eligible=decision.eligible,
            reason_zh=decision.reason_zh,
            reason_en=decision.reason_en,
        ),
    )


@router.post(
    "/claims", response_model=ClaimOut, status_code=status.HTTP_201_CREATED, responses=error_docs(403, 404, 409)
)
def create_claim(body: ClaimCreate, session: SessionDep, customer: CustomerDep, response: Response,
                 settings: SettingsDep, idempotency_key: IdempotencyKey = None) -> ClaimOut:
    """Files a claim (201). With an Idempotency-Key a retry returns the claim filed first (200)."""
    if not same_customer(customer, body.customer_id):
        raise errors.CustomerTokenMismatch()
    policy = lookups.policy(session, body.policy_number, customer.customer_id)
    digest = body_hash(body)
    if idempotency_key and (earlier := earlier_claim(session, policy.customer_id, idempotency_key, digest)):
        response.status_code = status.HTTP_200_OK
        return claim_out(earlier, settings.claim_paid_target_s)
    if policy.status != "active":
        raise errors.PolicyInactive()
    today = clock.today()
    if body.incident_date > today or not policy.start_date <= body.incident_date <= policy.end_date:
        raise errors.InvalidIncidentDate()
    amount = body.amount
    # Compare with the sum insured before quantize(): huge values would overflow its precision.
    if not amount.is_finite() or amount <= 0 or amount > policy.sum_insured or amount != amount.quantize(Decimal("0.01")):
        raise errors.InvalidAmount()
    description = body.description.strip()
    if not 1 <= len(description) <= MAX_DESCRIPTION:
        raise errors.InvalidDescription()

    eligible = fast_track(policy.insurance_type, amount, body.single_party).eligible is True
    for _attempt in range(5):
        now = clock.utcnow()
        claim = Claim(
            claim_number=_next_claim_number(session, today.year),
            policy_number=policy.policy_number,
            customer_id=policy.customer_id,
            insurance_type=policy.insurance_type,
            incident_date=body.incident_date,
            amount=amount,
            description=description,
            status="reported",
            fast_track=eligible,
            created_at=now,
        )
        claim.events.append(ClaimEvent(status="reported", at=now, note="客户报案 / Reported by customer",
                                       kind="status", actor="customer"))
        session.add(claim)
        if idempotency_key:  # committed with the claim, or neither
            session.add(ClaimRequest(customer_id=policy.customer_id, idempotency_key=idempotency_key,
                                     body_hash=digest, claim_number=claim.claim_number, created_at=now))
        try:
            session.commit()
        except IntegrityError:  # another request took the same number, or filed with this key first
            session.rollback()
            if idempotency_key and (earlier := earlier_claim(session, policy.customer_id, idempotency_key, digest)):
                response.status_code = status.HTTP_200_OK
                return claim_out(earlier, settings.claim_paid_target_s)
            continue
        log.info("claim %s opened on %s (fast_track=%s)", claim.claim_number, policy.policy_number, eligible)
        return claim_out(claim, settings.claim_paid_target_s)
    raise RuntimeError("could not allocate a claim number")


@router.get("/claims/{claim_number}", response_model=ClaimOut, responses=error_docs(403, 404))
def get_claim(
    claim_number: str,
    session: SessionDep,
    customer: CustomerDep,
    settings: SettingsDep,
    customer_id: Annotated[str | None, Query(description="When given, the token's customer.")] = None,
) -> ClaimOut:
    """One claim of the token's customer (403 `claim_not_owned` for anyone else's)."""
    return claim_out(lookups.claim(session, claim_number, customer.customer_id), settings.claim_paid_target_s)


@router.get("/customers/{customer_id}/claims", response_model=ClaimList, responses=error_docs(403, 404))
def list_claims(customer_id: str, session: SessionDep, _customer: CustomerDep) -> ClaimList:
    customer = lookups.customer(session, customer_id)
    rows = session.scalars(
        select(Claim)
        .where(Claim.customer_id == customer.customer_id)
        .order_by(Claim.created_at.desc(), Claim.claim_number.desc())
    )
    return ClaimList(claims=[_summary(c) for c in rows])


def _next_claim_number(session: Session, year: int) -> str:
    """CL + year + 4-digit sequence, continuing after the highest existing number of that year."""
    prefix = f"CL{year}"
    last = session.scalars(
        select(Claim.claim_number)
        .where(Claim.claim_number.like(f"{prefix}%"))
        .order_by(Claim.claim_number.desc())
        .limit(1)
    ).first()
    seq = int(last[len(prefix):]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


def _summary(claim: Claim) -> ClaimSummary:
    label_zh, label_en = STATUS_LABELS[claim.status]
    return ClaimSummary(
        claim_number=claim.claim_number,
        policy_number=claim.policy_number,
        insurance_type=claim.insurance_type,  # type: ignore[arg-type]
        amount=claim.amount,
        incident_date=claim.incident_date,
        status=claim.status,  # type: ignore[arg-type]
        status_label_zh=label_zh,
        status_label_en=label_en,
        fast_track=claim.fast_track,
        created_at=claim.created_at,
    )


def claim_out(claim: Claim, paid_target_s: int) -> ClaimOut:
    # The timeline is the status changes only (not a queued review or a request for materials), exactly
    # as stored: the chat's "理赔进度" and the pushed messages show the same steps and times.
    timeline = [
        TimelineEntry(status=e.status, label_zh=STATUS_LABELS[e.status][0], label_en=STATUS_LABELS[e.status][1], at=e.at)  # type: ignore[arg-type]
        for e in claim.events if e.kind == "status"
    ]
    # Stages still ahead on the normal path, for greyed-out steps in the chat UI.
    upcoming = [] if claim.status not in STANDARD_STAGES else STANDARD_STAGES[STANDARD_STAGES.index(claim.status) + 1:]
    return ClaimOut(
        **_summary(claim).model_dump(),
        description=claim.description,
        reject_reason_zh=claim.reject_reason_zh,
        reject_reason_en=claim.reject_reason_en,
        timeline=timeline,
        next_steps=[NextStep(status=s, label_zh=STATUS_LABELS[s][0], label_en=STATUS_LABELS[s][1]) for s in upcoming],  # type: ignore[arg-type]
        approved_amount=claim.approved_amount,
        paid_target_minutes=paid_target_s // 60 if claim.fast_track else None,
    )
