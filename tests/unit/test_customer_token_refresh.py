"""When the policy API sends a customer token back fresh, and when as it was (policy_api/customer_token.py)."""

from __future__ import annotations

import time

import pytest

from policy_api.customer_token import TokenExpired, TokenSigner

SIGNER = TokenSigner("s" * 32, idle_s=30 * 60, max_age_s=8 * 60 * 60)


def now() -> int:
    """PyJWT checks iat and exp against the clock, so each test works from the time it runs."""
    return int(time.time())


def used(signer: TokenSigner, issued_at: int, used_at: int, auth_time: int | None = None) -> tuple[str, str]:
    token, _ = signer.issue("C0001", "conv", auth_time=auth_time, now=issued_at)
    claims = signer.check(token) if used_at - issued_at < signer.idle_s else None
    assert claims is not None
    return token, signer.kept_or_refreshed(token, claims, now=used_at)


def test_a_token_used_again_within_the_minute_comes_back_unchanged():
    at = now()
    token, kept = used(SIGNER, issued_at=at - 59, used_at=at)
    assert kept == token


def test_a_token_used_after_the_minute_comes_back_with_a_new_idle_period():
    at = now()
    token, kept = used(SIGNER, issued_at=at - 61, used_at=at)
    assert kept != token
    assert SIGNER.check(kept).expires_at == at + 30 * 60


def test_no_refresh_reaches_past_the_maximum_age_after_the_check():
    at = now()
    auth = at - 8 * 60 * 60 + 10 * 60  # verified almost 8 hours ago: 10 minutes left, whatever the use
    token, kept = used(SIGNER, issued_at=at - 20 * 60, used_at=at, auth_time=auth)
    assert SIGNER.check(kept).expires_at == auth + 8 * 60 * 60


def test_a_short_idle_period_refreshes_in_proportion():
    """An insurer that sets a 20-second idle period still gets tokens kept alive by use."""
    at = now()
    short = TokenSigner("s" * 32, idle_s=20, max_age_s=3600)
    token, kept = used(short, issued_at=at - 3, used_at=at)
    assert kept != token and short.refresh_step_s == 2


def test_an_unused_token_still_lapses_after_the_idle_period():
    at = now()
    token, _ = SIGNER.issue("C0001", "conv", now=at - 30 * 60 - 1)
    with pytest.raises(TokenExpired):
        SIGNER.check(token)
