"""Conversations of a signed-in app customer (`app-<customer_id>`) carry reminders and personal data,
and their id is guessable: only the customer's own app token opens one. The token is the insurer's
app JWT (HS256, `sub` = customer id, `exp`), the same the actions accept (APP_JWT_SECRET)."""

from __future__ import annotations

import re

import jwt

APP_PREFIX = "app-"
# A customer id as it may appear in a conversation id (CID pattern, 64 characters at most).
CUSTOMER_RE = re.compile(r"^[A-Za-z0-9_.:-]{1,32}$")


def is_app_conversation(cid: str) -> bool:
    return cid.startswith(APP_PREFIX)


def token_customer(token: object, secret: str) -> str | None:
    """The customer id a valid, unexpired app token was signed for, else None."""
    if not secret or not isinstance(token, str) or not 0 < len(token) <= 4096:
        return None  # no secret configured: an empty HMAC key would accept tokens anyone can sign
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"], options={"require": ["sub", "exp"]})
    except jwt.PyJWTError:
        return None
    customer = str(claims["sub"]).upper()
    return customer if CUSTOMER_RE.fullmatch(customer) else None


def token_opens(cid: str, token: object, secret: str) -> bool:
    """True when the token is valid, unexpired and signed for the customer this conversation belongs to."""
    customer = token_customer(token, secret)
    return customer is not None and customer == cid[len(APP_PREFIX):].upper()
