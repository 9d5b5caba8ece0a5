"""`python -m handoff.users create`: the first supervisor of an install, made from the command line, signs
in to a real hub; the password comes from a prompt that does not echo it, or from standard input, and is
never printed nor stored in the clear."""

from __future__ import annotations

import fcntl
import os
import pty
import subprocess
import termios
import time
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import create_engine, text

from devstack import services
from devstack.hub_clients import HubRun
from tests.security.standalone_hub import hub_without_bot

PASSWORD = "Lantern-harbour-7-river"
CREATE = [services.APP_PYTHON, "-m", "handoff.users"]


@pytest.fixture(scope="module")
def quiet_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubRun]:
    with hub_without_bot(tmp_path_factory.mktemp("users-cli")) as run:
        yield run


def create_args(hub: HubRun, username: str, *extra: str) -> list[str]:
    return [*CREATE, "--database-url", hub.database_url, "create", "--username", username, "--name", "钱主管",
            "--role", "supervisor", "--languages", "zh,en", "--skills", "general,complaints", "--capacity", "4", *extra]


def run_piped(args: list[str], stdin: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, input=stdin, capture_output=True, text=True, timeout=120, cwd=services.ROOT,
                          env={**os.environ, "PYTHONPATH": str(services.ROOT)})


def sign_in(hub: HubRun, username: str, password: str) -> httpx.Response:
    return httpx.post(f"{hub.url}/api/console/login", json={"username": username, "password": password}, timeout=15)


def test_supervisor_created_from_stdin_signs_in(quiet_hub: HubRun) -> None:
    done = run_piped(create_args(quiet_hub, "qian"), PASSWORD + "\n")
    assert done.returncode == 0, done.stderr
    assert "created supervisor qian" in done.stdout
    assert PASSWORD not in done.stdout + done.stderr
    engine = create_engine(quiet_hub.database_url)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT * FROM hub_users WHERE username = 'qian'")).mappings().one()
    engine.dispose()
    assert row["password_hash"].startswith("$2") and PASSWORD not in row["password_hash"]
    assert (row["role"], row["languages"], row["topics"], row["capacity"]) == ("supervisor", "zh,en",
                                                                             "general,complaints", 4)
    response = sign_in(quiet_hub, "qian", PASSWORD)
    assert response.status_code == 200 and response.json()["role"] == "supervisor"

    again = run_piped(create_args(quiet_hub, "qian"), "another-long-password\n")  # no overwriting
    assert again.returncode == 1 and "exists already" in again.stderr
    assert sign_in(quiet_hub, "qian", PASSWORD).status_code == 200


def test_bad_input_is_refused_with_one_line_and_nothing_created(quiet_hub: HubRun) -> None:
    for args, stdin, why in ((create_args(quiet_hub, "short-pw"), "too-short\n", "at least 12"),
                             (create_args(quiet_hub, "Bad Name"), PASSWORD + "\n", "username"),
                             (create_args(quiet_hub, "skills", "--skills", "hacking"), PASSWORD + "\n", "Skills"),
                             (create_args(quiet_hub, "capacity", "--capacity", "0"), PASSWORD + "\n", "Capacity")):
        done = run_piped(args, stdin)
        assert done.returncode == 1 and why in done.stderr, (args, done.stderr)
        assert len(done.stderr.strip().splitlines()) == 1
    engine = create_engine(quiet_hub.database_url)
    with engine.connect() as conn:
        names = set(conn.execute(text("SELECT username FROM hub_users")).scalars())
    engine.dispose()
    assert not names & {"short-pw", "skills", "capacity"}


def test_the_prompt_does_not_echo_the_password(quiet_hub: HubRun) -> None:
    """At a terminal (a pseudo-terminal the command holds as its controlling one) it asks twice and
    the terminal shows neither answer."""
    master, slave = pty.openpty()

    def controlling_terminal() -> None:
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    process = subprocess.Popen(create_args(quiet_hub, "sun"), stdin=slave, stdout=slave, stderr=slave,
                               cwd=services.ROOT, env={**os.environ, "PYTHONPATH": str(services.ROOT)},
                               preexec_fn=controlling_terminal)
    os.close(slave)
    screen = b""
    try:
        screen += read_until(master, b"Password", 60)
        os.write(master, PASSWORD.encode() + b"\n")
        screen += read_until(master, b"Again", 30)
        os.write(master, PASSWORD.encode() + b"\n")
        screen += read_until(master, b"created supervisor sun", 60)
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
        os.close(master)
    assert PASSWORD.encode() not in screen, screen
    assert sign_in(quiet_hub, "sun", PASSWORD).status_code == 200


def read_until(fd: int, marker: bytes, timeout: float) -> bytes:
    got = b""
    deadline = time.monotonic() + timeout
    while marker not in got:
        assert time.monotonic() < deadline, f"no {marker!r} within {timeout}s; got {got!r}"
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the command ended and closed its side
            break
        got += chunk
    assert marker in got, got
    return got
