"""A scheduler process that dies mid-pass (crash between send and commit, or killed while sending)
and is started again sends every reminder exactly once. Real processes, SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from datetime import timedelta

from sqlalchemy import text

from devstack import services
from tests.outreach.conftest import BASE, NO_HUB, Db, local

DUE = BASE + timedelta(days=20)
CUSTOMERS = 6


def _setup(db: Db) -> None:
    for n in range(CUSTOMERS):
        db.add_customer(f"C{n}", phone=f"1380013800{n}")
        db.add_policy(f"HL3000000{n}", f"C{n}", BASE + timedelta(days=400), [(DUE, "due")])


def _run_once(db: Db, gateway: str | None, **env: str) -> subprocess.Popen:
    full_env = {**os.environ, "OUTREACH_HUB_URL": NO_HUB, **env}
    if gateway:
        full_env["OUTREACH_SMS_GATEWAY"] = f"tests.outreach.gateways:{gateway}"
    now = local(DUE - timedelta(days=15)).isoformat()
    return subprocess.Popen([services.APP_PYTHON, "-m", "outreach.run_once", "--now", now, "--database-url", db.url],
                            cwd=services.ROOT, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _assert_each_sent_once(db: Db) -> None:
    keys = [m.idempotency_key for m in db.outbox()]
    assert len(keys) == CUSTOMERS and len(set(keys)) == CUSTOMERS
    assert sorted(m.phone for m in db.outbox()) == [f"1380013800{n}" for n in range(CUSTOMERS)]
    assert all(d.status == "sent" for d in db.deliveries("sms"))
    assert all(r.sent_at is not None for r in db.reminders())


def test_crash_between_send_and_commit_then_restart(db: Db) -> None:
    _setup(db)
    crashed = _run_once(db, "CrashAfterSend", OUTREACH_TEST_CRASH_AFTER="3")
    assert crashed.wait(120) == 9
    # The third SMS went out but its delivery was never committed as sent.
    assert len(db.outbox()) == 3
    assert sorted(d.status for d in db.deliveries("sms")) == ["pending"] * 3 + ["sending"] + ["sent"] * 2
    restarted = _run_once(db, None)
    out, err = restarted.communicate(timeout=120)
    assert restarted.returncode == 0, err
    report = json.loads(out)
    assert report["created"] == []  # the reminders were made by the first run
    _assert_each_sent_once(db)
    resent = [d for d in db.deliveries("sms") if d.attempts == 2]
    assert len(resent) == 1  # the one in doubt was sent again with its key: the outbox kept one


def test_killed_while_sending_then_restart(db: Db) -> None:
    _setup(db)
    process = _run_once(db, "SlowGateway")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(db.outbox()) < 2:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(30)
    assert 2 <= len(db.outbox()) < CUSTOMERS
    restarted = _run_once(db, "SlowGateway")
    _, err = restarted.communicate(timeout=120)
    assert restarted.returncode == 0, err
    _assert_each_sent_once(db)


def test_the_scheduler_process_keeps_its_schedule_in_the_database(db: Db) -> None:
    """`python -m outreach` runs a pass at start and stores its job (APScheduler job store) in the database."""
    from datetime import date

    today = date.today()
    db.add_customer("C1")
    db.add_policy("HL30000001", "C1", today + timedelta(days=400), [(today + timedelta(days=5), "due")])
    env = {**os.environ, "DATABASE_URL": db.url, "OUTREACH_HUB_URL": NO_HUB, "OUTREACH_INTERVAL_S": "3600",
           # no quiet hours, whatever the time of day the test runs
           "OUTREACH_QUIET_START": "00:00", "OUTREACH_QUIET_END": "00:00"}
    log = services.LOG_DIR / "outreach_scheduler.log"
    services.LOG_DIR.mkdir(parents=True, exist_ok=True)
    for _ in range(2):  # started twice: the second start sends nothing again
        with open(log, "w") as out:
            process = subprocess.Popen([services.APP_PYTHON, "-m", "outreach"], cwd=services.ROOT, env=env,
                                       stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not db.outbox():
                time.sleep(0.2)
            time.sleep(2)
        finally:
            process.terminate()
            process.wait(20)
    assert len(db.outbox()) == 1, log.read_text()
    with db.engine.connect() as conn:
        jobs = conn.execute(text("SELECT id FROM apscheduler_jobs")).scalars().all()
    # Each job once, however often the process started: the reminder pass and the claim-progress pushes.
    assert sorted(jobs) == ["claim-updates", "outreach-pass"]

