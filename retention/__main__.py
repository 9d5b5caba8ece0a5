"""`python -m retention [--dry-run] [--days N]`: delete the conversation data older than the
retention period (RETENTION_DAYS, default 180) from every store, and print the counts per store.

- Rasa's event broker (RASA_EVENTS_URL): events older than the period; a conversation left with no
  event also has its tracker emptied over Rasa's API (RASA_URL, RASA_JWT_SECRET, RASA_CHANNEL_SECRET),
  whatever the tracker store (memory or Redis). Without those secrets the trackers are left, and said so.
- The hub's tables (DATABASE_URL): transcript lines and notes deleted, handoff records anonymised
  (they keep only what the supervisor figures count).
- The voice gateway's tables (VOICE_DATABASE_URL, default DATABASE_URL): calls and their turns.
- Reminder records (DATABASE_URL): reminders, deliveries, SMS texts. Opt-outs stay: they are the
  customer's standing instruction.
- Claim materials (DATABASE_URL and MATERIALS_DIR): not by RETENTION_DAYS but by the Insurance Law's keeping
  period, five or ten years after the policy ends (claims/material_retention.py); rows and files.
- The hub's live state in Redis expires by itself a week after a conversation's last message.

Idempotent (a second run finds nothing more); `--dry-run` counts without deleting."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable, Iterable
from typing import Any

import httpx
from sqlalchemy import Engine, inspect
from sqlalchemy.orm import Session

from claims import material_retention
from claims.material_store import MaterialStore
from desk_db.engine import make_engine
from hub_records import customer_data as hub_data
from privacy import rasa_events
from reminder_records import customer_data as reminder_data
from retention.settings import DEFAULT_DAYS, RetentionSettings
from service_auth.env_secrets import SecretError
from service_auth.rasa_auth import checked_rasa_auth
from voice_records import customer_data as voice_data


def run(settings: RetentionSettings, dry_run: bool, now: dt.datetime | None = None) -> dict[str, Any]:
    """Counts per store (what was deleted, or with dry_run what would be)."""
    if settings.days < 1:
        raise ValueError("RETENTION_DAYS must be at least 1")
    now = now or dt.datetime.now(dt.UTC)
    cutoff = now - dt.timedelta(days=settings.days)
    today = now.date()
    counts: dict[str, Any] = {}
    events = make_engine(settings.events_url)
    database = make_engine(settings.database_url)
    voice = make_engine(settings.voice_database_url)
    try:
        removed, emptied = rasa_events.expire(events, cutoff.timestamp(), dry_run)
        counts["rasa_events"] = {"events": removed}
        counts["rasa_tracker"] = _forget_trackers(settings, emptied, dry_run)
        counts["hub"] = _in_session(database, "hub_transcripts",
                                    lambda s: hub_data.expire(s, cutoff, dry_run))
        counts["voice"] = (voice_data.expire(voice, cutoff, dry_run) if inspect(voice).has_table("voice_calls")
                           else {"skipped": "no voice tables"})
        counts["reminders"] = _in_session(database, "reminders", lambda s: reminder_data.expire(s, cutoff, dry_run))
        store = MaterialStore(settings.materials_dir)
        counts["claim_materials"] = _in_session(
            database, "claim_materials", lambda s: material_retention.expire(s, store, today, dry_run))
        counts["hub_live"] = {"skipped": "Redis keys expire 7 days after a conversation's last message"}
    finally:
        for engine in (events, database, voice):
            engine.dispose()
    return {"retention_days": settings.days, "cutoff": cutoff.isoformat(), "dry_run": dry_run, "counts": counts}


def _in_session(engine: Engine, table: str, job: Callable[[Session], dict[str, int]]) -> dict[str, Any]:
    if not inspect(engine).has_table(table):
        return {"skipped": f"no table {table}"}
    with Session(engine) as session:
        result = job(session)
        session.commit()
    return result


def _forget_trackers(settings: RetentionSettings, conversation_ids: Iterable[str], dry_run: bool) -> dict[str, Any]:
    """Empty the trackers of conversations whose every event has gone (see handoff/customer_data.py)."""
    cids = sorted(conversation_ids)
    if dry_run or not cids:
        return {"conversations": len(cids)}
    try:
        auth = checked_rasa_auth("retention", settings)
    except SecretError as exc:
        return {"skipped": f"Rasa's credentials are not set ({exc.args[0].split(':')[0]})", "conversations": 0}
    done = 0
    with httpx.Client(auth=auth, timeout=30) as client:
        for cid in cids:
            try:
                response = client.put(f"{settings.rasa_url}/conversations/{cid}/tracker/events",
                                      params={"include_events": "NONE"}, json=[])
            except httpx.HTTPError as exc:
                return {"conversations": done, "failed": f"Rasa unreachable: {exc!r}"}
            done += response.status_code == 200
    return {"conversations": done}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m retention", description=__doc__.split("\n\n")[0])
    parser.add_argument("--dry-run", action="store_true", help="count what would be deleted, delete nothing")
    parser.add_argument("--days", type=int, help=f"retention period in days (RETENTION_DAYS, default {DEFAULT_DAYS})")
    parser.add_argument("--json", action="store_true", help="print the counts as one JSON document")
    args = parser.parse_args(argv)
    settings = RetentionSettings(**({"days": args.days} if args.days is not None else {}))
    report = run(settings, args.dry_run)
    failed = any("failed" in figures for figures in report["counts"].values())
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
        return 1 if failed else 0
    verb = "would delete" if args.dry_run else "deleted"
    print(f"retention {report['retention_days']} days: {verb} what is older than {report['cutoff']}")
    for store, figures in report["counts"].items():
        print(f"  {store}: " + ", ".join(f"{k}={v}" for k, v in figures.items()))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
