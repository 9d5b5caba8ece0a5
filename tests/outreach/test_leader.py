"""Two reminder schedulers on one database (two replicas) send each reminder once: one leads, the other
stands by, and takes over when the leader is killed. Real `python -m outreach` processes, PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from devstack import services
from tests.outreach.conftest import NO_HUB, Db, open_db

CUSTOMERS = 4


@pytest.fixture
def pg() -> Iterator[Db]:
    with services.postgres_database("outreach_leader") as url, open_db(url) as database:
        yield database


def _add_due_customer(db: Db, n: int) -> None:
    today = date.today()
    db.add_customer(f"C{n}", phone=f"1380013800{n}")
    db.add_policy(f"HL3100000{n}", f"C{n}", today + timedelta(days=400), [(today + timedelta(days=5), "due")])


def _scheduler(db: Db, name: str, send_log: Path, tmp_path: Path) -> tuple[subprocess.Popen, Path]:
    env = {**os.environ, "DATABASE_URL": db.url, "OUTREACH_HUB_URL": NO_HUB, "OUTREACH_INTERVAL_S": "1",
           "OUTREACH_LEADER_POLL_S": "0.5", "OUTREACH_HEARTBEAT_FILE": str(tmp_path / f"{name}.beat"),
           "OUTREACH_SMS_GATEWAY": "tests.outreach.gateways:CountingGateway", "OUTREACH_TEST_SEND_LOG": str(send_log),
           # no quiet hours, whatever the time of day the test runs
           "OUTREACH_QUIET_START": "00:00", "OUTREACH_QUIET_END": "00:00"}
    services.LOG_DIR.mkdir(parents=True, exist_ok=True)
    log = services.LOG_DIR / f"outreach_leader_{name}.log"
    with open(log, "w") as out:
        process = subprocess.Popen([services.APP_PYTHON, "-m", "outreach"], cwd=services.ROOT, env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
    return process, log


def _sends(send_log: Path) -> list[tuple[int, str]]:
    if not send_log.exists():
        return []
    return [(int(pid), key) for pid, key in (line.split() for line in send_log.read_text().splitlines())]


def _wait_for(condition, timeout_s: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_two_schedulers_send_each_reminder_once_and_the_standby_takes_over(pg: Db, tmp_path: Path) -> None:
    for n in range(CUSTOMERS):
        _add_due_customer(pg, n)
    send_log = tmp_path / "sends.txt"
    started = [_scheduler(pg, name, send_log, tmp_path) for name in ("a", "b")]
    try:
        _wait_for(lambda: len(pg.outbox()) == CUSTOMERS, 120, "the first reminders")
        # Several more passes of both processes' intervals: nothing may be sent again.
        time.sleep(4)
        sends = _sends(send_log)
        assert len(sends) == CUSTOMERS, Counter(key for _, key in sends)
        assert all(d.status == "sent" for d in pg.deliveries("sms"))
        leaders = {pid for pid, _ in sends}
        assert len(leaders) == 1  # one process sent them all; the other stood by
        leader = next(p for p, _ in started if p.pid in leaders)
        standby, standby_log = next((p, log) for p, log in started if p.pid not in leaders)
        assert "standing by" in standby_log.read_text()
        for process, _ in started:  # both alive: a standby waits, it does not exit
            assert process.poll() is None

        # The leader dies without a goodbye: PostgreSQL drops its lock with its connection.
        leader.send_signal(signal.SIGKILL)
        leader.wait(30)
        _add_due_customer(pg, CUSTOMERS)
        _wait_for(lambda: len(pg.outbox()) == CUSTOMERS + 1, 120, "the standby to take over")
        time.sleep(3)
        sends = _sends(send_log)
        assert len(sends) == CUSTOMERS + 1
        assert sends[-1][0] == standby.pid
        assert "leading" in standby_log.read_text()
    finally:
        for process, _ in started:
            if process.poll() is None:
                process.terminate()
                process.wait(20)


def test_the_health_check_follows_the_heartbeat(tmp_path: Path) -> None:
    beat = tmp_path / "beat"
    env = {**os.environ, "OUTREACH_HEARTBEAT_FILE": str(beat), "OUTREACH_LEADER_POLL_S": "1"}

    def check() -> int:
        return subprocess.run([services.APP_PYTHON, "-m", "outreach.leader", "--check"], cwd=services.ROOT,
                              env=env, capture_output=True, timeout=60).returncode

    assert check() == 1  # never beaten: not healthy
    beat.touch()
    assert check() == 0
    stale = time.time() - 60
    os.utime(beat, (stale, stale))
    assert check() == 1


def test_a_released_lead_passes_to_the_next_scheduler_at_once(pg: Db) -> None:
    from desk_db.engine import make_engine
    from outreach.leader import AdvisoryLock

    other_process = make_engine(pg.url)  # its own pool, as another replica has
    try:
        first, second = AdvisoryLock(pg.engine), AdvisoryLock(other_process)
        assert first.try_acquire() and first.held()
        assert not second.try_acquire() and not second.held()
        first.release()  # the connection goes back to the pool: the lock must not go with it
        assert second.try_acquire()
        second.release()
    finally:
        other_process.dispose()
