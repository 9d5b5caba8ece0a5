"""The scheduler: APScheduler with its job store in the same database, so the schedule survives a
restart; a restart after downtime runs one catch-up pass (coalesce), never a burst. Only the replica that
holds the leader lock (outreach/leader.py) runs it; the others wait for the lock."""

from __future__ import annotations

import json
import logging

from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger

from common.clock import utcnow
from outreach.claim_updates import deliver_claim_updates
from outreach.leader import LeaderLock, beat, leader_lock, wait_for_leadership
from outreach.runner import run_pass
from outreach.settings import Settings
from outreach.wiring import channels, open_database

log = logging.getLogger("outreach")
JOB_ID = "outreach-pass"
# The process exits with it when it lost the lead (its orchestrator starts it again, as a standby).
LOST_LEAD = 3


def scheduled_pass() -> None:
    """The job (referenced by name in the job store, so it must stay importable here)."""
    settings = Settings()
    engine, session_factory = open_database(settings)
    try:
        report = run_pass(session_factory, settings, utcnow(), channels(settings, session_factory))
    finally:
        engine.dispose()
    log.info("pass: %s", json.dumps(report["delivery_counts"]))


def claim_updates_pass() -> None:
    """Claim progress messages: more often than reminders, since the customer is waiting for them."""
    settings = Settings()
    engine, session_factory = open_database(settings)
    try:
        counts = deliver_claim_updates(session_factory, utcnow(), settings, channels(settings, session_factory))
    finally:
        engine.dispose()
    if counts:
        log.info("claim updates: %s", json.dumps(counts))


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = Settings()
    engine, _ = open_database(settings)
    lock = leader_lock(engine)
    wait_for_leadership(lock, settings)
    scheduler = BlockingScheduler(jobstores={"default": SQLAlchemyJobStore(engine=engine), "local": MemoryJobStore()},
                                  timezone=settings.timezone,
                                  job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None})
    lost = []

    def keep_lead(lock: LeaderLock = lock) -> None:
        beat(settings.heartbeat_file)
        if not lock.held():
            log.error("reminder scheduler: lost the leader lock (database connection gone); stopping")
            lost.append(True)
            scheduler.shutdown(wait=False)

    scheduler.add_job(keep_lead, IntervalTrigger(seconds=settings.leader_poll_s), id="leader-watch",
                      jobstore="local", next_run_time=utcnow())
    scheduler.add_job(scheduled_pass, IntervalTrigger(seconds=settings.interval_s), id=JOB_ID,
                      replace_existing=True, next_run_time=utcnow())
    scheduler.add_job(claim_updates_pass, IntervalTrigger(seconds=settings.claim_updates_s), id="claim-updates",
                      replace_existing=True, next_run_time=utcnow())
    log.info("reminder scheduler: a pass every %ss (quiet hours %s-%s %s)", settings.interval_s,
             settings.quiet_start, settings.quiet_end, settings.timezone)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        lock.release()
    if lost:
        raise SystemExit(LOST_LEAD)
