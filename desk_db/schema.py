"""What the migrations describe: the union of the services' table definitions, for autogenerate and checks.

Imported only when comparing or generating (env.py, `check`), never by `upgrade`: the migrations themselves
are self-contained. The tables are defined in desk_db/tables/, one module per owning service.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import MetaData


def target_metadata() -> list[MetaData]:
    import desk_db.tables.reminders  # noqa: F401  the reminder tables live on the policy API's Base
    from desk_db.tables.hub import HubBase
    from desk_db.tables.policy import Base
    from desk_db.tables.voice import metadata as voice_metadata

    return [Base.metadata, HubBase.metadata, voice_metadata]


def our_tables() -> set[str]:
    return {name for metadata in target_metadata() for name in metadata.tables}


def include_name(name: str | None, type_: str, parent_names: dict[str, Any]) -> bool:
    """Only our tables are compared: Rasa's `events`, APScheduler's `apscheduler_jobs` and anything else sharing
    the database is left alone (autogenerate would otherwise propose dropping it)."""
    if type_ == "table":
        return name in our_tables()
    return True
