"""`python -m voice` — the voice gateway on VOICE_HOST:VOICE_PORT (default 127.0.0.1:8002)."""

from __future__ import annotations

import logging

import uvicorn

from observability import logs
from service_auth.agent_audio_tickets import AGENT_AUDIO_SECRET
from service_auth.env_secrets import check_secrets
from voice.native_config import keep_models_offline


def main() -> None:
    from voice.settings import Settings

    settings = Settings()
    check_secrets(settings, optional=(AGENT_AUDIO_SECRET,))  # optional: agents cannot take calls by voice without it
    # Imported after the check: loading the recognisers takes seconds, a refusal should not.
    from voice.app import create_app
    from voice.line.media_streams import MAX_MESSAGE_BYTES

    keep_models_offline()
    logs.configure("voice")
    logging.getLogger("faster_whisper").setLevel(logging.WARNING)  # one line per utterance otherwise
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if not settings.twilio_auth_token:
        # Allowed (make run, a local test line), but a production line without it takes calls from anyone.
        logging.getLogger("voice").warning(
            "TWILIO_AUTH_TOKEN is not set: Twilio signatures on /twiml and /media are NOT checked; "
            "a production install must set it")
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info", log_config=None,
                ws_max_size=MAX_MESSAGE_BYTES, ws_ping_interval=None)


if __name__ == "__main__":
    main()
