"""scripts/run.sh as a user starts it (`make run`, `make cluster`), for the tests and the benches that need
the whole desk: in its own process group, its terminal output collected line by line."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from devstack import services
from service_auth.rasa_auth import RasaAuth

SUPERVISORCTL = str(services.ROOT / ".venv" / "bin" / "supervisorctl")


class Launch:
    """scripts/run.sh PROFILE in its own process group, its terminal output collected line by line."""

    def __init__(self, env: dict[str, str], var_dir: Path, profile: str = "single") -> None:
        self.var_dir = var_dir
        self.lines: list[str] = []
        self.process = subprocess.Popen(["bash", "scripts/run.sh", profile], cwd=services.ROOT, env=env, text=True,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for_line(self, text: str, timeout_s: float) -> bool:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if any(text in line for line in self.lines):
                return True
            if self.process.poll() is not None:
                self._reader.join(timeout=5)
                return any(text in line for line in self.lines)
            time.sleep(0.5)
        return False

    def ctl(self, *args: str) -> str:
        result = subprocess.run([SUPERVISORCTL, "-s", f"unix://{self.var_dir}/supervisor.sock", *args],
                                capture_output=True, text=True, timeout=60)
        return result.stdout

    def pid(self, name: str) -> int:
        """The process id supervisord has for a service (0 while it is not running)."""
        return int(self.ctl("pid", name).strip() or 0)

    def kill(self, name: str) -> int:
        """`kill -9` of a running service (a crash, not a stop); returns the pid it had."""
        pid = self.pid(name)
        if pid <= 0:  # os.kill(0, ...) would hit our own process group
            raise RuntimeError(f"{name} is not running: {self.ctl('status')}")
        os.kill(pid, signal.SIGKILL)
        return pid

    def secrets(self) -> dict[str, str]:
        """The install's secrets (run.sh writes them to secrets.env as `export NAME=value`)."""
        lines = (self.var_dir / "secrets.env").read_text(encoding="utf-8").splitlines()
        return dict(line.removeprefix("export ").split("=", 1) for line in lines if "=" in line)

    def stop(self) -> int:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)  # Ctrl-C in the terminal
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self._reader.join(timeout=5)
        return self.process.returncode


# Settings a developer's shell may carry that must not leak into a launched install.
FOREIGN_ENV = ("DESK_", "POLICY_API", "HANDOFF_", "RASA_", "ACTIONS_", "POSTGRES_", "DATABASE_URL", "REDIS_HOST",
               "IDENTITY_", "ACTION_SERVER_URL")


def free_port_pair() -> int:
    """The first of two consecutive free ports (the profile's replicas listen on consecutive ports)."""
    for _ in range(100):
        first = services.free_port()
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", first + 1))
            except OSError:
                continue
            return first
    raise RuntimeError("no two consecutive free ports")


@dataclass
class Install:
    """A running `make run` / `make cluster` on free ports: where its doors are and its credentials."""

    launch: Launch
    ports: dict[str, int]
    profile: str

    def url(self, port_name: str) -> str:
        return f"http://127.0.0.1:{self.ports[port_name]}"

    @property
    def rasa_url(self) -> str:
        """Where the hub and the voice gateway reach Rasa: the one Rasa, or HAProxy before the replicas."""
        return self.url("RASA_PORT")

    @property
    def hub_url(self) -> str:
        return self.url("HANDOFF_PORT")

    def replica_ports(self, service: str) -> list[int]:
        """The ports of the Rasa (service "RASA") or action-server ("ACTIONS") replicas of a cluster."""
        return [self.ports[f"{service}_REPLICA_PORT"], self.ports[f"{service}_REPLICA_PORT"] + 1]

    def rasa_auth(self, username: str = "tests") -> RasaAuth:
        secrets = self.launch.secrets()
        return RasaAuth(secrets["RASA_JWT_SECRET"], secrets["RASA_CHANNEL_SECRET"], username)

    def hub_key(self) -> dict[str, str]:
        return {"X-API-Key": self.launch.secrets()["HANDOFF_API_KEY"]}


@contextlib.contextmanager
def launched(profile: str, var_dir: Path, timeout_s: float = 900) -> Iterator[Install]:
    """scripts/run.sh PROFILE on free ports until "Ready"; afterwards everything it started is stopped and what it
    kept in the shared PostgreSQL and Redis is deleted."""
    ports = {name: services.free_port() for name in
             ("POLICY_API_PORT", "ACTIONS_PORT", "RASA_PORT", "HANDOFF_PORT", "VOICE_PORT")}
    if profile == "cluster":
        ports["RASA_REPLICA_PORT"] = free_port_pair()
        ports["ACTIONS_REPLICA_PORT"] = free_port_pair()
    tag = uuid.uuid4().hex[:10]
    env = {k: v for k, v in os.environ.items() if not k.startswith(FOREIGN_ENV)}
    env.update({name: str(port) for name, port in ports.items()})
    env.update({"DESK_VAR_DIR": str(var_dir), "DESK_START_TIMEOUT_S": str(int(timeout_s)),
                "HANDOFF_REDIS_PREFIX": f"launch-hub-{tag}", "IDENTITY_REDIS_PREFIX": f"launch-identity-{tag}"})
    database = f"desk_{profile}_{tag}"
    if profile == "cluster":
        env["POSTGRES_DB"] = database
    else:
        env["DATABASE_URL"] = f"sqlite:///{var_dir / 'desk.db'}"
        for step in ("desk_db", "upgrade"), ("policy_api.seed",):
            subprocess.run([services.APP_PYTHON, "-m", *step], cwd=services.ROOT, env=env, check=True,
                           capture_output=True, timeout=300)
    launch = Launch(env, var_dir, profile)
    try:
        if not launch.wait_for_line("Ready.", timeout_s):
            raise RuntimeError(f"scripts/run.sh {profile} never became ready:\n{launch.output[-4000:]}")
        yield Install(launch, ports, profile)
    finally:
        launch.stop()
        services.drop_redis_prefix(env["HANDOFF_REDIS_PREFIX"])
        services.drop_redis_prefix(env["IDENTITY_REDIS_PREFIX"])
        if profile == "cluster":  # its own database and Rasa's trackers' (bot/endpoints.docker.yml)
            drop_databases(database, f"{database}_trackers")


def drop_databases(*names: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(services.PG_ADMIN_DSN, autocommit=True, connect_timeout=5) as admin:
        for name in names:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
