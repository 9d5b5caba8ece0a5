import logging

from fastapi import status
from sqlalchemy import select

from common import clock
from common.clock import utcnow
from desk_db.tables.policy import Payment, Policy, Premium
from policy_api import lookups
from policy_api.deps import CustomerDep, GatewayDep, RowId, SessionDep, same_customer
from policy_api.errors import CustomerTokenMismatch, PremiumAlreadyPaid, PremiumNotFound, PremiumNotOwned
from policy_api.routers import customer_router, error_docs
from policy_api.schemas import PaymentCreate, PaymentCreated, PremiumDue, PremiumDueList

log = logging.getLogger("policy_api")
router = customer_router("premiums")


@router.get("/customers/{customer_id}/premiums/due", response_model=PremiumDueList, responses=error_docs(404))
def premiums_due(customer_id: str, session: SessionDep) -> PremiumDueList:
    """The next unpaid premium of each active policy, soonest first (overdue ones are negative)."""
    customer = lookups.customer(session, customer_id)
    today = clock.today()
    policies = session.scalars(
        select(Policy).where(Policy.customer_id == customer.customer_id, Policy.status == "active")
    )
    items: list[PremiumDue] = []
    for policy in policies:
        premium = lookups.next_unpaid_premium(session, policy.policy_number)
        if premium is None:
            continue
        items.append(
            PremiumDue(
                premium_id=premium.id,
                policy_number=policy.policy_number,
                product_name_zh=policy.product_name_zh,
                product_name_en=policy.product_name_en,
                due_date=premium.due_date,
                amount=premium.amount,
                days_until_due=(premium.due_date - today).days,
                status=premium.status,  # type: ignore[arg-type]
            )
        )
    items.sort(key=lambda p: (p.due_date, p.policy_number))
    return PremiumDueList(premiums=items)


@router.post(
    "/premiums/{premium_id}/payments",
    response_model=PaymentCreated,
    status_code=status.HTTP_201_CREATED,
    responses=error_docs(403, 404, 409),
)
def create_payment(premium_id: RowId, body: PaymentCreate, session: SessionDep, gateway: GatewayDep,
                   customer: CustomerDep) -> PaymentCreated:
    """Open a payment for one of the token's customer's premiums and return the gateway link to send them."""
    if not same_customer(customer, body.customer_id):
        raise CustomerTokenMismatch()
    premium = session.get(Premium, premium_id)
    if premium is None:
        raise PremiumNotFound()
    # Ownership before paid-state, so a stranger learns nothing about someone else's premium.
    if premium.policy.customer_id != customer.customer_id:
        raise PremiumNotOwned()
    if premium.status == "paid":
        raise PremiumAlreadyPaid()
    created = gateway.create_payment(
        amount=premium.amount, description=f"{premium.policy_number} premium due {premium.due_date}"
    )
    session.add(
        Payment(
            payment_id=created.payment_id,
            premium_id=premium.id,
            amount=premium.amount,
            status="pending",
            created_at=utcnow(),
        )
    )
    session.commit()
    log.info("payment link created for premium %s of %s", premium.id, premium.policy_number)
    return PaymentCreated(
        payment_id=created.payment_id, payment_url=created.payment_url, amount=premium.amount, status="pending"
    )
