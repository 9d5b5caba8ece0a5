from datetime import timedelta
from typing import Annotated

from fastapi import Query
from sqlalchemy import select

from common import clock
from desk_db.tables.policy import Policy
from policy_api import lookups
from policy_api.deps import CustomerDep, SessionDep
from policy_api.routers import customer_router, error_docs
from policy_api.schemas import (
    NextPremium,
    PolicyDetail,
    PolicyList,
    PolicySummary,
    RenewalItem,
    RenewalList,
)

router = customer_router("policies")


@router.get("/customers/{customer_id}/policies", response_model=PolicyList, responses=error_docs(404))
def list_policies(customer_id: str, session: SessionDep) -> PolicyList:
    customer = lookups.customer(session, customer_id)
    rows = session.scalars(
        select(Policy).where(Policy.customer_id == customer.customer_id).order_by(Policy.policy_number)
    )
    return PolicyList(policies=[PolicySummary.model_validate(p) for p in rows])


@router.get("/policies/{policy_number}", response_model=PolicyDetail, responses=error_docs(403, 404))
def get_policy(
    policy_number: str,
    session: SessionDep,
    customer: CustomerDep,
    customer_id: Annotated[str | None, Query(description="When given, the token's customer.")] = None,
) -> PolicyDetail:
    """One policy of the token's customer (403 `policy_not_owned` for anyone else's)."""
    policy = lookups.policy(session, policy_number, customer.customer_id)
    premium = lookups.next_unpaid_premium(session, policy.policy_number)
    next_premium = None
    if premium is not None:
        next_premium = NextPremium(
            premium_id=premium.id,
            due_date=premium.due_date,
            amount=premium.amount,
            days_until_due=(premium.due_date - clock.today()).days,
        )
    return PolicyDetail(
        **PolicySummary.model_validate(policy).model_dump(),
        insured_name=policy.insured_name,
        sum_insured=policy.sum_insured,
        annual_premium=policy.annual_premium,
        payment_frequency=policy.payment_frequency,
        next_premium=next_premium,
    )


@router.get("/customers/{customer_id}/renewals", response_model=RenewalList, responses=error_docs(404))
def list_renewals(
    customer_id: str,
    session: SessionDep,
    within_days: Annotated[int, Query(ge=0, le=366)] = 30,
) -> RenewalList:
    """Active policies whose cover ends within `within_days` days (today included)."""
    customer = lookups.customer(session, customer_id)
    today = clock.today()
    rows = session.scalars(
        select(Policy)
        .where(
            Policy.customer_id == customer.customer_id,
            Policy.status == "active",
            Policy.end_date >= today,
            Policy.end_date <= today + timedelta(days=within_days),
        )
        .order_by(Policy.end_date, Policy.policy_number)
    )
    return RenewalList(
        policies=[
            RenewalItem(
                policy_number=p.policy_number,
                product_name_zh=p.product_name_zh,
                product_name_en=p.product_name_en,
                insurance_type=p.insurance_type,  # type: ignore[arg-type]
                end_date=p.end_date,
                days_left=(p.end_date - today).days,
                renewal_premium=p.annual_premium,
            )
            for p in rows
        ]
    )
