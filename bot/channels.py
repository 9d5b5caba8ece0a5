"""Rasa's customer channel, for our own services only: the REST channel behind an HMAC signature.

Rasa's built-in `rest` channel takes any `sender` from anyone who can reach it, so whoever knows a
conversation id can continue that (perhaps verified) conversation. Only the hub and the voice gateway
talk to it; they sign each body with RASA_CHANNEL_SECRET (service_auth.signing). Same name, so the
URL stays /webhooks/rest/webhook and trackers keep `input_channel: rest`.

Every customer message passes this door, so it is also where typed intent payloads (`/opt_out`) become
text: only a button click our relaying service vouched for stays a payload (service_auth/intent_payloads.py),
and where the app's sign-in token leaves the metadata before Rasa stores anything (bot/app_token.py).
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import app_token
from bot.settings import get_settings
from service_auth.env_secrets import SecretError, check_secret
from service_auth.intent_payloads import as_text, offered_flag
from service_auth.signing import SIGNATURE_HEADER, signature_problem


class SignedRestInput(RestInput):
    def __init__(self, secret: str) -> None:
        self.secret = secret

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> SignedRestInput:
        try:
            settings = get_settings()
            return cls(check_secret("RASA_CHANNEL_SECRET", settings.rasa_channel_secret, settings.demo_mode))
        except SecretError as exc:
            raise SystemExit(f"refusing to start: {exc}") from None

    def _extract_message(self, req: Request) -> str | None:
        text = super()._extract_message(req)
        if not isinstance(text, str) or offered_flag((req.json or {}).get("metadata")):
            return text
        return as_text(text)

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        return app_token.lift(super().get_metadata(request))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(on_new_message)

        @webhook.middleware("request")
        async def check_signature(request: Request) -> HTTPResponse | None:
            if request.method != "POST":  # GET / is the channel's health check: no data
                return None
            reason = signature_problem(self.secret, request.body or b"", request.headers.get(SIGNATURE_HEADER))
            if reason:
                return response.json({"error": "unauthorized", "message": f"channel refused: {reason}"}, status=401)
            return None

        return webhook
