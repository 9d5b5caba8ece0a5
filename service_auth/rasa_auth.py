"""Credentials our services present to Rasa: a short-lived HS256 JWT for its HTTP API and the
HMAC signature its customer channel (bot/channels.py) requires.

Rasa 3.6 (`rasa.server.requires_auth`) accepts a token whose payload has
`{"user": {"username": ..., "role": "admin"}}`; role "admin" may act on any conversation, which the
hub and the voice gateway need (pause, resume, read the tracker, trigger reminders).
"""

from __future__ import annotations

import os
import time
from collections.abc import Generator, Mapping

import httpx
import jwt

from service_auth.env_secrets import load_secret
from service_auth.signing import SIGNATURE_HEADER, sign

TOKEN_TTL_S = 300
RENEW_BEFORE_S = 60


def mint_token(secret: str, username: str, ttl_s: int = TOKEN_TTL_S, now: float | None = None) -> str:
    issued = int(time.time() if now is None else now)
    payload = {"user": {"username": username, "role": "admin"}, "iat": issued, "exp": issued + ttl_s}
    return jwt.encode(payload, secret, algorithm="HS256")


class RasaAuth(httpx.Auth):
    """httpx auth for every call to Rasa: Bearer token (renewed before it expires) and body signature."""

    requires_request_body = True  # the signature covers the exact bytes sent

    def __init__(self, jwt_secret: str, channel_secret: str, username: str) -> None:
        self.jwt_secret = jwt_secret
        self.channel_secret = channel_secret
        self.username = username
        self._token = ""
        self._expires = 0.0

    def token(self) -> str:
        now = time.time()
        if now > self._expires - RENEW_BEFORE_S:
            self._token = mint_token(self.jwt_secret, self.username, now=now)
            self._expires = now + TOKEN_TTL_S
        return self._token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self.token()}"
        request.headers[SIGNATURE_HEADER] = sign(self.channel_secret, request.content)
        yield request


def rasa_auth_from_env(username: str, environ: Mapping[str, str] = os.environ) -> RasaAuth:
    """RasaAuth from RASA_JWT_SECRET and RASA_CHANNEL_SECRET (SecretError when either is unusable)."""
    return RasaAuth(load_secret("RASA_JWT_SECRET", environ), load_secret("RASA_CHANNEL_SECRET", environ), username)
