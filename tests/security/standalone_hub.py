"""A real hub process with its demo console users and no bot behind it (Rasa's URL points nowhere):
for attacks on the hub's own doors (console, pages, sockets), which need neither Rasa nor a model."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from devstack.hub_clients import HubRun
from devstack.services import LOG_DIR, drop_redis_prefix, free_port
from handoff.seed import seed

REDIS_URL = "redis://127.0.0.1:6379/0"
NOWHERE = "http://127.0.0.1:9"  # the discard port: nothing answers


@contextlib.contextmanager
def hub_without_bot(workdir: Path, **env: str) -> Iterator[HubRun]:
    database_url = f"sqlite:///{workdir / 'hub.db'}"
    passwords = {u.username: u.password for u in seed(database_url)}
    prefix = f"test-hub-{uuid.uuid4().hex[:10]}"
    run = HubRun(port=free_port(), prefix=prefix, database_url=database_url, passwords=passwords,
                 env={"HANDOFF_REDIS_PREFIX": prefix, "REDIS_URL": REDIS_URL, "DATABASE_URL": database_url,
                      "RASA_URL": NOWHERE, "POLICY_API_URL": NOWHERE, **env})
    run.start()
    try:
        yield run
    finally:
        run.stop()
        drop_redis_prefix(prefix, REDIS_URL)


def hub_log(run: HubRun) -> str:
    """What the hub process wrote (devstack/services.py keeps each service's output)."""
    return (LOG_DIR / f"hub_{run.prefix}_{run.port}.log").read_text(errors="replace")


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubRun]:
    """A hub of the test module's own (import this fixture into the module)."""
    with hub_without_bot(tmp_path_factory.mktemp("hub")) as run:
        yield run


def console_session(run: HubRun, username: str, password: str | None = None) -> httpx.Client:
    """An HTTP client signed in to the console as `username` (a demo user's password unless given)."""
    client = httpx.Client(base_url=run.url, timeout=15)
    response = client.post("/api/console/login",
                           json={"username": username, "password": password or run.passwords[username]})
    assert response.status_code == 200, response.text
    return client


def error_code(response: httpx.Response) -> str:
    """The hub's error code in an answer ({"error": {"code", "message"}})."""
    return response.json()["error"]["code"]
