"""devstack mints the tokens the test run's services check without importing them: the policy API's signer must
take its customer tokens as its own."""

from __future__ import annotations

import pytest

from devstack import services
from policy_api.customer_token import TokenExpired, TokenSigner


def test_the_policy_api_accepts_devstack_customer_tokens() -> None:
    claims = TokenSigner(services.CUSTOMER_TOKEN_SECRET).check(services.customer_token("C0001", "unit"))
    assert (claims.customer_id, claims.conversation_id) == ("C0001", "unit")
    assert claims.expires_at - claims.auth_time == 30 * 60


def test_an_idle_period_past_makes_an_expired_token() -> None:
    with pytest.raises(TokenExpired):
        TokenSigner(services.CUSTOMER_TOKEN_SECRET).check(services.customer_token("C0001", idle_s=-1))
