"""Alembic's environment: runs on the connection desk_db.migrate hands over (already locked and in a
transaction), or on DATABASE_URL when the alembic command is used directly."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import Connection, TypeDecorator

from desk_db.schema import include_name, target_metadata


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """A model's own column type (desk_db.tables.policy.UTCDateTime) is written as the SQL type it stores, so
    migrations import nothing from the services and stay valid when the models move on."""
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl!r}"
    return False


def run(connection: Connection) -> None:
    # The models are loaded only to compare (revision, check): an upgrade runs the self-contained migration
    # files, so a service upgrading at start does not import the other services (nor the voice package's
    # start-up work).
    comparing = context.config.attributes.get("compare", True)
    context.configure(
        connection=connection,
        target_metadata=target_metadata() if comparing else None,
        include_name=include_name,
        compare_type=True,
        compare_server_default=True,
        render_item=render_item,
        # SQLite cannot ALTER most things: later migrations' column changes copy and swap the table.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run(connection)
        return
    from desk_db.migrate import migration_engine
    from desk_db.settings import Settings

    engine = migration_engine(Settings().database_url)
    with engine.begin() as connection:
        run(connection)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("desk_db runs its migrations against a database (no offline SQL scripts)")
run_online()
