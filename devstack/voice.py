"""The voice gateway (`python -m voice`: real Whisper models, real TTS) on a free port, in front of a running Rasa."""

from __future__ import annotations

import contextlib
import secrets
import time
from dataclasses import dataclass
from typing import Any, Iterator

import httpx
from twilio.request_validator import RequestValidator

from devstack import services


@dataclass
class VoiceService:
    url: str  # http://127.0.0.1:port
    ws_url: str  # ws://127.0.0.1:port/media
    pid: int
    rasa_url: str
    api_key: str  # VOICE_API_KEY: /utterance and /calls
    twilio_auth_token: str | None  # with it, the carrier (FakeCarrier) signs /media and /twiml as Twilio does
    max_calls: int

    @property
    def headers(self) -> dict[str, str]:
        return {"X-API-Key": self.api_key}

    def get(self, path: str, **kwargs: Any) -> Any:
        response = httpx.get(self.url + path, timeout=30, headers=self.headers, **kwargs)
        response.raise_for_status()
        return response.json()

    def upgrade_headers(self) -> dict[str, str]:
        """What Twilio sends with its /media upgrade: the signature over the stream URL, when one is checked."""
        if not self.twilio_auth_token:
            return {}
        return {"X-Twilio-Signature": RequestValidator(self.twilio_auth_token).compute_signature(self.ws_url, {})}

    def call_id_of(self, call_sid: str, timeout: float = 10) -> str:
        """The gateway's own id (the Rasa conversation) of the call the carrier knows as call_sid."""
        deadline = time.monotonic() + timeout
        while True:  # the record is written when the stream's start arrives, a moment after the carrier sent it
            ids = self.get("/calls", params={"call_sid": call_sid})["call_ids"]
            if ids or time.monotonic() > deadline:
                assert len(ids) == 1, (call_sid, ids)
                return ids[0]
            time.sleep(0.1)

    def call_record(self, call_id: str) -> dict[str, Any]:
        return self.get(f"/calls/{call_id}")

    def record_of_call(self, call_sid: str) -> dict[str, Any]:
        return self.call_record(self.call_id_of(call_sid))


@contextlib.contextmanager
def voice_service(rasa_url: str, database_url: str, extra_env: dict[str, str] | None = None,
                  hub_url: str | None = None, twilio_auth_token: str | None = None,
                  max_calls: int = 4) -> Iterator[VoiceService]:
    port = services.free_port()
    api_key = secrets.token_urlsafe(32)  # a fresh key per gateway, as production has its own
    env = {"VOICE_HOST": "127.0.0.1", "VOICE_PORT": str(port), "RASA_URL": rasa_url, "DATABASE_URL": database_url,
           "HF_HUB_OFFLINE": "1", "VOICE_WHISPER_THREADS": "2", "VOICE_API_KEY": api_key,
           "VOICE_MAX_CALLS": str(max_calls), **services.RASA_SECRETS, **(extra_env or {})}
    if twilio_auth_token:
        env["TWILIO_AUTH_TOKEN"] = twilio_auth_token
    if hub_url:
        env["HANDOFF_HUB_URL"] = hub_url
        env["HANDOFF_API_KEY"] = services.HUB_API_KEY  # the hub's channel API requires it
    with services.service(f"voice_{port}", [services.APP_PYTHON, "-m", "voice"], f"http://127.0.0.1:{port}/health",
                          env, timeout_s=180) as process:
        yield VoiceService(f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}/media", process.pid, rasa_url,
                           api_key, twilio_auth_token, max_calls)


def twilio_token() -> str:
    """A random stand-in for a Twilio account's auth token (32 hex digits, like Twilio's)."""
    return secrets.token_hex(16)
