"""保单整理: one customer's policies summed up per insured person, the gaps worth a look, and the
few things that need the customer's attention right now (for a personal greeting)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk_db.tables.policy import Claim, ClaimEvent, Customer, Policy
from policy_api.schemas import (
    CoverageGap,
    Highlight,
    Highlights,
    InsuredCover,
    PortfolioPolicy,
    PortfolioSummary,
)

EXPIRY_WINDOW_DAYS = 30  # an active policy ending this soon is worth a word
PREMIUM_WINDOW_DAYS = 15  # the earliest premium reminder step
CLAIM_NEWS_DAYS = 7  # a claim whose status changed this recently "moved"
# Cover a household is usually advised to hold; its absence is shown as a gap, not a sales pitch.
BASIC_COVER = (("health", "no_health_cover"), ("accident", "no_accident_cover"))


def _policies(session: Session, customer: Customer) -> list[Policy]:
    return list(session.scalars(
        select(Policy).where(Policy.customer_id == customer.customer_id).order_by(Policy.policy_number)
    ))


def _next_due(policy: Policy):  # -> Premium | None
    return next((p for p in policy.premiums if p.status == "due"), None)


def _portfolio_policy(policy: Policy) -> PortfolioPolicy:
    due = _next_due(policy)
    return PortfolioPolicy(
        policy_number=policy.policy_number, insurance_type=policy.insurance_type,  # type: ignore[arg-type]
        product_name_zh=policy.product_name_zh, product_name_en=policy.product_name_en,
        status=policy.status,  # type: ignore[arg-type]
        end_date=policy.end_date, sum_insured=policy.sum_insured, annual_premium=policy.annual_premium,
        payment_frequency=policy.payment_frequency,
        next_due_date=due.due_date if due else None, next_due_amount=due.amount if due else None,
    )


def _gaps(policies: list[Policy], today: date) -> list[CoverageGap]:
    gaps: list[CoverageGap] = []
    active = [p for p in policies if p.status == "active" and p.end_date >= today]
    for policy in active:
        days_left = (policy.end_date - today).days
        if days_left <= EXPIRY_WINDOW_DAYS:
            gaps.append(CoverageGap(code="policy_expiring", insurance_type=policy.insurance_type,  # type: ignore[arg-type]
                                    policy_number=policy.policy_number, days=days_left))
        due = _next_due(policy)
        if due is not None and due.due_date < today:
            gaps.append(CoverageGap(code="premium_overdue", policy_number=policy.policy_number,
                                    days=(today - due.due_date).days))
    for policy in policies:
        if policy.status == "lapsed":
            gaps.append(CoverageGap(code="policy_lapsed", insurance_type=policy.insurance_type,  # type: ignore[arg-type]
                                    policy_number=policy.policy_number))
    held = {p.insurance_type for p in active}
    gaps += [CoverageGap(code=code, insurance_type=kind) for kind, code in BASIC_COVER  # type: ignore[arg-type]
             if kind not in held]
    return gaps


def summary(session: Session, customer: Customer, today: date) -> PortfolioSummary:
    policies = _policies(session, customer)
    by_insured: dict[str, list[Policy]] = defaultdict(list)
    for policy in policies:
        by_insured[policy.insured_name].append(policy)
    insured = []
    for name, held in by_insured.items():
        sums: dict[str, Decimal] = defaultdict(Decimal)
        for policy in held:
            if policy.status == "active":
                sums[policy.insurance_type] += policy.sum_insured
        insured.append(InsuredCover(insured_name=name, policies=[_portfolio_policy(p) for p in held],
                                    sum_insured_by_type=dict(sums)))
    active = [p for p in policies if p.status == "active"]
    dues = sorted(((d.due_date, d.amount, p.policy_number) for p in active if (d := _next_due(p))),
                  key=lambda item: item[0])
    first_due = dues[0] if dues else (None, None, None)
    return PortfolioSummary(
        customer_id=customer.customer_id, as_of=today, policy_count=len(policies), active_count=len(active),
        annual_premium_total=sum((p.annual_premium for p in active), Decimal(0)),
        next_due_date=first_due[0], next_due_amount=first_due[1], next_due_policy_number=first_due[2],
        insured=insured, gaps=_gaps(policies, today),
    )


def highlights(session: Session, customer: Customer, today: date, now: datetime) -> Highlights:
    """Premiums due soon (or overdue), claims that moved in the last week, cover about to end."""
    items: list[Highlight] = []
    policies = _policies(session, customer)
    for policy in policies:
        names = {"product_name_zh": policy.product_name_zh, "product_name_en": policy.product_name_en}
        due = _next_due(policy) if policy.status == "active" else None
        if due is not None and (due.due_date - today).days <= PREMIUM_WINDOW_DAYS:
            items.append(Highlight(kind="premium_due", policy_number=policy.policy_number, due_date=due.due_date,
                                   amount=due.amount, days=(due.due_date - today).days, **names))
        days_left = (policy.end_date - today).days
        if policy.status == "active" and 0 <= days_left <= EXPIRY_WINDOW_DAYS:
            items.append(Highlight(kind="policy_expiring", policy_number=policy.policy_number,
                                   due_date=policy.end_date, days=days_left, **names))
    by_number = {p.policy_number: p for p in policies}
    since = now - timedelta(days=CLAIM_NEWS_DAYS)
    recent = session.execute(
        select(Claim, ClaimEvent.at)
        .join(ClaimEvent, ClaimEvent.claim_number == Claim.claim_number)
        .where(Claim.customer_id == customer.customer_id, ClaimEvent.at >= since)
        .order_by(ClaimEvent.at.desc())
    ).all()
    seen: set[str] = set()
    for claim, at in recent:
        if claim.claim_number in seen:
            continue  # the latest change per claim is enough
        seen.add(claim.claim_number)
        policy = by_number[claim.policy_number]
        items.append(Highlight(kind="claim_update", policy_number=claim.policy_number,
                               claim_number=claim.claim_number, claim_status=claim.status,  # type: ignore[arg-type]
                               changed_at=at, product_name_zh=policy.product_name_zh,
                               product_name_en=policy.product_name_en))
    order = {"premium_due": 0, "claim_update": 1, "policy_expiring": 2}
    items.sort(key=lambda item: (order[item.kind], item.days if item.days is not None else 0))
    return Highlights(customer_id=customer.customer_id, name=customer.name, items=items)
