"""The identity-check lockout of the policy API: which identifiers one check touches, and the Lockout."""

from __future__ import annotations

from fastapi import Request

from desk_db.tables.policy import Customer
from policy_api.settings import Settings
from service_auth.lockout import Identifier, Lockout, LockoutPolicy


def make_lockout(settings: Settings) -> Lockout:
    policy = LockoutPolicy(settings.identity_max_failures, settings.identity_failure_window_s,
                           settings.identity_lock_s)
    # Keyed under the API's own secret: Redis holds no readable phone or policy numbers.
    return Lockout(settings.redis_url, settings.identity_redis_prefix, policy, secret=settings.api_key)


def get_lockout(request: Request) -> Lockout:
    return request.app.state.identity_lockout


def identifiers(phone: str | None, policy_number: str | None,
                customers: list[Customer | None]) -> list[Identifier]:
    """Everything one check guesses at: the phone and policy number given, and every customer they
    name. Counting the customer too means switching between her phone and her policies gains nothing.
    Unknown phones and policies are counted like known ones, so a lock tells nothing about existence."""
    found: list[Identifier] = []
    if phone:
        found.append(("phone", phone))
    if policy_number:
        found.append(("policy", policy_number))
    for customer in customers:
        if customer is not None and ("customer", customer.customer_id) not in found:
            found.append(("customer", customer.customer_id))
    return found
