"""A real voice gateway (real Whisper models, real TTS) in front of the session's real Rasa stack."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

from tests import services
from voice import testset


@dataclass
class VoiceService:
    url: str  # http://127.0.0.1:port
    ws_url: str  # ws://127.0.0.1:port/media
    pid: int
    rasa_url: str

    def get(self, path: str) -> Any:
        response = httpx.get(self.url + path, timeout=30)
        response.raise_for_status()
        return response.json()

    def call_record(self, call_id: str) -> dict[str, Any]:
        return self.get(f"/calls/{call_id}")


@contextlib.contextmanager
def voice_service(rasa_url: str, database_url: str, extra_env: dict[str, str] | None = None,
                  hub_url: str | None = None) -> Iterator[VoiceService]:
    port = services.free_port()
    env = {"VOICE_HOST": "127.0.0.1", "VOICE_PORT": str(port), "RASA_URL": rasa_url, "DATABASE_URL": database_url,
           "HF_HUB_OFFLINE": "1", "VOICE_WHISPER_THREADS": "2", **services.RASA_SECRETS, **(extra_env or {})}
    if hub_url:
        env["HANDOFF_HUB_URL"] = hub_url
        env["HANDOFF_API_KEY"] = services.HUB_API_KEY  # the hub's channel API requires it
    with services.service(f"voice_{port}", [services.APP_PYTHON, "-m", "voice"], f"http://127.0.0.1:{port}/health",
                          env, timeout_s=180) as process:
        yield VoiceService(f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}/media", process.pid, rasa_url)


@pytest.fixture(scope="session")
def voice_testset() -> Path:
    return testset.ensure()


@pytest.fixture(scope="session")
def voice(stack: Any, voice_testset: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[VoiceService]:
    database_url = f"sqlite:///{tmp_path_factory.mktemp('voice') / 'voice.db'}"
    # The hub the action server posts to, once the hub is merged (Stack.hub_port); no hub runs there
    # outside the transfer test, so a handoff here ends with the hotline, as on a line without a hub.
    hub_port = getattr(stack, "hub_port", 0)
    hub_url = f"http://127.0.0.1:{hub_port}" if hub_port else None
    # Short timeouts so silence and keypad pauses take seconds in tests, not minutes.
    with voice_service(stack.rasa_url, database_url, {"VOICE_SILENCE_TIMEOUT_S": "3", "VOICE_KEYPAD_PAUSE_S": "1.0",
                                                      "VOICE_MENU_TIMEOUT_S": "6"}, hub_url=hub_url) as service:
        yield service
