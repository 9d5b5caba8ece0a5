"""The database engine every service uses (policy API, hub, voice, reminders, figures, retention, the event
record): SQLite files and PostgreSQL (psycopg 3), migrated to the newest schema by desk_db."""

from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

import desk_db
from desk_db.urls import normalize_url

__all__ = ["ensure_schema", "make_engine", "make_session_factory", "normalize_url", "ping"]


def make_engine(url: str) -> Engine:
    """Every service's engine (policy API, hub, voice, reminders, figures). hide_parameters: a failed
    statement's error (logged, or shown in a traceback) names no customer data, only the SQL."""
    url = normalize_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # timeout: wait for a concurrent writer (e.g. a re-seed) instead of failing at once. pool_size: FastAPI
        # runs sync routes on up to 40 threads; with SQLAlchemy's default of 5 kept connections, every request
        # beyond the fifth opened and closed its own (connect, PRAGMA, close: ~4 % of the policy API's CPU under
        # 10 concurrent lookups, py-spy). A SQLite connection is a file handle and a small page cache.
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 15}, hide_parameters=True,
                               pool_size=20, max_overflow=20)
        event.listen(engine, "connect", _sqlite_on_connect)
        return engine
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


def _sqlite_on_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def ensure_schema(engine: Engine) -> None:
    """Bring the shared database to the newest migration (desk_db). Every service does this at start, so
    `make run`, tests and a lone `python -m policy_api` need no extra step; processes starting together take
    turns, and once the init job (python -m desk_init) has migrated, this only reads the revision."""
    desk_db.upgrade(engine.url.render_as_string(hide_password=False))


def ping(engine: Engine) -> None:
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)
