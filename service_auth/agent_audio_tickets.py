"""Tickets that let an agent's console join one phone call's audio (a person on the line).

The hub signs a ticket for the agent who owns a voice conversation (console session checked there); the voice
gateway, a separate front door, checks it before it lets a browser hear or speak on the call. A ticket names one
call and one agent, lives AGENT_AUDIO_TTL_S, and is spent on first use (its jti), so a copied one is worth
nothing after the agent has joined. Both services hold VOICE_AGENT_AUDIO_SECRET; unset, the feature is off.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

import jwt

from service_auth import hs256

ISSUER = "handoff-hub"
AUDIENCE = "voice:agent-audio"
AGENT_AUDIO_SECRET = "VOICE_AGENT_AUDIO_SECRET"  # the env name both services read it from
AGENT_AUDIO_TTL_S = 60  # long enough to open a socket after the click, short enough to be useless if leaked
MAX_TICKET_CHARS = 1024


class TicketExpired(Exception):
    """Genuine but lapsed: the console asks the hub for a new one."""


class TicketInvalid(Exception):
    """Not a ticket the hub signed (forged, altered, another audience, malformed), or no key is configured."""


@dataclass(frozen=True)
class AudioGrant:
    call_id: str
    agent: str
    ticket_id: str
    expires_at: int


@dataclass(frozen=True)
class TicketSigner:
    secret: str
    ttl_s: int = AGENT_AUDIO_TTL_S

    def issue(self, call_id: str, agent: str, now: float | None = None) -> str:
        if not self.secret:
            raise TicketInvalid("no signing key configured")
        now_s = int(time.time() if now is None else now)
        payload = {"iss": ISSUER, "aud": AUDIENCE, "sub": agent, "cid": call_id, "jti": secrets.token_urlsafe(16),
                   "iat": now_s, "exp": now_s + self.ttl_s}
        return jwt.encode(payload, self.secret, algorithm=hs256.ALGORITHM)

    def check(self, ticket: str) -> AudioGrant:
        claims = hs256.decode(ticket, self.secret, issuer=ISSUER, audience=AUDIENCE, max_chars=MAX_TICKET_CHARS,
                              required=["sub", "cid", "jti", "iat", "exp"], expired=TicketExpired,
                              invalid=TicketInvalid)
        if not all(isinstance(claims[k], str) for k in ("sub", "cid", "jti")):
            raise TicketInvalid("malformed claims")
        return AudioGrant(claims["cid"], claims["sub"], claims["jti"], int(claims["exp"]))
