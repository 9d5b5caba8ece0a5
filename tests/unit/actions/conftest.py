"""Fixtures of the actions' unit tests: the policy API as an in-process fake behind the actions' own client, a
handoff hub that records what it is sent, and the action server's settings from a clean environment."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

from actions import api_client, handoff, settings
from tests.unit.actions.fake_policy_api import FakePolicyApi


@pytest.fixture(autouse=True)
def action_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """The settings the action server would build here: no hub configured (an endpoints file without one), times
    in Beijing time. Rebuilt for each test (get_settings is built once per process)."""
    for name in ("HANDOFF_HUB_URL", "HANDOFF_API_KEY", "ACTIONS_TIMEZONE"):
        monkeypatch.delenv(name, raising=False)
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text('action_endpoint:\n  url: "http://127.0.0.1:5055/webhook"\n', encoding="utf-8")
    monkeypatch.setenv("BOT_ENDPOINTS", str(endpoints))
    settings.get_settings.cache_clear()
    yield
    settings.get_settings.cache_clear()


@pytest.fixture(autouse=True)
def policy_api(monkeypatch: pytest.MonkeyPatch) -> FakePolicyApi:
    """Every test talks to a fresh fake policy API; none can reach a real one."""
    api = FakePolicyApi()
    monkeypatch.setattr(api_client, "_session", lambda: api)
    return api


class FakeHub:
    """The handoff hub's side of `POST /api/handoffs` (docs/handoff_api.md): records each request and answers
    with `answer` (None: the hub did not take it, as when it is down or refuses)."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.answer: dict[str, Any] | None = {"request_id": "req-1", "position": 2, "estimated_wait_s": 90}

    async def post(self, url: str, request: dict[str, Any]) -> dict[str, Any] | None:
        self.requests.append(request)
        return self.answer


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> FakeHub:
    """A hub configured (HANDOFF_HUB_URL) and answering in process: `_notify_hub` is the action's one call to it."""
    fake = FakeHub()
    monkeypatch.setenv("HANDOFF_HUB_URL", "http://hub.invalid/api/handoffs")
    settings.get_settings.cache_clear()
    monkeypatch.setattr(handoff, "_notify_hub", fake.post)
    return fake
