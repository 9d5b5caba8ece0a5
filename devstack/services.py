"""Start the project's real services on free ports for tests, and stop them afterwards."""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import re
import secrets
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import httpx
import jwt
import yaml

from service_auth import hs256
from service_auth.env_secrets import DEMO_MODE_VAR
from service_auth.rasa_auth import RasaAuth
from service_auth.signing import ACTION_SECRET_HEADER

ROOT = Path(__file__).resolve().parent.parent
APP_PYTHON = str(ROOT / ".venv" / "bin" / "python")
RASA_PYTHON = str(ROOT / ".venv-rasa" / "bin" / "python")
RASA = str(ROOT / ".venv-rasa" / "bin" / "rasa")
MODEL = ROOT / "models" / "current.tar.gz"
LOG_DIR = ROOT / "test-artifacts" / "logs"
# Services run as in production (no demo mode): every secret is a fresh random one per test run.
API_KEY = secrets.token_urlsafe(32)
# One TensorFlow thread each: on 2 cores Rasa then leaves room for the action server and the API.
RASA_ENV = {"TF_INTRA_OP_PARALLELISM_THREADS": "1", "TF_INTER_OP_PARALLELISM_THREADS": "1"}
JWT_SECRET = "test-app-jwt-secret-0123456789abcdef"
# The policy API's own key for customer tokens; tests mint tokens with it (customer_headers).
CUSTOMER_TOKEN_SECRET = secrets.token_urlsafe(32)
# What the hub and the voice gateway present to Rasa: its API token secret and its channel signature. The JWT
# secret begins with "-" on purpose: one in 64 generated secrets does, and Rasa's command line must take it.
RASA_SECRETS = {"RASA_JWT_SECRET": "-" + secrets.token_urlsafe(32), "RASA_CHANNEL_SECRET": secrets.token_urlsafe(32)}
ACTION_SERVER_SECRET = secrets.token_urlsafe(32)
# The hub's channel API key: the hub requires it, the action server (and outreach, voice) send it.
HUB_API_KEY = secrets.token_urlsafe(32)
HUB_KEY = {"X-API-Key": HUB_API_KEY}
ACTION_SECRET = {ACTION_SECRET_HEADER: ACTION_SERVER_SECRET}  # the header Rasa sends the action server
# Rasa and the action server import bot/ and service_auth/ from the repository.
PYTHONPATH = {"PYTHONPATH": str(ROOT)}


def rasa_auth(username: str = "tests") -> RasaAuth:
    """Credentials for calling the test run's Rasa as our services do (API token + channel signature)."""
    return RasaAuth(RASA_SECRETS["RASA_JWT_SECRET"], RASA_SECRETS["RASA_CHANNEL_SECRET"], username)


def customer_token(customer_id: str, conversation_id: str = "tests", idle_s: int = 30 * 60,
                   max_age_s: int = 8 * 60 * 60) -> str:
    """A customer token as the test run's policy API signs it, just after an identity check: the claims its
    TokenSigner writes (policy_api/customer_token.py), written here because devstack imports no service;
    tests/unit/test_devstack_tokens.py checks that the API's signer accepts them."""
    now = int(time.time())
    payload = {"iss": "policy-api", "aud": "policy-api:customer", "sub": customer_id, "cid": conversation_id,
               "auth_time": now, "iat": now, "exp": min(now + idle_s, now + max_age_s)}
    return jwt.encode(payload, CUSTOMER_TOKEN_SECRET, algorithm=hs256.ALGORITHM)


def customer_headers(customer_id: str, api_key: str = API_KEY) -> dict[str, str]:
    """What a caller that verified the customer sends the policy API: the service key and her token."""
    return {"X-API-Key": api_key, "X-Customer-Token": customer_token(customer_id)}


class NamedCustomerAuth(httpx.Auth):
    """For tests of the policy API's data itself: each request carries the token of the customer it
    names (path /v1/customers/<id>, query or JSON `customer_id`; else C0001), as if that customer had
    verified. Refusing other customers is tested apart, with explicit tokens (tests/security/)."""

    requires_request_body = True

    def auth_flow(self, request: httpx.Request) -> Iterator[httpx.Request]:
        if "X-Customer-Token" not in request.headers:
            request.headers["X-Customer-Token"] = customer_token(named_customer(request))
        yield request


