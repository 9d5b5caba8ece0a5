"""The real hub and voice gateway fixtures, for the operations tests."""

from tests.handoff.conftest import start_hub  # noqa: F401
from tests.voice.conftest import voice, voice_testset  # noqa: F401
