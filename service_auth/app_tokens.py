"""The insurer's app tokens: HS256 JWTs (`sub` = customer id, `exp`) signed with APP_JWT_SECRET.

One check for every service that accepts them (the hub opening `app-<customer>` chats, the policy API
exchanging them for customer tokens)."""

from __future__ import annotations

import re

import jwt

# A customer id as it may appear in a conversation id (CID pattern, 64 characters at most).
CUSTOMER_RE = re.compile(r"^[A-Za-z0-9_.:-]{1,32}$")


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
