"""`python -m outreach.run_once [--now ISO-8601] [--database-url URL]`: one pass, printed as JSON."""

from __future__ import annotations

import argparse
import json
import logging
from datetime import UTC, datetime

from common.clock import utcnow
from outreach.runner import run_pass
from outreach.settings import Settings
from outreach.wiring import channels, open_database


def parse_now(value: str) -> datetime:
    now = datetime.fromisoformat(value)
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run one reminder pass and print what it did.")
    parser.add_argument("--now", type=parse_now, help="the pass's clock (default: now); naive means UTC")
    parser.add_argument("--database-url", help="defaults to $DATABASE_URL or var/policy.db")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = Settings(**({"database_url": args.database_url} if args.database_url else {}))
    engine, session_factory = open_database(settings)
    try:
        report = run_pass(session_factory, settings, args.now or utcnow(), channels(settings, session_factory))
    finally:
        engine.dispose()
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
