"""A real hub process with its demo console users and no bot behind it (Rasa's URL points nowhere):
for attacks on the hub's own doors (console, pages, sockets), which need neither Rasa nor a model."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path

import redis

from handoff.seed import seed
from tests.handoff.clients import HubRun
from tests.services import free_port

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
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"{prefix}:*", count=500):
            client.delete(key)
        client.close()
