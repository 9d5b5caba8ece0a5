"""Conversations of a signed-in app customer (`app-<customer_id>`) carry reminders and personal data,
and their id is guessable: only the customer's own app token opens one. The token is the insurer's
app JWT (HS256, `sub` = customer id, `exp`; service_auth.app_tokens), the same the policy API exchanges
for customer tokens."""

from __future__ import annotations

from service_auth.app_tokens import token_customer

APP_PREFIX = "app-"

__all__ = ["APP_PREFIX", "is_app_conversation", "token_customer", "token_opens"]


def is_app_conversation(cid: str) -> bool:
    return cid.startswith(APP_PREFIX)


def token_opens(cid: str, token: object, secret: str) -> bool:
    """True when the token is valid, unexpired and signed for the customer this conversation belongs to."""
    customer = token_customer(token, secret)
    return customer is not None and customer == cid[len(APP_PREFIX):].upper()
