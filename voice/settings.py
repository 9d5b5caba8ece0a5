"""The voice gateway's settings, from the environment (defaults suit `make run` on one machine):
`Settings` for the gateway, `RecognitionSettings` for the recogniser (offline tools build it alone)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BeforeValidator
from pydantic_settings import NoDecode

from desk_config.base import (
    CommaList,
    DeskSettings,
    OptionalText,
    OptionalUrl,
    SecretCheckedSettings,
    Url,
    secret,
    setting,
)
from desk_config.shared import DEFAULT_DATABASE_URL, DEFAULT_RASA_URL, REPO_ROOT

ROOT = REPO_ROOT


def _number_languages(spec: str | dict[str, str]) -> dict[str, str]:
    """"+861095500:zh,+14155550100:en" -> {"+861095500": "zh", ...}: the number called picks the language."""
    if isinstance(spec, dict):
        return spec
    mapping = {}
    for item in spec.split(","):
        number, _, language = item.strip().rpartition(":")
        if number and language in ("zh", "en"):
            mapping[number.strip()] = language
    return mapping


class Settings(SecretCheckedSettings):
    host: str = setting("VOICE_HOST", "127.0.0.1", "Address `python -m voice` listens on.")
    port: int = setting("VOICE_PORT", 8002, "Port `python -m voice` listens on.")
    rasa_url: Url = setting("RASA_URL", DEFAULT_RASA_URL, "Rasa's HTTP API and REST channel, which hear the callers.")
    rasa_jwt_secret: str = secret("RASA_JWT_SECRET", "Signs the gateway's tokens for Rasa's HTTP API (HS256).")
    rasa_channel_secret: str = secret("RASA_CHANNEL_SECRET", "Signs the bodies the gateway posts to Rasa's channel.")
    api_key: str = secret("VOICE_API_KEY", "Key our own clients send as X-API-Key to /utterance and /calls.")
    # Unset is allowed (make run, a local test line), with a warning at start.
    twilio_auth_token: OptionalText = secret(
        "TWILIO_AUTH_TOKEN", "Twilio's auth token: with it, /twiml and the /media upgrade must carry a valid "
                             "X-Twilio-Signature. Production must set it: unset, anyone who reaches the gateway can "
                             "open a call.", required=False)
    public_url: OptionalUrl = setting(
        "VOICE_PUBLIC_URL", None, "The gateway's address as the carrier sees it behind a proxy "
                                  "(https://voice.example.com): the URL Twilio signs, and the stream URL /twiml hands "
                                  "out. Unset: the URL each request came to.")
    # Whisper takes both cores of a 2-core host for ~0.4 s per utterance; callers mostly listen or talk, so 4 calls
    # overlap their recognition rarely enough to keep answers near a second, and a fifth would make all of them wait.
    max_calls: int = setting("VOICE_MAX_CALLS", 4, "Calls (Media Streams connections and /utterance requests) "
                                                   "served at once; beyond, 503.")
    hub_url: OptionalUrl = setting("HANDOFF_HUB_URL", None, "The hub's handoff URL: the calls the assistant queued "
                                                            "there are followed on hold; unset: no hold on the line.")
    hub_api_key: OptionalText = secret("HANDOFF_API_KEY", "Key sent to the hub as X-API-Key.", required=False)
    agent_audio_secret: OptionalText = secret(
        "VOICE_AGENT_AUDIO_SECRET", "Checks the hub's tickets that let the agent who owns a call speak and listen "
                                    "from the console (WS /agent-audio); unset: agents reply by typing only.",
        required=False)
    console_origins: CommaList = setting(
        "VOICE_CONSOLE_ORIGINS", (), "Comma-separated origins of the agents' console (the hub's pages, "
                                     "https://desk.example.com) whose browsers may open WS /agent-audio; "
                                     "empty: none may.")
    database_url: str = setting("DATABASE_URL", DEFAULT_DATABASE_URL,
                                "SQLAlchemy URL of the database the masked call transcripts are written to.")
    english_model: str = setting("VOICE_EN_MODEL", "tiny.en", "English recogniser: \"tiny.en\" (fast) or \"base\" "
                                                              "(the multilingual one Mandarin uses; fewer errors, "
                                                              "slower).")
    whisper_threads: int = setting("VOICE_WHISPER_THREADS", 2, "CPU threads each Whisper model uses.")
    number_languages: Annotated[dict[str, str], NoDecode, BeforeValidator(_number_languages)] = setting(
        "VOICE_NUMBER_LANGUAGES", {}, "The number called picks the language: \"+861095500:zh,+14155550100:en\".")
    menu_timeout_s: float = setting("VOICE_MENU_TIMEOUT_S", 8.0, "A call with no language chosen after the "
                                                                 "greeting menu goes on in Mandarin after this long.")
    silence_timeout_s: float = setting("VOICE_SILENCE_TIMEOUT_S", 20.0, "A caller silent this long (seconds) hears "
                                                                        "a prompt; after two prompts the call ends.")
    keypad_pause_s: float = setting("VOICE_KEYPAD_PAUSE_S", 2.5, "Keypad digits end after this pause (seconds).")
    hold_prompt_every_s: float = setting("VOICE_HOLD_PROMPT_S", 20.0, "A caller waiting for a person hears a hold "
                                                                      "prompt this often (seconds).")
    max_call_s: float = setting("VOICE_MAX_CALL_S", 3600.0, "A call is ended after this long (seconds).")
    max_utterance_s: float = setting("VOICE_MAX_UTTERANCE_S", 15.0, "Longest piece of speech (seconds) recognised "
                                                                    "at once.")
    end_silence_ms: int = setting("VOICE_END_SILENCE_MS", 500, "Quiet (milliseconds) that ends an utterance.")
    # Whisper base takes ~0.85 s here whatever the length: starting at 100 ms, not 200, is what keeps end of
    # speech -> transcript under a second (a pause that is not the end costs one wasted run).
    speculate_after_ms: int = setting("VOICE_SPECULATE_MS", 100, "Recognition starts speculatively after this much "
                                                                 "quiet (milliseconds); 0: only at the end of the "
                                                                 "utterance.")


class RecognitionSettings(DeskSettings):
    """How the recogniser hears (voice/recognition/asr.py), as faster-whisper passes VadOptions: built once per recogniser."""

    cache_dir: Path = setting("INSURANCE_DESK_CACHE", Path.home() / ".cache" / "insurance-desk",
                              "Folder for the joined Whisper base model and the voice tools' generated audio.")
    # No prompt by default: an insurance-word prompt also wrote those words for what callers did not say
    # (不要不要 -> 保费), and the sound-alike correction brings the domain words back without it.
    zh_prompt: str = setting("VOICE_ZH_PROMPT", "", "An initial prompt for Mandarin recognition (its leaks are "
                                                    "filtered); empty: none.")
    beam_size: int = setting("VOICE_BEAM_SIZE", 10, "Beam width: its hypotheses are what the domain language model "
                                                    "chooses among.")
    # The weight with the most utterances reaching the text path's intent (the weights tried: docs/voice_tuning.md).
    domain_lm_weight: float = setting("VOICE_DOMAIN_LM_WEIGHT", 0.1, "Weight of the domain language model when "
                                                                     "rescoring the beam's hypotheses.")
    encoder_window: Literal["short", "full"] = setting(
        "VOICE_ENCODER_WINDOW", "short",
        "\"short\": the encoder sees the utterance plus 3 s (voice/recognition/short_window.py); \"full\": 30 s.")
    acoustic_check: Literal["on", "off"] = setting(
        "VOICE_ACOUSTIC_CHECK", "on", "\"on\": Mandarin sound-alike sentences in the assistant's words are "
                                      "confirmed against the audio; \"off\" keeps the beam's choice.")
