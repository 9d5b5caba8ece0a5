"""Tokens the insurer's app would give a logged-in customer, signed with the test run's app secret."""

from __future__ import annotations

import time

import jwt

from devstack import services


def app_token(customer_id: str, secret: str = services.JWT_SECRET, ttl_s: int = 600) -> str:
    """A token as the insurer's app would sign it for a logged-in customer."""
    return jwt.encode({"sub": customer_id, "exp": int(time.time()) + ttl_s}, secret, algorithm="HS256")
