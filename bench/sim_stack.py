"""The whole system for a simulation, on free ports with its own databases: policy API, action server,
Rasa (with the SQL event broker writing to this run's events database) and the handoff hub."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import redis
import yaml

from handoff.seed import seed as seed_hub
from tests import services

REDIS_URL = "redis://127.0.0.1:6379/0"


@dataclass
class SimStack:
    api_url: str
    rasa_url: str
    hub_url: str
    database_url: str  # policy data, the hub's records and reminders: one database, as `make run` has it
    events_url: str  # Rasa's event broker
    passwords: dict[str, str]
    api_key: str
    hub_env: dict[str, str]
    actions_env: dict[str, str]

    @property
    def ws_url(self) -> str:
        return self.hub_url.replace("http://", "ws://")


def write_endpoints(path: Path, actions_url: str, events_db: Path) -> None:
    """The project's endpoints with this run's action server and an SQL event broker on events_db."""
    config = yaml.safe_load((services.ROOT / "bot" / "endpoints.yml").read_text(encoding="utf-8")) or {}
    config["action_endpoint"] = {**(config.get("action_endpoint") or {}), "url": f"{actions_url}/webhook"}
    config["event_broker"] = {"type": "SQL", "dialect": "sqlite", "db": str(events_db)}
    path.write_text(yaml.safe_dump(config))


@contextlib.contextmanager
def rasa_with_events(actions_url: str, workdir: Path, events_db: Path) -> Iterator[str]:
    port = services.free_port()
    endpoints = workdir / f"endpoints_{port}.yml"
    write_endpoints(endpoints, actions_url, events_db)
    cmd = [services.RASA, "run", "--enable-api", "--port", str(port), "-m", str(services.MODEL),
           "--endpoints", str(endpoints), "--credentials", str(services.ROOT / "bot" / "credentials.yml")]
    timeout_s = float(os.environ.get("RASA_START_TIMEOUT_S", "420"))
    with services.service(f"sim_rasa_{port}", cmd, f"http://127.0.0.1:{port}/status", services.RASA_ENV,
                          timeout_s=timeout_s):
        yield f"http://127.0.0.1:{port}"


@contextlib.contextmanager
def sim_stack(workdir: Path) -> Iterator[SimStack]:
    if not services.MODEL.exists():
        raise RuntimeError("no trained model: run `make train`")
    database_url = f"sqlite:///{workdir / 'desk.db'}"
    events_db = workdir / "rasa-events.db"
    events_url = f"sqlite:///{events_db}"
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
                    rasa_with_events(actions_url, workdir, events_db) as rasa_url:
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
