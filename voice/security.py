"""The voice gateway's trust boundary: who may call which route, and what a carrier's ids mean.

- Conversation ids are ours: each call (and each `POST /utterance`) gets a fresh unguessable id, which is
  the Rasa sender, the transcript key and the hub's conversation id. What a client sends (`sender`,
  `callSid`, `streamSid`) never names a conversation, so knowing a customer's id (`app-C0001`) or a
  call's CallSid speaks as nobody.
- `callSid` is kept only as the carrier's reference (for an operator matching a Twilio log), after its
  format is checked, and never goes into a URL path.
- The carrier's requests (`/twiml`, the `/media` upgrade) carry Twilio's `X-Twilio-Signature`, checked
  with the `twilio` library's own RequestValidator when TWILIO_AUTH_TOKEN is set.
- Our own clients (`/utterance`, `/calls`) present `X-API-Key: <VOICE_API_KEY>`.
"""

from __future__ import annotations

import hmac
import logging
import re
import secrets
from collections.abc import Mapping

from fastapi import HTTPException, Request
from twilio.request_validator import RequestValidator

logger = logging.getLogger(__name__)

API_KEY_HEADER = "X-API-Key"
SIGNATURE_HEADER = "X-Twilio-Signature"
# Twilio's Call SID: "CA" and 32 lowercase hex digits (https://www.twilio.com/docs/glossary/what-is-a-sid).
CALL_SID = re.compile(r"CA[0-9a-f]{32}")


def new_call_id() -> str:
    """A conversation id for one call: 128 random bits, URL-safe, never derived from what a client sent."""
    return f"voice-{secrets.token_hex(16)}"


def call_sid_or_none(value: object) -> str | None:
    """The carrier's Call SID if it has Twilio's format, else None (a malformed one is not stored)."""
    return value if isinstance(value, str) and CALL_SID.fullmatch(value) else None


def require_api_key(request: Request) -> None:
    """FastAPI dependency: our own clients' key, compared in constant time; 401 otherwise."""
    expected: str = request.app.state.settings.api_key
    given = request.headers.get(API_KEY_HEADER, "")
    # An empty configured key refuses everyone (secure by default); __main__ refuses to start without one.
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        raise HTTPException(401, f"missing or wrong {API_KEY_HEADER} (VOICE_API_KEY)",
                            headers={"WWW-Authenticate": "ApiKey"})


class CarrierSignature:
    """Twilio's request signature on what the carrier sends us; a no-op without an auth token."""

    def __init__(self, auth_token: str | None, public_url: str | None) -> None:
        self.validator = RequestValidator(auth_token) if auth_token else None
        # Behind a TLS proxy we see http://internal-host/…, but Twilio signed https://voice.example.com/…
        self.public_url = public_url.rstrip("/") if public_url else None

    @property
    def enabled(self) -> bool:
        return self.validator is not None

    def signed_url(self, url: str, path: str, websocket: bool) -> str:
        """The URL as the carrier requested it: the configured public one, or the one we were called at."""
        if not self.public_url:
            return url
        base = self.public_url
        if websocket:
            base = base.replace("https://", "wss://", 1).replace("http://", "ws://", 1)
        return base + path + (url[url.index("?"):] if "?" in url else "")

    def valid(self, url: str, path: str, params: Mapping[str, str], signature: str | None,
              websocket: bool = False) -> bool:
        if self.validator is None:
            return True
        if not signature:
            return False
        return bool(self.validator.validate(self.signed_url(url, path, websocket), dict(params), signature))
