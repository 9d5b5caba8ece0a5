"""One migrator at a time: processes that start together (two hub workers, the API, the init job) queue here,
and each then finds the database at the revision the first one left it."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock
from sqlalchemy import Connection, text
from sqlalchemy.engine import URL

# Any fixed 64-bit number, the same in every process of this project: pg_advisory_xact_lock's key.
ADVISORY_KEY = 0x6465736B5F6462  # "desk_db"
# How long a process waits for another's migration before it gives up (a first migration takes seconds).
WAIT_S = 300


@contextlib.contextmanager
def sqlite_file_lock(url: URL) -> Iterator[None]:
    """A lock file beside the SQLite database (SQLite has no lock that outlives a statement we could use
    across Alembic's separate DDL statements). In-memory databases belong to one process: nothing to lock."""
    if not url.database or url.database == ":memory:":
        yield
        return
    path = Path(url.database)
    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(path) + ".migrate.lock", timeout=WAIT_S):
        yield


def postgres_transaction_lock(connection: Connection) -> None:
    """Held until the migration's transaction ends (commit or rollback), also if the process dies."""
    connection.execute(text(f"SET LOCAL lock_timeout = '{WAIT_S}s'"))
    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_KEY})