def named_customer(request: httpx.Request) -> str:
    match = re.match(r"^/v1/customers/([^/]+)", request.url.path)
    if match:
        return match.group(1)
    if request.url.params.get("customer_id"):
        return request.url.params["customer_id"]
    with contextlib.suppress(ValueError, AttributeError):
        body = json.loads(request.content or b"{}")
        if isinstance(body, dict) and body.get("customer_id"):
            return str(body["customer_id"])
    return "C0001"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, timeout_s: float, log: Path,
                  auth: httpx.Auth | None = None) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: process exited with {process.returncode}; see {log}:\n"
                               + log.read_text(errors="replace")[-3000:])
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2, auth=auth).status_code < 500:
                return
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not come up in {timeout_s}s; see {log}")


@contextlib.contextmanager
def service(name: str, cmd: list[str], health_url: str | None, env: dict | None = None,
            timeout_s: float = 60, health_auth: httpx.Auth | None = None) -> Iterator[subprocess.Popen]:
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log = LOG_DIR / f"{name}.log"
    full_env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
                **(env or {})}
    if DEMO_MODE_VAR not in (env or {}):  # a developer's demo shell must not relax the checks under test
        full_env.pop(DEMO_MODE_VAR, None)
    with open(log, "w") as out:
        process = subprocess.Popen(cmd, cwd=ROOT, env=full_env, stdout=out, stderr=subprocess.STDOUT)
    try:
        if health_url:
            wait_until_up(health_url, process, timeout_s, log, health_auth)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def seed(database_url: str) -> str:
    result = subprocess.run([APP_PYTHON, "-m", "policy_api.seed", "--database-url", database_url],
                            cwd=ROOT, capture_output=True, text=True, check=True,
                            env={**os.environ, "DATABASE_URL": database_url})
    return result.stdout


@contextlib.contextmanager
def policy_api(database_url: str, port: int | None = None, api_key: str = API_KEY,
               name: str = "policy_api", extra_env: dict | None = None) -> Iterator[str]:
    """extra_env: e.g. IDENTITY_* lockout settings. Each start counts identity failures under a fresh
    Redis prefix unless extra_env names one, so test runs sharing a Redis never lock each other."""
    port = port or free_port()
    env = {"DATABASE_URL": database_url, "POLICY_API_KEY": api_key, "POLICY_API_HOST": "127.0.0.1",
           "POLICY_API_PORT": str(port), "POLICY_API_PUBLIC_URL": f"http://127.0.0.1:{port}",
           "IDENTITY_REDIS_PREFIX": f"test-identity-{secrets.token_hex(6)}",
           "CUSTOMER_TOKEN_SECRET": CUSTOMER_TOKEN_SECRET, "APP_JWT_SECRET": JWT_SECRET, **(extra_env or {})}
    with service(f"{name}_{port}", [APP_PYTHON, "-m", "policy_api"],
                 f"http://127.0.0.1:{port}/health", env):
        yield f"http://127.0.0.1:{port}"


