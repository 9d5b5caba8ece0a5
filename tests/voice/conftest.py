"""A real voice gateway (real Whisper models, real TTS) in front of the session's real Rasa stack."""

from __future__ import annotations

import contextlib
import dataclasses
from pathlib import Path
from typing import Any, Iterator

import pytest

from devstack import voice as voice_stack
from devstack.voice import twilio_token
from voice.tools import testset
from voice.tools.carrier import FakeCarrier


class VoiceService(voice_stack.VoiceService):
    """The gateway devstack started, with the fake carrier (a voice tool) bound to it."""

    def carrier(self, **kwargs: Any) -> FakeCarrier:
        """A carrier calling this gateway, signing its upgrade when the gateway checks signatures."""
        return FakeCarrier(self.ws_url, auth_token=self.twilio_auth_token, **kwargs)


@contextlib.contextmanager
def voice_service(*args: Any, **kwargs: Any) -> Iterator[VoiceService]:
    """devstack.voice.voice_service, yielding the gateway with its carrier."""
    with voice_stack.voice_service(*args, **kwargs) as service:
        yield VoiceService(**dataclasses.asdict(service))


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
    # Signatures checked, as a production line must: the carrier in these tests signs like Twilio.
    with voice_service(stack.rasa_url, database_url, {"VOICE_SILENCE_TIMEOUT_S": "3", "VOICE_KEYPAD_PAUSE_S": "1.0",
                                                      "VOICE_MENU_TIMEOUT_S": "6"}, hub_url=hub_url,
                       twilio_auth_token=twilio_token()) as service:
        yield service
