"""`python -m policy_api.knowledge_store`: import the knowledge base files into the policy API's database by
hand (the import itself is knowledge/store.py, which the init job and the demo seed run too)."""

from __future__ import annotations

import argparse
from pathlib import Path

from sqlalchemy.orm import Session

from knowledge.kb import DATA
from knowledge.store import import_files
from policy_api.db import ensure_schema, make_engine
from policy_api.settings import get_settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Import the knowledge base (FAQ and clauses) into the database.")
    parser.add_argument("--database-url", help="defaults to $DATABASE_URL or var/policy.db")
    parser.add_argument("--data-dir", type=Path, default=DATA, help="folder with faq_*.yml and clauses_*.yml")
    args = parser.parse_args(argv)
    engine = make_engine(args.database_url or get_settings().database_url)
    try:
        ensure_schema(engine)
        with Session(engine) as session:
            result = import_files(session, args.data_dir)
            session.commit()
    finally:
        engine.dispose()
    for language, counts in result.items():
        print(f"knowledge [{language}]: " + ", ".join(f"{n} {what}" for what, n in counts.items()))


if __name__ == "__main__":
    main()
