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
import textwrap
import time
import uuid
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from devstack import services
from devstack.hub_clients import Customer, HubRun
from devstack.launch import SUPERVISORCTL, Launch

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


def _earlier_run(var_dir: Path, stop_takes_s: int) -> subprocess.Popen:
    """A supervisord holding this install's socket and pid file, as an earlier `make run` does, with one
    service that takes `stop_takes_s` to stop (as Rasa takes seconds to let go of its port)."""
    (var_dir / "log").mkdir(parents=True, exist_ok=True)
    conf = var_dir / "earlier.conf"
    conf.write_text(textwrap.dedent(f"""\
        [supervisord]
        nodaemon=true
        logfile={var_dir}/earlier.log
        pidfile={var_dir}/supervisord.pid
        [unix_http_server]
        file={var_dir}/supervisor.sock
        [rpcinterface:supervisor]
        supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
        [program:slow_to_stop]
        command={services.APP_PYTHON} -c "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(600)"
        stopwaitsecs={stop_takes_s}
        """))
    earlier = subprocess.Popen([str(ROOT / ".venv" / "bin" / "supervisord"), "-c", str(conf)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ctl = [SUPERVISORCTL, "-s", f"unix://{var_dir}/supervisor.sock"]
    assert _wait(lambda: "RUNNING" in subprocess.run([*ctl, "status"], capture_output=True, text=True).stdout, 30)
    return earlier


def test_a_second_run_of_the_same_install_is_refused_while_the_first_serves(tmp_path: Path) -> None:
    env = _env(tmp_path, _ports())
    earlier = _earlier_run(Path(env["DESK_VAR_DIR"]), stop_takes_s=1)
    try:
        second = subprocess.run(["bash", "scripts/run.sh"], cwd=ROOT, env=env, capture_output=True, text=True,
                                timeout=120)
        assert second.returncode == 1
        assert f"already running (supervisord pid {earlier.pid}" in second.stderr, second.stderr
        assert "supervisorctl" in second.stderr and "shutdown" in second.stderr  # how to stop it
        assert earlier.poll() is None, "the second run must leave the first one serving"
    finally:
        earlier.terminate()
        earlier.wait(timeout=30)


def test_a_run_started_while_the_last_one_is_stopping_waits_for_it(tmp_path: Path) -> None:
    """`supervisorctl shutdown` returns at once, while the services still hold their ports for seconds:
    `make run` straight after it waits instead of failing on a taken socket or port."""
    env = _env(tmp_path, _ports())
    var_dir = Path(env["DESK_VAR_DIR"])
    earlier = _earlier_run(var_dir, stop_takes_s=5)
    subprocess.run([SUPERVISORCTL, "-s", f"unix://{var_dir}/supervisor.sock", "shutdown"], capture_output=True,
                   timeout=30, check=True)
    launch = Launch(env, var_dir)
    try:
        assert launch.wait_for_line("Starting (single)", 120), launch.output[-3000:]
        assert earlier.poll() is not None, "started before the earlier run had stopped"
        assert f"waiting for the earlier run of this install (supervisord pid {earlier.pid})" in launch.output
    finally:
        launch.stop()
        if earlier.poll() is None:
            earlier.kill()


@pytest.fixture(autouse=True)
def _needs_model() -> None:
    if not services.MODEL.exists():
        pytest.fail("no trained model: run `make train` (make test does)")
