"""Renewing a policy for the next period: a premium for that period with a payment link; paying it
extends the policy by a year (`apply_if_renewal`, called when a payment is confirmed)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from common import clock
from desk_db.tables.policy import Policy, Premium
from desk_db.tables.reminders import PolicyRenewal
from policy_api.errors import ApiError, PolicyInactive

RENEWAL_WINDOW_DAYS = 30


class NotInRenewalWindow(ApiError):
    status_code, code = 409, "not_in_renewal_window"
    message = f"A policy can be renewed in the last {RENEWAL_WINDOW_DAYS} days of its cover."


class AlreadyRenewed(ApiError):
    status_code, code, message = 409, "already_renewed", "This policy has already been renewed for the next period."


def renewal_premium(session: Session, policy: Policy) -> tuple[Premium, PolicyRenewal]:
    """The unpaid premium of the policy's next period, created on the first request. The caller commits."""
    if policy.status != "active":
        raise PolicyInactive()
    existing = session.scalars(select(PolicyRenewal).where(PolicyRenewal.policy_number == policy.policy_number,
                                                          PolicyRenewal.old_end_date == policy.end_date)).first()
    if existing is not None:
        premium = session.get(Premium, existing.premium_id)
        if existing.renewed_at is not None or premium is None or premium.status == "paid":
            raise AlreadyRenewed()
        return premium, existing
    days_left = (policy.end_date - clock.today()).days
    if not 0 <= days_left <= RENEWAL_WINDOW_DAYS:
        raise NotInRenewalWindow()
    premium = Premium(policy_number=policy.policy_number, due_date=policy.end_date + timedelta(days=1),
                      amount=policy.annual_premium, status="due")
    session.add(premium)
    session.flush()
    renewal = PolicyRenewal(policy_number=policy.policy_number, premium_id=premium.id,
                            old_end_date=policy.end_date, new_end_date=clock.add_years(policy.end_date, 1))
    session.add(renewal)
    session.flush()
    return premium, renewal


def apply_if_renewal(session: Session, premium: Premium, now: datetime) -> None:
    """The premium just paid renews a policy: extend its cover. The caller commits."""
    renewal = session.scalars(select(PolicyRenewal).where(PolicyRenewal.premium_id == premium.id)).first()
    if renewal is None or renewal.renewed_at is not None:
        return
    policy = session.get(Policy, renewal.policy_number)
    if policy is not None and policy.end_date == renewal.old_end_date:
        policy.end_date = renewal.new_end_date
    renewal.renewed_at = now
