"""`make run`'s launcher (scripts/run.sh) as a user meets it: "Ready" only when every service answers,
a crashed service comes back while the others keep serving, a customer is never left in silence while
the action server is down, and a service that cannot start is named with its log."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
import uuid
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from devstack import services
from devstack.hub_clients import Customer, HubRun
from devstack.launch import Launch

ROOT = services.ROOT


def _ports() -> dict[str, str]:
    return {name: str(services.free_port()) for name in
            ("POLICY_API_PORT", "ACTIONS_PORT", "RASA_PORT", "HANDOFF_PORT", "VOICE_PORT")}


def _env(tmp_path: Path, ports: dict[str, str], **extra: str) -> dict[str, str]:
    database_url = f"sqlite:///{tmp_path / 'desk.db'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DESK_", "POLICY_API", "HANDOFF_", "RASA_"))}
    env.update(ports)
    tag = uuid.uuid4().hex[:8]
    # Its own Redis prefix, RabbitMQ exchange and queue: other runs on this machine share both servers.
    env.update({"DESK_VAR_DIR": str(tmp_path / "var"), "DATABASE_URL": database_url,
                "HANDOFF_REDIS_PREFIX": f"run-{tag}", "EVENT_RECORD_EXCHANGE": f"run-{tag}-exchange",
                "EVENT_RECORD_QUEUE": f"run-{tag}-events", "DESK_START_TIMEOUT_S": "900", **extra})
    return env


@contextlib.contextmanager
def _launched(tmp_path: Path, **extra: str) -> Iterator[tuple[Launch, dict[str, str]]]:
    ports = _ports()
    env = _env(tmp_path, ports, **extra)
    subprocess.run([services.APP_PYTHON, "-m", "policy_api.seed"], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=300)
    launch = Launch(env, Path(env["DESK_VAR_DIR"]))
    try:
        yield launch, ports
    finally:
        launch.stop()


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=3).status_code == 200
    except httpx.HTTPError:
        return False


def _wait(predicate, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return False


def test_a_crashed_service_is_restarted_and_the_customer_is_offered_a_person_meanwhile(tmp_path: Path) -> None:
    with _launched(tmp_path) as (launch, ports):
        assert launch.wait_for_line("Ready.", 900), f"make run never became ready:\n{launch.output[-3000:]}"
        hub_url = f"http://127.0.0.1:{ports['HANDOFF_PORT']}"
        actions_health = f"http://127.0.0.1:{ports['ACTIONS_PORT']}/health"
        # "Ready" means every service answers.
        for port in ("POLICY_API_PORT", "ACTIONS_PORT", "HANDOFF_PORT", "VOICE_PORT"):
            assert _answers(f"http://127.0.0.1:{ports[port]}/health"), port

        # kill -9 of the action server: the rest keeps serving, and the action server comes back.
        before = launch.pid("actions")
        os.kill(before, signal.SIGKILL)
        time.sleep(1)
        assert launch.process.poll() is None, "make run stopped when one service crashed"
        assert _answers(f"{hub_url}/health") and _answers(f"http://127.0.0.1:{ports['POLICY_API_PORT']}/health")
        assert _wait(lambda: launch.pid("actions") not in (0, before) and _answers(actions_health), 60), \
            launch.ctl("status")
        log = (launch.var_dir / "log" / "supervisord.log").read_text()
        assert "exited: actions (terminated by SIGKILL; not expected)" in log, log[-2000:]

        # While the action server is down, a customer's message gets a clear reply with a person on offer.
        launch.ctl("stop", "actions")
        hub = HubRun(int(ports["HANDOFF_PORT"]), "run", "", {}, {})
        customer = Customer(hub)
        try:
            customer.send("你好")  # the greeting is a custom action: it needs the action server
            reply = customer.event(lambda f: f.get("kind") == "bot_unavailable", timeout=120, what="bot_unavailable")
            assert "人工" in reply["text"]
            assert [b["payload"] for b in reply["buttons"]] == ["choice:agent"]
            customer.send_raw(json.dumps({"type": "choice", "choice": "agent"}))
            queued = customer.status(lambda f: f.get("owner") == "queued", timeout=30)
            assert queued["request_id"]
        finally:
            customer.close()
            launch.ctl("start", "actions")

        assert launch.stop() in (0, 130, -signal.SIGINT)
        for port in ports.values():  # Ctrl-C stops every service
            with contextlib.closing(socket.socket()) as probe:
                assert probe.connect_ex(("127.0.0.1", int(port))) != 0, f"port {port} still open after Ctrl-C"


def test_a_service_that_cannot_start_is_named_with_its_log(tmp_path: Path) -> None:
    # The voice gateway's port is taken: it cannot start, and make run says so instead of "Ready".
    with contextlib.closing(socket.socket()) as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = str(squatter.getsockname()[1])
        with _launched(tmp_path, VOICE_PORT=taken, DESK_START_RETRIES="1") as (launch, _ports_):
            launch.process.wait(timeout=300)
            out = launch.output
    assert launch.process.returncode != 0
    assert "Ready." not in out
    assert "the voice service failed to start" in out, out[-3000:]
    assert "address already in use" in out.lower() or "Errno 98" in out, out[-3000:]


@pytest.fixture(autouse=True)
def _needs_model() -> None:
    if not services.MODEL.exists():
        pytest.fail("no trained model: run `make train` (make test does)")
