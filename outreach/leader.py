"""One reminder scheduler leads; other replicas stand by until it is gone.

Two schedulers on one job store would both run every pass (APScheduler 3 has no cross-process locking), and
two passes at once could both pick up the same open delivery. So `python -m outreach` first takes a lock
that only one process can hold: a PostgreSQL session advisory lock, kept on a connection of its own for as
long as the process leads. PostgreSQL drops it when that connection ends (process killed, host gone, network
cut), and a standby, polling, takes over. With SQLite (one host, `make run`) an exclusive `flock` on a file
beside the database plays the same part.

Every process touches a heartbeat file while it waits or leads: `python -m outreach.leader --check` (the
container's health check) exits 0 while it is fresh.
"""

from __future__ import annotations

import fcntl
import logging
import sys
import time
from pathlib import Path
from typing import IO, Protocol

from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from outreach.settings import Settings

log = logging.getLogger("outreach")
# pg_try_advisory_lock's key: any 64-bit number, the same in every replica; these are the bytes "outreach".
LOCK_KEY = int.from_bytes(b"outreach", "big") & 0x7FFF_FFFF_FFFF_FFFF


class LeaderLock(Protocol):
    def try_acquire(self) -> bool:
        """Take the lock if nobody holds it; never waits."""
        ...

    def held(self) -> bool:
        """Whether this process still holds it (False once its database connection is gone)."""
        ...

    def release(self) -> None: ...


class AdvisoryLock:
    """PostgreSQL: a session advisory lock on a connection kept open while leading."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._conn: Connection | None = None

    def try_acquire(self) -> bool:
        conn = self.engine.connect()
        try:
            got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY}).scalar())
            conn.commit()  # no transaction left open on the lock's connection for hours
        except DBAPIError:
            conn.close()
            raise
        if got:
            self._conn = conn
        else:
            conn.close()
        return got

    def held(self) -> bool:
        if self._conn is None:
            return False
        try:
            self._conn.execute(text("SELECT 1"))
            self._conn.commit()
            return True
        except DBAPIError:
            self._conn = None
            return False

    def release(self) -> None:
        if self._conn is None:
            return
        # close() alone would return the connection, lock and all, to the engine's pool.
        try:
            self._conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
            self._conn.commit()
        except DBAPIError:
            self._conn.invalidate()  # the session is gone, and the lock with it
        self._conn.close()
        self._conn = None


class FileLock:
    """SQLite (one host): an exclusive flock on `<database>.scheduler-lock`, released when the process ends."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[str] | None = None

    def try_acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a", encoding="utf-8")  # noqa: SIM115  kept open while leading
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._file = handle
        return True

    def held(self) -> bool:
        return self._file is not None

    def release(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def leader_lock(engine: Engine) -> LeaderLock:
    url = engine.url
    if url.get_backend_name() == "postgresql":
        return AdvisoryLock(engine)
    database = make_url(str(url)).database or "memory"
    return FileLock(Path(f"{database}.scheduler-lock"))


def beat(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()


def wait_for_leadership(lock: LeaderLock, settings: Settings) -> None:
    """Block until this process holds the lock, touching the heartbeat meanwhile."""
    announced = False
    while True:
        beat(settings.heartbeat_file)
        try:
            if lock.try_acquire():
                log.info("reminder scheduler: leading (other replicas stand by)")
                return
        except DBAPIError as exc:
            log.warning("reminder scheduler: database unreachable while standing by: %s", exc.__class__.__name__)
        if not announced:
            log.info("reminder scheduler: another replica leads; standing by")
            announced = True
        time.sleep(settings.leader_poll_s)


def fresh(path: Path, max_age_s: float) -> bool:
    try:
        return time.time() - path.stat().st_mtime <= max_age_s
    except FileNotFoundError:
        return False


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args != ["--check"]:
        raise SystemExit("usage: python -m outreach.leader --check")
    settings = Settings()
    # Three missed beats: the process is stuck or gone.
    raise SystemExit(0 if fresh(settings.heartbeat_file, 3 * settings.leader_poll_s + 5) else 1)


if __name__ == "__main__":
    main()
