"""Fixtures for the hub: a real hub process per test (unique Redis prefix, its own SQLite record,
short timers), talking to the session's real Rasa, action server and policy API."""

from __future__ import annotations

import contextlib
import uuid
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
import redis

from devstack import services
from devstack.browser import browser  # noqa: F401  (a fixture: Chromium for the browser tests)
from devstack.hub_clients import HubRun
from handoff.seed import seed
from tests.conftest import Stack

REDIS_URL = "redis://127.0.0.1:6379/0"


def _postgres_database() -> contextlib.AbstractContextManager[str]:
    return services.postgres_database("hub_test")


@pytest.fixture
def start_hub(stack: Stack, tmp_path: Path) -> Iterator[Callable[..., HubRun]]:
    """start_hub(reservation_s=2, escalate_s=30) -> a running hub on the port the action server posts to."""
    runs: list[HubRun] = []

    databases = contextlib.ExitStack()

    def start(reservation_s: float = 3, escalate_s: float = 30, postgres: bool = False, **env: Any) -> HubRun:
        prefix = f"test-hub-{uuid.uuid4().hex[:10]}"
        if postgres:  # a fresh database on the local PostgreSQL server, dropped afterwards
            database_url = databases.enter_context(_postgres_database())
        else:
            database_url = f"sqlite:///{tmp_path / 'hub.db'}"
        users = seed(database_url)
        run = HubRun(port=stack.hub_port, prefix=prefix, database_url=database_url,
                     passwords={u.username: u.password for u in users},
                     env={"HANDOFF_REDIS_PREFIX": prefix, "REDIS_URL": REDIS_URL, "DATABASE_URL": database_url,
                          "RASA_URL": stack.rasa_url, "POLICY_API_URL": stack.api_url,
                          "HANDOFF_RESERVATION_S": str(reservation_s), "HANDOFF_ESCALATE_S": str(escalate_s),
                          **{k: str(v) for k, v in env.items()}})
        run.start()
        runs.append(run)
        return run

    yield start
    for run in runs:
        run.stop()
    databases.close()
    for run in runs:
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"{run.prefix}:*", count=500):
            client.delete(key)
        client.close()


@pytest.fixture
def hub(start_hub: Callable[..., HubRun]) -> HubRun:
    return start_hub()

