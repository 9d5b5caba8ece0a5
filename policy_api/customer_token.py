"""Customer tokens: the policy API's own signed statement "this conversation proved it is customer X".

A successful identity check (or a valid app token exchanged here) yields one; every personal-data route
requires it and serves only its customer, so neither the service key alone, nor a tracker whose slots
say "verified", nor an action that passes the wrong id reaches anyone else. Only this service holds the
key (CUSTOMER_TOKEN_SECRET); the bot keeps the token as an opaque string.

A token is an HS256 JWT (PyJWT, algorithm pinned, `iss`/`aud` checked) with the customer (`sub`), the
conversation (`cid`), when the customer proved it (`auth_time`), `iat` and `exp`. It expires after
`idle_s` without use: every accepted use returns the token to keep (header X-Customer-Token), a fresh one
once that would extend it by a tenth of `idle_s` (at most a minute), else the same one, and none is
refreshed past `max_age_s` after the check itself. Returning the same token within the minute keeps the
bot from storing a new token on every turn, at the price of lapsing up to that step early.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import jwt

from service_auth import hs256

ISSUER = "policy-api"
AUDIENCE = "policy-api:customer"
ALGORITHM = hs256.ALGORITHM
HEADER = "X-Customer-Token"
MAX_TOKEN_CHARS = 2048


class TokenExpired(Exception):
    """The token was valid once; the customer must verify again."""


class TokenInvalid(Exception):
    """Not a token we signed (forged, altered, wrong audience, malformed)."""


@dataclass(frozen=True)
class CustomerClaims:
    customer_id: str
    conversation_id: str
    auth_time: int
    expires_at: int


@dataclass(frozen=True)
class TokenSigner:
    secret: str
    idle_s: int = 30 * 60
    max_age_s: int = 8 * 60 * 60

    def issue(self, customer_id: str, conversation_id: str, auth_time: int | None = None,
              now: float | None = None) -> tuple[str, CustomerClaims]:
        now_s = int(time.time() if now is None else now)
        auth = now_s if auth_time is None else auth_time
        expires = self._expiry(now_s, auth)
        payload = {"iss": ISSUER, "aud": AUDIENCE, "sub": customer_id, "cid": conversation_id,
                   "auth_time": auth, "iat": now_s, "exp": expires}
        token = jwt.encode(payload, self.secret, algorithm=ALGORITHM)
        return token, CustomerClaims(customer_id, conversation_id, auth, expires)

    def check(self, token: str) -> CustomerClaims:
        claims = hs256.decode(token, self.secret, issuer=ISSUER, audience=AUDIENCE, max_chars=MAX_TOKEN_CHARS,
                              required=["sub", "cid", "auth_time", "iat", "exp"], expired=TokenExpired,
                              invalid=TokenInvalid)
        if not isinstance(claims["sub"], str) or not isinstance(claims["auth_time"], int):
            raise TokenInvalid("malformed claims")
        return CustomerClaims(claims["sub"], str(claims["cid"]), claims["auth_time"], int(claims["exp"]))

    def _expiry(self, now_s: int, auth_time: int) -> int:
        """An idle period from now, never beyond max_age_s after the identity check."""
        return min(now_s + self.idle_s, auth_time + self.max_age_s)

    @property
    def refresh_step_s(self) -> int:
        return max(1, min(60, self.idle_s // 10))

    def kept_or_refreshed(self, token: str, claims: CustomerClaims, now: float | None = None) -> str:
        """The token the caller keeps after this use: a fresh one for another idle period (never beyond
        max_age_s after the identity check) once that extends it by refresh_step_s; else the same one."""
        now_s = int(time.time() if now is None else now)
        if self._expiry(now_s, claims.auth_time) - claims.expires_at < self.refresh_step_s:
            return token
        return self.issue(claims.customer_id, claims.conversation_id, claims.auth_time, now=now_s)[0]
