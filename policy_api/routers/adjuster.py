"""The adjusters' queue and decisions. Internal: the service key, and the adjuster's username in
X-Adjuster, which the hub sets from the signed-in adjuster's (or supervisor's) console session; it is not a
credential of its own, so only our services (which hold the key) can act, and each action records who did it.

Each decision is a status change the claim machine allows (policy_api/claim_flow.py), recorded with the
adjuster in the claim's events; an amount is within the claim and the policy's sum insured."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import Header, Query
from pydantic import BaseModel, Field
from sqlalchemy import select

from claims.progress_texts import MATERIAL_KINDS, REJECT_REASONS
from common.clock import utcnow
from desk_db.tables.policy import Claim, Policy
from policy_api import lookups
from policy_api.claim_flow import approve_and_pay, move, record
from policy_api.claim_rules import STATUS_LABELS
from policy_api.deps import PayoutsDep, SessionDep
from policy_api.errors import ApiError
from policy_api.routers import error_docs, v1_router
from policy_api.schemas import Money

router = v1_router("adjuster")
USERNAME = r"^[a-z0-9][a-z0-9_.-]{2,31}$"  # hub_records/accounts.py USERNAME
AdjusterHeader = Annotated[str, Header(alias="X-Adjuster", pattern=USERNAME,
                                       description="The adjuster acting (the hub's signed-in user).")]
RejectCode = Literal[tuple(REJECT_REASONS)]  # type: ignore[valid-type]
MaterialKind = Literal[tuple(MATERIAL_KINDS)]  # type: ignore[valid-type]


class NotDecidable(ApiError):
    status_code, code, message = 409, "claim_not_decidable", "Only a claim that is reported or under review can be decided."


class EventOut(BaseModel):
    status: str
    kind: str
    at: datetime
    note: str | None
    actor: str | None


class QueuedClaim(BaseModel):
    claim_number: str
    policy_number: str
    customer_id: str
    insurance_type: str
    amount: Money
    sum_insured: Money
    status: str
    status_label_zh: str
    status_label_en: str
    fast_track: bool
    review_queue: str | None
    created_at: datetime
    findings: dict[str, Any] | None
    problems: list[dict[str, str]]


class ClaimDetail(QueuedClaim):
    approved_amount: Money | None
    payout_reference: str | None
    events: list[EventOut]


class Queue(BaseModel):
    claims: list[QueuedClaim]
    reject_reasons: dict[str, tuple[str, str]]
    material_kinds: dict[str, tuple[str, str]]


class ApproveIn(BaseModel):
    amount: Money = Field(gt=0, max_digits=14, decimal_places=2)
    note: str = Field(default="", max_length=500)


class RejectIn(BaseModel):
    reason_code: RejectCode
    text: str = Field(default="", max_length=500)


class MaterialsIn(BaseModel):
    kinds: list[MaterialKind] = Field(min_length=1, max_length=len(MATERIAL_KINDS))
    note: str = Field(default="", max_length=500)


def _queued(claim: Claim, policy: Policy) -> dict[str, Any]:
    label_zh, label_en = STATUS_LABELS[claim.status]
    return {"claim_number": claim.claim_number, "policy_number": claim.policy_number,
            "customer_id": claim.customer_id, "insurance_type": claim.insurance_type, "amount": claim.amount,
            "sum_insured": policy.sum_insured, "status": claim.status, "status_label_zh": label_zh,
            "status_label_en": label_en, "fast_track": claim.fast_track, "review_queue": claim.review_queue,
            "created_at": claim.created_at,
            "findings": json.loads(claim.review_findings) if claim.review_findings else None,
            "problems": json.loads(claim.review_problems) if claim.review_problems else []}


def _detail(claim: Claim, policy: Policy) -> ClaimDetail:
    events = [EventOut(status=e.status, kind=e.kind, at=e.at, note=e.note, actor=e.actor) for e in claim.events]
    return ClaimDetail(**_queued(claim, policy), approved_amount=claim.approved_amount,
                       payout_reference=claim.payout_reference, events=events)


def _open_claim(session: SessionDep, claim_number: str) -> tuple[Claim, Policy]:
    claim = lookups.claim(session, claim_number)
    if claim.status not in ("reported", "reviewing"):
        raise NotDecidable()
    return claim, lookups.policy(session, claim.policy_number)


@router.get("/adjuster/claims", response_model=Queue)
def queue(session: SessionDep, _adjuster: AdjusterHeader,
          limit: Annotated[int, Query(ge=1, le=200)] = 50) -> Queue:
    """Claims waiting for an adjuster, oldest first, with what the review found."""
    rows = session.execute(select(Claim, Policy).join(Policy, Policy.policy_number == Claim.policy_number)
                           .where(Claim.review_queue == "adjuster", Claim.status.in_(("reported", "reviewing")))
                           .order_by(Claim.created_at, Claim.claim_number).limit(limit)).all()
    return Queue(claims=[QueuedClaim(**_queued(c, p)) for c, p in rows], reject_reasons=REJECT_REASONS,
                 material_kinds=MATERIAL_KINDS)


@router.get("/adjuster/claims/{claim_number}", response_model=ClaimDetail, responses=error_docs(404))
def claim_detail(claim_number: str, session: SessionDep, _adjuster: AdjusterHeader) -> ClaimDetail:
    claim = lookups.claim(session, claim_number)
    return _detail(claim, lookups.policy(session, claim.policy_number))


@router.post("/adjuster/claims/{claim_number}/approve", response_model=ClaimDetail, responses=error_docs(404, 409))
def approve(claim_number: str, body: ApproveIn, session: SessionDep, adjuster: AdjusterHeader,
            payouts: PayoutsDep) -> ClaimDetail:
    """Approve an amount (at most the claimed amount and the sum insured) and send the payout: → 赔付中."""
    claim, policy = _open_claim(session, claim_number)
    note = "理赔专员审核通过 / Approved by an adjuster" + (f": {body.note.strip()}" if body.note.strip() else "")
    approve_and_pay(session, claim, body.amount, utcnow(), f"adjuster:{adjuster}", payouts, note)
    session.commit()
    return _detail(claim, policy)


@router.post("/adjuster/claims/{claim_number}/reject", response_model=ClaimDetail, responses=error_docs(404, 409))
def reject(claim_number: str, body: RejectIn, session: SessionDep, adjuster: AdjusterHeader) -> ClaimDetail:
    """Reject for a reason from the list, with free text for the detail: → 已拒赔."""
    claim, policy = _open_claim(session, claim_number)
    label_zh, label_en = REJECT_REASONS[body.reason_code]
    text = body.text.strip()
    claim.reject_reason_zh = f"{label_zh}（{text}）" if text else label_zh
    claim.reject_reason_en = f"{label_en} ({text})" if text else label_en
    claim.review_queue = None
    move(session, claim, "rejected", utcnow(), f"拒赔 / Rejected: {body.reason_code}", f"adjuster:{adjuster}",
         detail={"reason_code": body.reason_code})
    session.commit()
    return _detail(claim, policy)


@router.post("/adjuster/claims/{claim_number}/request-materials", response_model=ClaimDetail,
             responses=error_docs(404, 409))
def request_materials(claim_number: str, body: MaterialsIn, session: SessionDep,
                      adjuster: AdjusterHeader) -> ClaimDetail:
    """Ask the customer for more materials (which kinds); the claim waits for them under review."""
    claim, policy = _open_claim(session, claim_number)
    now, actor = utcnow(), f"adjuster:{adjuster}"
    if claim.status == "reported":
        move(session, claim, "reviewing", now, "材料审核中 / Under review", actor)
    kinds = list(dict.fromkeys(body.kinds))
    claim.review_queue = "materials"
    record(session, claim, "materials_requested", now,
           "请补充材料 / Materials requested" + (f": {body.note.strip()}" if body.note.strip() else ""), actor,
           detail={"kinds": kinds})
    session.commit()
    return _detail(claim, policy)
