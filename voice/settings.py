"""Voice gateway settings, all from the environment (defaults suit `make run` on one machine)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _number_languages(spec: str) -> dict[str, str]:
    """"+861095500:zh,+14155550100:en" -> {"+861095500": "zh", ...}: the number called picks the language."""
    mapping = {}
    for item in spec.split(","):
        number, _, language = item.strip().rpartition(":")
        if number and language in ("zh", "en"):
            mapping[number.strip()] = language
    return mapping


@dataclass
class Settings:
    host: str = field(default_factory=lambda: os.environ.get("VOICE_HOST", "127.0.0.1"))
    port: int = field(default_factory=lambda: int(os.environ.get("VOICE_PORT", "8002")))
    rasa_url: str = field(default_factory=lambda: os.environ.get("RASA_URL", "http://127.0.0.1:5005").rstrip("/"))
    # Rasa's HTTP API token (HS256) and its channel's body signature; no defaults (voice/__main__.py checks).
    rasa_jwt_secret: str = field(default_factory=lambda: os.environ.get("RASA_JWT_SECRET", ""))
    rasa_channel_secret: str = field(default_factory=lambda: os.environ.get("RASA_CHANNEL_SECRET", ""))
    # Our own clients' key for /utterance and /calls (voice/security.py); voice/__main__.py refuses to start
    # without a real one outside demo mode.
    api_key: str = field(default_factory=lambda: os.environ.get("VOICE_API_KEY", ""))
    # Twilio's auth token: with it, /twiml and the /media upgrade must carry a valid X-Twilio-Signature.
    # Production must set it; unset, anyone who can reach the gateway can open a call (a warning at start).
    twilio_auth_token: str | None = field(default_factory=lambda: os.environ.get("TWILIO_AUTH_TOKEN") or None)
    # The gateway's address as the carrier sees it (https://voice.example.com), when a proxy sits in front:
    # the URL Twilio signed, and the stream URL /twiml hands out. Unset: the URL each request came to.
    public_url: str | None = field(default_factory=lambda: (os.environ.get("VOICE_PUBLIC_URL") or "").rstrip("/")
                                   or None)
    # Calls (Media Streams connections and /utterance requests) served at once; beyond, 503. Whisper takes
    # both cores of a 2-core host for ~0.4 s per utterance; callers mostly listen or talk, so 4 calls overlap
    # their recognition rarely enough to keep answers near a second, and a fifth would make all of them wait.
    max_calls: int = field(default_factory=lambda: int(os.environ.get("VOICE_MAX_CALLS", "4")))
    hub_url: str | None = field(default_factory=lambda: (os.environ.get("HANDOFF_HUB_URL") or "").rstrip("/") or None)
    database_url: str = field(default_factory=lambda: os.environ.get(
        "DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'policy.db'}"))
    # English model: "tiny.en" (fast) or "base" (the multilingual one Mandarin uses; fewer errors, slower).
    english_model: str = field(default_factory=lambda: os.environ.get("VOICE_EN_MODEL", "tiny.en"))
    whisper_threads: int = field(default_factory=lambda: int(os.environ.get("VOICE_WHISPER_THREADS", "2")))
    number_languages: dict[str, str] = field(default_factory=lambda: _number_languages(
        os.environ.get("VOICE_NUMBER_LANGUAGES", "")))
    # A call with no language chosen after the greeting menu goes on in Mandarin after this long.
    menu_timeout_s: float = field(default_factory=lambda: float(os.environ.get("VOICE_MENU_TIMEOUT_S", "8")))
    # A caller silent this long hears a prompt; after two prompts the call ends.
    silence_timeout_s: float = field(default_factory=lambda: float(os.environ.get("VOICE_SILENCE_TIMEOUT_S", "20")))
    keypad_pause_s: float = field(default_factory=lambda: float(os.environ.get("VOICE_KEYPAD_PAUSE_S", "2.5")))
    hold_prompt_every_s: float = field(default_factory=lambda: float(os.environ.get("VOICE_HOLD_PROMPT_S", "20")))
    max_call_s: float = field(default_factory=lambda: float(os.environ.get("VOICE_MAX_CALL_S", "3600")))
    max_utterance_s: float = field(default_factory=lambda: float(os.environ.get("VOICE_MAX_UTTERANCE_S", "15")))
    end_silence_ms: int = field(default_factory=lambda: int(os.environ.get("VOICE_END_SILENCE_MS", "500")))
    # Recognition starts speculatively after this much quiet (0 = only at the end of the utterance).
    # Whisper base takes ~0.85 s here whatever the length: starting at 100 ms, not 200, is what keeps
    # end of speech -> transcript under a second (a pause that is not the end costs one wasted run).
    speculate_after_ms: int = field(default_factory=lambda: int(os.environ.get("VOICE_SPECULATE_MS", "100")))
