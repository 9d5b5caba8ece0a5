"""Shared fixtures: the real stack (policy API + action server + Rasa) on free ports."""

from __future__ import annotations

import contextlib
import os
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# Before anything loads numpy: the voice package pins the kernels recognition runs on (voice/native_config.py),
# so the recogniser tests in this process hear what the gateway hears.
import voice  # noqa: E402, F401, I001
from service_auth.intent_payloads import PAYLOAD_OFFERED  # noqa: E402
from devstack import services  # noqa: E402

os.environ.setdefault("HF_HUB_OFFLINE", "1")


# The shared stack serves every test of the run, many of which fail identity checks on the same demo
# customers on purpose; at the real limit their failures would add up to a lock that breaks unrelated
# tests. The limit itself is tested on this same stack with the API restarted at real settings
# (Stack.api_settings, tests/security/test_identity_guessing.py).
STACK_API_ENV = {"IDENTITY_MAX_FAILURES": "1000"}


@dataclass
class Stack:
    api_url: str
    actions_url: str
    rasa_url: str
    database_url: str
    api_port: int
    api_process: contextlib.ExitStack
    # The action server posts handoffs to a hub on this port; tests/handoff starts one there when
    # needed. While none runs, the action falls back to the hotline answer, as without a hub.
    hub_port: int = 0
    # Rasa's SQL event broker: every tracker event of this run (the service figures read it).
    events_url: str = ""

    @contextlib.contextmanager
    def api_stopped(self) -> Iterator[None]:
        """Stop the policy API for the block (the real process, not a mock), then start it again."""
        self.api_process.close()
        try:
            yield
        finally:
            self.api_process = contextlib.ExitStack()
            self.api_process.enter_context(services.policy_api(self.database_url, self.api_port,
                                                               extra_env=STACK_API_ENV))

    @contextlib.contextmanager
    def api_settings(self, env: dict[str, str]) -> Iterator[None]:
        """The real policy API restarted on its port with these settings for the block, then as before."""
        self.api_process.close()
        try:
            with services.policy_api(self.database_url, self.api_port, extra_env=env):
                yield
        finally:
            self.api_process = contextlib.ExitStack()
            self.api_process.enter_context(services.policy_api(self.database_url, self.api_port,
                                                               extra_env=STACK_API_ENV))

    def reseed(self) -> None:
        services.seed(self.database_url)

    def api(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """The policy API as a caller that verified the customer the request names (NamedCustomerAuth)."""
        headers = {"X-API-Key": services.API_KEY}
        return httpx.request(method, self.api_url + path, headers=headers, timeout=10,
                             auth=services.NamedCustomerAuth(), **kwargs)


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if not services.MODEL.exists():
        pytest.fail("no trained model: run `make train` (make test does it)")
    workdir = tmp_path_factory.mktemp("stack")
    database_url = f"sqlite:///{workdir / 'policy.db'}"
    services.seed(database_url)
    api_port = services.free_port()
    api_process = contextlib.ExitStack()
    api_url = api_process.enter_context(services.policy_api(database_url, api_port, extra_env=STACK_API_ENV))
    services.wait_for_knowledge(api_url)
    hub_port = services.free_port()
    hub_env = {"HANDOFF_HUB_URL": f"http://127.0.0.1:{hub_port}/api/handoffs"}
    try:
        with services.action_server(api_url, hub_env) as actions_url, \
                services.rasa_server(actions_url, workdir) as rasa_url:
            stack = Stack(api_url, actions_url, rasa_url, database_url, api_port, api_process, hub_port,
                          events_url=f"sqlite:///{workdir / 'rasa-events.db'}")
            yield stack
    finally:
        stack_api = locals().get("stack")
        (stack_api.api_process if stack_api else api_process).close()


class Chat:
    """One customer talking to the assistant over Rasa's REST channel."""

    def __init__(self, rasa_url: str, metadata: dict | None = None) -> None:
        self.url = rasa_url + "/webhooks/rest/webhook"
        self.sender = f"test-{uuid.uuid4().hex[:10]}"
        self.metadata = metadata or {}
        self.transcript: list[tuple[str, str]] = []
        self.auth = services.rasa_auth()  # the channel only answers our own services' signed calls

    def send(self, message: str, metadata: dict | None = None) -> list[dict]:
        body = {"sender": self.sender, "message": message, "metadata": {**self.metadata, **(metadata or {})}}
        response = httpx.post(self.url, json=body, timeout=60, auth=self.auth)
        response.raise_for_status()
        replies = response.json()
        self.transcript.append(("customer", message))
        self.transcript += [("bot", r.get("text") or str(r.get("custom"))) for r in replies]
        return replies

    def click(self, payload: str) -> str:
        """A button the bot offered, relayed as the hub does: flagged, so Rasa takes it as a payload."""
        return self.say(payload, {PAYLOAD_OFFERED: True})

    def say(self, message: str, metadata: dict | None = None) -> str:
        """Send a message and return all reply texts joined, for assertions."""
        return "\n".join(r["text"] for r in self.send(message, metadata) if r.get("text"))


@pytest.fixture
def chat(stack: Stack) -> Chat:
    return Chat(stack.rasa_url)


@pytest.fixture
def new_chat(stack: Stack):
    return lambda metadata=None: Chat(stack.rasa_url, metadata)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    from tests.test_nlu_heldout import ACCURACY

    for language, line in ACCURACY.items():
        terminalreporter.write_line(f"NLU held-out intent accuracy [{language}]: {line}")