def wait_for_knowledge(api_url: str, api_key: str = API_KEY, timeout_s: float = 600) -> None:
    """Wait until the API's knowledge indexes are built (minutes on a new machine, where every FAQ text
    is embedded for the first time; seconds once the embedding cache has them)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            response = httpx.get(f"{api_url}/v1/knowledge/status", headers={"X-API-Key": api_key}, timeout=5)
            if response.status_code == 200 and response.json()["ready"]:
                return
        time.sleep(0.5)
    raise RuntimeError(f"knowledge indexes of {api_url} not ready after {timeout_s}s")


def action_server_start_timeout_s() -> float:
    """Loading the actions and the log masking pipeline (spaCy) takes seconds on an idle host, over 90 s on one
    with a load of 20 (ACTION_SERVER_START_TIMEOUT_S)."""
    return float(os.environ.get("ACTION_SERVER_START_TIMEOUT_S", "300"))


@contextlib.contextmanager
def action_server(policy_api_url: str, extra_env: dict | None = None) -> Iterator[str]:
    port = free_port()
    env = {"POLICY_API_URL": policy_api_url, "POLICY_API_KEY": API_KEY,
           "ACTION_SERVER_SECRET": ACTION_SERVER_SECRET, "HANDOFF_API_KEY": HUB_API_KEY, **PYTHONPATH,
           **(extra_env or {})}
    with service(f"actions_{port}", [RASA_PYTHON, "-m", "actions.server", "--host", "127.0.0.1", "--port", str(port)],
                 f"http://127.0.0.1:{port}/health", env, timeout_s=action_server_start_timeout_s()):
        yield f"http://127.0.0.1:{port}"


@contextlib.contextmanager
def hub(port: int, env: dict, name: str = "hub") -> Iterator[str]:
    """The handoff hub (`python -m handoff`) on a given port; env carries HANDOFF_REDIS_PREFIX and the rest."""
    full_env = {"HANDOFF_HOST": "127.0.0.1", "HANDOFF_PORT": str(port), "POLICY_API_KEY": API_KEY,
                "APP_JWT_SECRET": JWT_SECRET, "HANDOFF_API_KEY": HUB_API_KEY, **RASA_SECRETS, **env}
    with service(f"{name}_{port}", [APP_PYTHON, "-m", "handoff"], f"http://127.0.0.1:{port}/health", full_env):
        yield f"http://127.0.0.1:{port}"


RABBITMQ_PORT = 5672


def _rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


@contextlib.contextmanager
def rabbitmq_user() -> Iterator[tuple[str, str]]:
    """A user of the machine's RabbitMQ for this test run, with a random password (its only other user is
    the published guest/guest, which the event record refuses outside demo mode); deleted afterwards."""
    # Hex, not token_urlsafe: a password starting with "-" is read by rabbitmqctl as an option (exit 64).
    user, password = f"desk-test-{secrets.token_hex(4)}", secrets.token_hex(24)
    _rabbitmqctl("add_user", user, password)
    try:
        _rabbitmqctl("set_permissions", "-p", "/", user, ".*", ".*", ".*")
        yield user, password
    finally:
        _rabbitmqctl("delete_user", user)


@dataclass(frozen=True)
class EventRoute:
    """Where one test Rasa publishes its events (an exchange and queue of its own on the shared broker) and
    where its event record writes them."""

    user: str
    password: str
    exchange: str
    queue: str
    events_url: str

    def record_env(self) -> dict[str, str]:
        return {"RABBITMQ_HOST": "127.0.0.1", "RABBITMQ_PORT": str(RABBITMQ_PORT), "RABBITMQ_USER": self.user,
                "RABBITMQ_PASSWORD": self.password, "EVENT_RECORD_QUEUE": self.queue,
                "EVENT_RECORD_EXCHANGE": self.exchange, "RASA_EVENTS_URL": self.events_url, **PYTHONPATH}


@contextlib.contextmanager
def event_route(workdir: Path) -> Iterator[EventRoute]:
    import pika

    tag = secrets.token_hex(4)
    with rabbitmq_user() as (user, password):
        route = EventRoute(user, password, f"test-{tag}-exchange", f"test-{tag}-events",
                           f"sqlite:///{workdir / 'rasa-events.db'}")
        try:
            yield route
        finally:
            params = pika.ConnectionParameters("127.0.0.1", RABBITMQ_PORT,
                                               credentials=pika.PlainCredentials(user, password))
            with contextlib.suppress(pika.exceptions.AMQPError), pika.BlockingConnection(params) as connection:
                channel = connection.channel()
                channel.queue_delete(route.queue)
                channel.exchange_delete(route.exchange)


@contextlib.contextmanager
def event_record(route: EventRoute) -> Iterator[subprocess.Popen]:
    """The event record (`python -m event_record`) consuming the route's queue into its events table; it has
    no health URL (tests wait for its rows: wait_for_event_record)."""
    with service(f"event_record_{route.queue}_{secrets.token_hex(2)}", [APP_PYTHON, "-m", "event_record"], None,
                 route.record_env()) as process:
        yield process


def wait_for_event_record(events_url: str, at_least: int = 1, quiet_s: float = 0.6, timeout_s: float = 30) -> int:
    """Wait until the events table has `at_least` rows and has stopped growing for `quiet_s` (Rasa publishes
    after its reply, the event record writes a moment later); the number of rows."""
    from sqlalchemy import create_engine, text

    engine = create_engine(events_url)
    deadline, last, since = time.monotonic() + timeout_s, -1, time.monotonic()
    try:
        while time.monotonic() < deadline:
            with contextlib.suppress(Exception), engine.connect() as conn:  # the table appears with the record
                count = conn.execute(text("SELECT count(*) FROM events")).scalar_one()
                if count != last:
                    last, since = count, time.monotonic()
                elif count >= at_least and time.monotonic() - since >= quiet_s:
                    return count
            time.sleep(0.1)
    finally:
        engine.dispose()
    raise RuntimeError(f"the event record at {events_url} did not settle in {timeout_s}s ({last} rows)")


def rasa_start_timeout_s() -> float:
    """Loading the model takes ~1 min on an idle 2-core host, several on a busy one (RASA_START_TIMEOUT_S)."""
    return float(os.environ.get("RASA_START_TIMEOUT_S", "420"))


@contextlib.contextmanager
def rasa_server(actions_url: str, workdir: Path, broker_port: int = RABBITMQ_PORT) -> Iterator[str]:
    """Rasa with the project's endpoints: this run's action server, its events published to an exchange
    and queue of its own and written by its own event record to workdir/rasa-events.db.
    broker_port: where Rasa finds RabbitMQ (a test may put a proxy it can cut in between)."""
    port = free_port()
    endpoints = workdir / f"endpoints_{port}.yml"
    with event_route(workdir) as route, event_record(route):
        # The project's endpoints.yml with this run's action server and event route.
        config = yaml.safe_load((ROOT / "bot" / "endpoints.yml").read_text(encoding="utf-8"))
        config["action_endpoint"]["url"] = f"{actions_url}/webhook"
        config["event_broker"].update({"port": broker_port, "queues": [route.queue], "exchange_name": route.exchange,
                                       "retry_delay_in_seconds": 1})
        endpoints.write_text(yaml.safe_dump(config))
        # bot.server: `rasa run --enable-api` with the JWT secret, no CORS (bot/server.py).
        cmd = [RASA_PYTHON, "-m", "bot.server", "-i", "127.0.0.1", "--port", str(port), "-m", str(MODEL),
               "--endpoints", str(endpoints), "--credentials", str(ROOT / "bot" / "credentials.yml")]
        env = {**RASA_ENV, **RASA_SECRETS, "ACTION_SERVER_SECRET": ACTION_SERVER_SECRET, **PYTHONPATH,
               "RABBITMQ_HOST": "127.0.0.1", "RABBITMQ_USER": route.user, "RABBITMQ_PASSWORD": route.password}
        with service(f"rasa_{port}", cmd, f"http://127.0.0.1:{port}/status", env, timeout_s=rasa_start_timeout_s(),
                     health_auth=rasa_auth("health-check")):
            yield f"http://127.0.0.1:{port}"


PG_ADMIN_DSN = os.environ.get("POLICY_TEST_PG_DSN", f"host=127.0.0.1 port=5432 dbname=postgres user={getpass.getuser()}")


@contextlib.contextmanager
def postgres_database(prefix: str) -> Iterator[str]:
    """A fresh database on the local PostgreSQL server, dropped afterwards. PostgreSQL runs on every
    machine of this kind and in CI: there its absence fails the test; elsewhere it skips."""
    import psycopg
    import pytest
    from psycopg import sql

    try:
        admin = psycopg.connect(PG_ADMIN_DSN, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL not reachable ({PG_ADMIN_DSN}): {exc}")
        pytest.skip(f"PostgreSQL not reachable ({PG_ADMIN_DSN}): {exc}")
    name = f"{prefix}_{secrets.token_hex(6)}"
    info = admin.info
    try:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        yield f"postgresql://{info.user}@{info.host}:{info.port}/{name}"
    finally:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.close()


def drop_redis_prefix(prefix: str, redis_url: str = "redis://127.0.0.1:6379/0") -> None:
    """Delete what a test's service kept in the shared Redis under its own prefix."""
    import redis

    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"{prefix}:*", count=500):
        client.delete(key)
    client.close()
