"""Loading rows by id with the right API error when missing, malformed or not owned."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from common import normalize
from desk_db.tables.policy import Claim, Customer, Policy, Premium
from policy_api import errors


def customer(session: Session, customer_id: str) -> Customer:
    row = session.get(Customer, customer_id.strip().upper())
    if row is None:
        raise errors.CustomerNotFound()
    return row


def policy(session: Session, raw_number: str, customer_id: str | None = None) -> Policy:
    number = normalize.policy_number(raw_number)
    if number is None:
        raise errors.InvalidPolicyNumber()
    row = session.get(Policy, number)
    if row is None:
        raise errors.PolicyNotFound()
    if customer_id is not None and row.customer_id != customer_id.strip().upper():
        raise errors.PolicyNotOwned()
    return row


def claim(session: Session, raw_number: str, customer_id: str | None = None) -> Claim:
    number = normalize.claim_number(raw_number)
    if number is None:
        raise errors.InvalidClaimNumber()
    row = session.get(Claim, number)
    if row is None:
        raise errors.ClaimNotFound()
    if customer_id is not None and row.customer_id != customer_id.strip().upper():
        raise errors.ClaimNotOwned()
    return row


def next_unpaid_premium(session: Session, policy_number: str) -> Premium | None:
    return session.scalars(
        select(Premium)
        .where(Premium.policy_number == policy_number, Premium.status == "due")
        .order_by(Premium.due_date, Premium.id)
        .limit(1)
    ).first()
