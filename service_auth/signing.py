"""Signatures on calls to Rasa's customer channel and the action server's shared-secret header.

Stdlib only: Rasa's virtualenv (the channel, the action server) imports it as well as ours.
The channel signature covers the exact body bytes and a timestamp, so a captured request cannot be
altered and is refused once it is older than MAX_SKEW_S.
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-Desk-Signature"
ACTION_SECRET_HEADER = "X-Desk-Action-Secret"
MAX_SKEW_S = 300


def _mac(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, now: float | None = None) -> str:
    """The X-Desk-Signature value for this body: `t=<unix seconds>,v1=<hex HMAC-SHA256>`."""
    timestamp = int(time.time() if now is None else now)
    return f"t={timestamp},v1={_mac(secret, timestamp, body)}"


def signature_problem(secret: str, body: bytes, header: str | None, now: float | None = None) -> str | None:
    """Why the signature does not hold for this body, or None when it does."""
    if not secret:  # never reached through an entry point (they refuse to start); no empty-key MACs
        return "the channel has no secret configured"
    if not header:
        return f"missing {SIGNATURE_HEADER} header"
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(fields.get("t", ""))
    except ValueError:
        return f"malformed {SIGNATURE_HEADER} header"
    if abs((time.time() if now is None else now) - timestamp) > MAX_SKEW_S:
        return "signature timestamp outside the allowed window"
    if not hmac.compare_digest(fields.get("v1", ""), _mac(secret, timestamp, body)):
        return "signature does not match the body"
    return None


def presented_key(authorization: str | None, fallback: str | None) -> str | None:
    """The key a caller presents: `Authorization: Bearer <key>` (what Prometheus can send), else `fallback`
    (the service's own header)."""
    bearer = authorization or ""
    return bearer[7:] if bearer.lower().startswith("bearer ") else fallback


def same_secret(provided: str | None, expected: str) -> bool:
    """Constant-time comparison of a presented shared secret; an empty expected secret matches nothing."""
    return bool(expected) and provided is not None and hmac.compare_digest(provided.encode(), expected.encode())
