from desk_db.tables.policy import Payment
from policy_api.deps import CustomerDep, SessionDep
from policy_api.errors import PaymentNotFound
from policy_api.routers import customer_router, error_docs
from policy_api.schemas import PaymentOut

router = customer_router("payments")


@router.get("/payments/{payment_id}", response_model=PaymentOut, responses=error_docs(404))
def get_payment(payment_id: str, session: SessionDep, customer: CustomerDep) -> PaymentOut:
    payment = session.get(Payment, payment_id)
    # Another customer's payment is "not found": its id says nothing to the token's customer.
    if payment is None or payment.premium.policy.customer_id != customer.customer_id:
        raise PaymentNotFound()
    return PaymentOut(
        payment_id=payment.payment_id,
        premium_id=payment.premium_id,
        policy_number=payment.premium.policy_number,
        amount=payment.amount,
        status=payment.status,  # type: ignore[arg-type]
        created_at=payment.created_at,
        paid_at=payment.paid_at,
    )
