"""Credentials our services present to Rasa: a short-lived HS256 JWT for its HTTP API and the
HMAC signature its customer channel (bot/channels.py) requires.

Rasa 3.6 (`rasa.server.requires_auth`) accepts a token whose payload has
`{"user": {"username": ..., "role": "admin"}}`; role "admin" may act on any conversation, which the
hub and the voice gateway need (pause, resume, read the tracker, trigger reminders).
"""

from __future__ import annotations

import time
from collections.abc import Generator
from typing import Protocol

import httpx
import jwt

from service_auth.env_secrets import check_secret
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


class RasaCredentials(Protocol):
    """The settings of a process that calls Rasa only now and then (a job, a tool): its secrets are checked
    when it does."""

    @property
    def rasa_jwt_secret(self) -> str: ...

    @property
    def rasa_channel_secret(self) -> str: ...

    @property
    def demo_mode(self) -> bool: ...


def checked_rasa_auth(username: str, settings: RasaCredentials) -> RasaAuth:
    """RasaAuth from the settings' RASA_JWT_SECRET and RASA_CHANNEL_SECRET (SecretError when either is unusable)."""
    return RasaAuth(check_secret("RASA_JWT_SECRET", settings.rasa_jwt_secret, settings.demo_mode),
                    check_secret("RASA_CHANNEL_SECRET", settings.rasa_channel_secret, settings.demo_mode), username)
