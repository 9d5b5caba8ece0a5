"""Databases made before migrations existed (by create_all: a developer's var/policy.db): recognised, and given
what the initial revision expects before it runs over them in adopting mode (which skips existing tables)."""

from __future__ import annotations

from collections.abc import Callable

from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Connection, DateTime, String, inspect

VERSION_TABLE = "alembic_version"
# Tables in the shared database that their libraries make, not our migrations: Rasa's event broker and SQL
# tracker store make `events`, the reminder scheduler's APScheduler job store `apscheduler_jobs`.
FOREIGN_TABLES = frozenset({"events", "apscheduler_jobs"})
# Columns added to existing tables while create_all made the schema (create_all never adds a column to a table
# that exists): a database from before them lacks them. Built per call: a Column belongs to one table.
LEGACY_COLUMNS: dict[str, Callable[[], list[Column]]] = {
    "voice_calls": lambda: [Column("call_sid", String(34))],
    "hub_users": lambda: [Column("disabled_at", DateTime(timezone=True))],
    "hub_audit": lambda: [Column("subject", String(64))],
}


def made_before_migrations(connection: Connection) -> list[str]:
    """Our tables in a database that has no revision yet; empty for a new database or one with a revision."""
    tables = set(inspect(connection).get_table_names())
    if VERSION_TABLE in tables:
        return []
    return sorted(tables - FOREIGN_TABLES)


def add_legacy_columns(connection: Connection) -> None:
    """Nullable columns only: ADD COLUMN works in place on SQLite and PostgreSQL alike."""
    inspector = inspect(connection)
    operations = Operations(MigrationContext.configure(connection))
    for table, columns in LEGACY_COLUMNS.items():
        if not inspector.has_table(table):
            continue
        have = {column["name"] for column in inspector.get_columns(table)}
        for column in columns():
            if column.name not in have:
                operations.add_column(table, column)
