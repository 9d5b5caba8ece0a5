"""Checking our own HS256 JWTs (PyJWT), written once for each kind we sign (customer tokens, e-policy links):
algorithm pinned, issuer and audience checked, the named claims required, an empty key never accepted."""

from __future__ import annotations

from typing import Any

import jwt

ALGORITHM = "HS256"


def decode(token: str, secret: str, *, issuer: str, audience: str, required: list[str], max_chars: int,
           expired: type[Exception], invalid: type[Exception]) -> dict[str, Any]:
    """The token's claims; `expired` when it was genuine but has lapsed, `invalid` for anything else."""
    if not secret:  # an empty HMAC key would accept tokens anyone can sign
        raise invalid("no signing key configured")
    if len(token) > max_chars:
        raise invalid("token too long")
    try:
        return jwt.decode(token, secret, algorithms=[ALGORITHM], audience=audience, issuer=issuer,
                          options={"require": required})
    except jwt.ExpiredSignatureError as exc:
        raise expired() from exc
    except jwt.PyJWTError as exc:
        raise invalid(type(exc).__name__) from exc
