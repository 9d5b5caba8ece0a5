"""E-policy download links: the policy API's signed statement "this verified customer may download the
e-policy of this policy once, until exp".

The policy API signs one when a verified customer asks for her e-policy (its customer token proves who she
is); the hub's download route checks it before it asks the policy API for the PDF, and the policy API checks
it again before it prints (the hub's service key alone prints nothing). Both hold EPOLICY_LINK_SECRET; the
bot passes the link on as an opaque URL. Each link has its own id (`jti`), which the policy API records with
the copy it prints: a second use of the same link is refused however many hub workers there are.

An HS256 JWT (PyJWT, algorithm pinned, `iss`/`aud` checked), a different audience from the customer tokens,
so neither can stand in for the other even if the two secrets were ever set to the same value.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

import jwt

from service_auth import hs256

ISSUER = "policy-api"
AUDIENCE = "hub:epolicy-download"
ALGORITHM = hs256.ALGORITHM
EPOLICY_LINK_SECRET = "EPOLICY_LINK_SECRET"  # the env name both services read it from
# A link is a URL path segment: anything much longer than a real one is refused before any parsing.
MAX_LINK_CHARS = 1024


class LinkExpired(Exception):
    """The link was genuine once; the customer asks the bot for a new one."""


class LinkInvalid(Exception):
    """Not a link we signed (forged, altered, another audience, malformed), or no key is configured."""


@dataclass(frozen=True)
class EpolicyGrant:
    customer_id: str
    policy_number: str
    conversation_id: str
    link_id: str
    expires_at: int


@dataclass(frozen=True)
class LinkSigner:
    secret: str
    ttl_s: int = 600

    def issue(self, customer_id: str, policy_number: str, conversation_id: str,
              now: float | None = None) -> tuple[str, EpolicyGrant]:
        if not self.secret:
            raise LinkInvalid("no signing key configured")
        now_s = int(time.time() if now is None else now)
        grant = EpolicyGrant(customer_id, policy_number, conversation_id, secrets.token_urlsafe(16), now_s + self.ttl_s)
        payload = {"iss": ISSUER, "aud": AUDIENCE, "sub": customer_id, "pol": policy_number,
                   "cid": conversation_id, "jti": grant.link_id, "iat": now_s, "exp": grant.expires_at}
        return jwt.encode(payload, self.secret, algorithm=ALGORITHM), grant

    def check(self, token: str) -> EpolicyGrant:
        claims = hs256.decode(token, self.secret, issuer=ISSUER, audience=AUDIENCE, max_chars=MAX_LINK_CHARS,
                              required=["sub", "pol", "cid", "jti", "iat", "exp"], expired=LinkExpired,
                              invalid=LinkInvalid)
        if not all(isinstance(claims[k], str) for k in ("sub", "pol", "cid", "jti")):
            raise LinkInvalid("malformed claims")
        return EpolicyGrant(claims["sub"], claims["pol"], claims["cid"], claims["jti"], int(claims["exp"]))
