"""The scheduler: APScheduler with its job store in the same database, so the schedule survives a
restart; a restart after downtime runs one catch-up pass (coalesce), never a burst."""

from __future__ import annotations

import json
import logging

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger

from outreach.runner import run_pass
from outreach.settings import Settings
from outreach.wiring import channels, open_database
from policy_api.clock import utcnow

log = logging.getLogger("outreach")
JOB_ID = "outreach-pass"


def scheduled_pass() -> None:
    """The job (referenced by name in the job store, so it must stay importable here)."""
    settings = Settings()
    engine, session_factory = open_database(settings)
    try:
        report = run_pass(session_factory, settings, utcnow(), channels(settings, session_factory))
    finally:
        engine.dispose()
    log.info("pass: %s", json.dumps(report["delivery_counts"]))


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = Settings()
    engine, _ = open_database(settings)
    scheduler = BlockingScheduler(jobstores={"default": SQLAlchemyJobStore(engine=engine)}, timezone=settings.timezone,
                                  job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None})
    scheduler.add_job(scheduled_pass, IntervalTrigger(seconds=settings.interval_s), id=JOB_ID,
                      replace_existing=True, next_run_time=utcnow())
    log.info("reminder scheduler: a pass every %ss (quiet hours %s-%s %s)", settings.interval_s,
             settings.quiet_start, settings.quiet_end, settings.timezone)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
