"""Find the reminder steps due at `now` and create their rows (one per (kind, ref, step)) with a
pending delivery per channel the customer allows."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from common.language import supported
from desk_db.tables.policy import Customer, Policy, Premium
from desk_db.tables.reminders import Reminder, ReminderDelivery
from outreach.settings import Settings
from outreach.steps import tightest_step
from reminder_records.optout import allowed_channels

log = logging.getLogger("outreach")


@dataclass
class Found:
    created: list[dict] = field(default_factory=list)
    opted_out: list[str] = field(default_factory=list)  # "kind ref": due, but the customer allows no channel
    policies_without_schedule: list[str] = field(default_factory=list)
    customers_without_policies: list[str] = field(default_factory=list)


def local_today(now: datetime, settings: Settings) -> date:
    return now.astimezone(settings.timezone).date()


def renewal_ref(policy: Policy) -> str:
    return f"{policy.policy_number}/{policy.end_date.isoformat()}"


def _already_covered(session: Session, kind: str, ref: str, step: int) -> bool:
    """A reminder at this step or a tighter one exists: nothing looser is sent late."""
    return bool(session.scalar(select(exists().where(Reminder.kind == kind, Reminder.ref == ref,
                                                     Reminder.step <= step))))


def _create(session: Session, found: Found, customer: Customer, policy: Policy, kind: str, ref: str, step: int,
            due: date, amount: object, now: datetime) -> None:
    if _already_covered(session, kind, ref, step):
        return
    channels = allowed_channels(session, customer.customer_id)
    if not channels:
        found.opted_out.append(f"{kind} {ref}")
        return
    reminder = Reminder(customer_id=customer.customer_id, kind=kind, ref=ref, step=step,
                        policy_number=policy.policy_number, due_date=due, amount=amount,
                        language=supported(customer.preferred_language), created_at=now)
    reminder.deliveries = [ReminderDelivery(channel=c, status="pending", created_at=now, updated_at=now)
                           for c in sorted(channels)]
    try:
        with session.begin_nested():  # another pass may have created it a moment ago
            session.add(reminder)
    except IntegrityError:
        return
    found.created.append({"kind": kind, "ref": ref, "step": step, "customer_id": customer.customer_id,
                          "channels": sorted(channels)})


def create_due_reminders(session: Session, now: datetime, settings: Settings) -> Found:
    """Create the due reminders; the caller commits."""
    found = Found()
    today = local_today(now, settings)
    horizon = today + timedelta(days=max(settings.premium_steps))
    premiums = session.execute(
        select(Premium, Policy, Customer).join(Policy, Premium.policy_number == Policy.policy_number)
        .join(Customer, Policy.customer_id == Customer.customer_id)
        .where(Premium.status == "due", Policy.status == "active",
               Premium.due_date >= today, Premium.due_date <= horizon)
        .order_by(Premium.due_date, Premium.id)
    ).all()
    for premium, policy, customer in premiums:
        step = tightest_step(premium.due_date, today, settings.premium_steps)
        if step is not None:
            _create(session, found, customer, policy, "premium", str(premium.id), step, premium.due_date,
                    premium.amount, now)

    horizon = today + timedelta(days=max(settings.renewal_steps))
    policies = session.execute(
        select(Policy, Customer).join(Customer, Policy.customer_id == Customer.customer_id)
        .where(Policy.status == "active", Policy.end_date >= today, Policy.end_date <= horizon)
        .order_by(Policy.end_date, Policy.policy_number)
    ).all()
    for policy, customer in policies:
        step = tightest_step(policy.end_date, today, settings.renewal_steps)
        if step is not None:
            _create(session, found, customer, policy, "renewal", renewal_ref(policy), step, policy.end_date,
                    policy.annual_premium, now)

    # Bad data is reported, not fatal: a policy with no premium schedule, a customer with no policies.
    found.policies_without_schedule = list(session.scalars(
        select(Policy.policy_number).where(Policy.status == "active",
                                           ~exists().where(Premium.policy_number == Policy.policy_number))
        .order_by(Policy.policy_number)))
    found.customers_without_policies = list(session.scalars(
        select(Customer.customer_id).where(~exists().where(Policy.customer_id == Customer.customer_id))
        .order_by(Customer.customer_id)))
    for number in found.policies_without_schedule:
        log.warning("policy %s is active but has no premium schedule", number)
    return found
