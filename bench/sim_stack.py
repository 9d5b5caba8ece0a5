"""The whole system for a simulation, on free ports with its own databases: policy API, action server,
Rasa (its SQL event broker writing to this run's events database) and the handoff hub."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import redis

from devstack import services
from handoff.seed import seed as seed_hub

REDIS_URL = "redis://127.0.0.1:6379/0"


@dataclass
class SimStack:
    api_url: str
    rasa_url: str
    hub_url: str
    database_url: str  # policy data, the hub's records and reminders: one database, as `make run` has it
    events_url: str  # Rasa's event record (the events table)
    passwords: dict[str, str]
    api_key: str
    hub_env: dict[str, str]
    actions_env: dict[str, str]

    @property
    def ws_url(self) -> str:
        return self.hub_url.replace("http://", "ws://")


@contextlib.contextmanager
def sim_stack(workdir: Path) -> Iterator[SimStack]:
    if not services.MODEL.exists():
        raise RuntimeError("no trained model: run `make train`")
    database_url = f"sqlite:///{workdir / 'desk.db'}"
    events_url = f"sqlite:///{workdir / 'rasa-events.db'}"  # where services.rasa_server has the event record write
    services.seed(database_url)
    passwords = {u.username: u.password for u in seed_hub(database_url)}
    prefix = f"sim-hub-{uuid.uuid4().hex[:8]}"
    hub_port = services.free_port()
    hub_url = f"http://127.0.0.1:{hub_port}"
    api_key = f"sim-hub-key-{uuid.uuid4().hex}"  # the hub's channel API and figures take it
    actions_env = {"HANDOFF_HUB_URL": f"{hub_url}/api/handoffs", "HANDOFF_API_KEY": api_key}
    try:
        with services.policy_api(database_url, name="sim_policy_api") as api_url:
            services.wait_for_knowledge(api_url)
            with services.action_server(api_url, actions_env) as actions_url, \
                    services.rasa_server(actions_url, workdir) as rasa_url:
                hub_env = {"HANDOFF_REDIS_PREFIX": prefix, "REDIS_URL": REDIS_URL, "DATABASE_URL": database_url,
                           "RASA_URL": rasa_url, "POLICY_API_URL": api_url, "RASA_EVENTS_URL": events_url,
                           "HANDOFF_API_KEY": api_key}
                with services.hub(hub_port, hub_env, name=f"sim_hub_{prefix}"):
                    yield SimStack(api_url, rasa_url, hub_url, database_url, events_url, passwords, api_key, hub_env,
                                   actions_env)
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"{prefix}:*", count=1000):
            client.delete(key)
        client.close()
