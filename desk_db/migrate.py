"""Running the migrations: upgrade to head under a lock, adopt databases made before migrations, report the
revision, and compare the models with the database."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, pool
from sqlalchemy.engine import make_url

from desk_db.adopt import add_legacy_columns, made_before_migrations
from desk_db.lock import postgres_transaction_lock, sqlite_file_lock
from desk_db.urls import normalize_url

log = logging.getLogger("desk_db")

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class NewerDatabaseError(RuntimeError):
    """The database is at a revision this code does not know: it was migrated by a newer release."""


def config(connection: Connection | None = None, adopt_existing: bool = False, compare: bool = False) -> Config:
    """Alembic's configuration without an alembic.ini: the scripts are found beside this module, so it works
    from any working directory and in the images."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("path_separator", "os")
    cfg.attributes["connection"] = connection
    cfg.attributes["adopt_existing"] = adopt_existing
    cfg.attributes["compare"] = compare
    return cfg


def head() -> str:
    revision = ScriptDirectory.from_config(config()).get_current_head()
    if revision is None:
        raise RuntimeError(f"desk_db: no migrations in {MIGRATIONS / 'versions'}")
    return revision


def migration_engine(database_url: str) -> Engine:
    """A plain engine of its own (no pool kept, no pragmas of a service): migrations run once and let go."""
    url = normalize_url(database_url)
    if make_url(url).get_backend_name() == "sqlite":
        return create_engine(url, poolclass=pool.NullPool, connect_args={"timeout": 30})
    return create_engine(url, poolclass=pool.NullPool)


@contextmanager
def _locked(database_url: str) -> Iterator[Connection]:
    """A connection in a transaction that only one process at a time holds; committed on success."""
    engine = migration_engine(database_url)
    url = engine.url
    try:
        if url.get_backend_name() == "sqlite":
            with sqlite_file_lock(url), engine.begin() as connection:
                yield connection
        else:
            with engine.begin() as connection:
                postgres_transaction_lock(connection)
                yield connection
    finally:
        engine.dispose()


def _revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(database_url: str) -> str:
    """Bring the database to the newest revision and return it. Safe to call from every process at start:
    they take turns, and one that finds the database at head does nothing. A database made before
    migrations is adopted: the initial revision creates only the tables it lacks and is recorded."""
    target = head()
    with _locked(database_url) as connection:
        found = _revision(connection)
        if found == target:
            return target
        if found is not None and not _known(found):
            raise NewerDatabaseError(
                f"database is at revision {found}, which this code does not know (its newest is {target}): "
                "it was migrated by a newer release; run that release, or downgrade the database with it")
        existing = made_before_migrations(connection) if found is None else []
        if existing:
            log.warning("database made before migrations (%d tables, no alembic_version): adopting it at the "
                        "initial revision, creating only missing tables, then upgrading to %s", len(existing), target)
            add_legacy_columns(connection)
        command.upgrade(config(connection, adopt_existing=bool(existing)), "head")
        log.info("database schema upgraded from %s to %s", found or "empty", target)
    return target


def _known(revision: str) -> bool:
    try:
        return ScriptDirectory.from_config(config()).get_revision(revision) is not None
    except Exception:  # alembic raises its own ResolutionError / CommandError for an unknown id
        return False


def current(database_url: str) -> str | None:
    """The database's revision (None: no migration ran on it)."""
    engine = migration_engine(database_url)
    try:
        with engine.connect() as connection:
            return _revision(connection)
    finally:
        engine.dispose()


def differences(database_url: str) -> list[Any]:
    """What autogenerate would put in a new migration: empty when the models and the database agree."""
    from alembic.autogenerate import compare_metadata

    from desk_db.schema import include_name, target_metadata

    engine = migration_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={
                "compare_type": True, "compare_server_default": True, "include_name": include_name})
            return list(compare_metadata(context, target_metadata()))
    finally:
        engine.dispose()


def check(database_url: str) -> list[Any]:
    """Differences that block: the database is not at head, or the models have changed without a migration."""
    found = current(database_url)
    if found != head():
        return [("revision", found, head())]
    return differences(database_url)


def revision(database_url: str, message: str) -> None:
    """A new migration generated against a database at head (read it through before committing it)."""
    engine = migration_engine(database_url)
    try:
        with engine.connect() as connection:
            # Numbered in order (0001, 0002, ...): the files sort as they apply.
            rev_id = f"{len(list(ScriptDirectory.from_config(config()).walk_revisions())) + 1:04d}"
            command.revision(config(connection, compare=True), message=message, autogenerate=True, rev_id=rev_id)
    finally:
        engine.dispose()
