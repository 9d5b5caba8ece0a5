"""Where the shared database is, for the command line (`python -m desk_db`)."""

from __future__ import annotations

from desk_config.base import DeskSettings, setting
from desk_config.shared import DEFAULT_DATABASE_URL


class Settings(DeskSettings):
    database_url: str = setting("DATABASE_URL", DEFAULT_DATABASE_URL,
                                "SQLAlchemy URL of the shared database `upgrade`, `current`, `check` and `revision` "
                                "work on (`--database-url` overrides it).")
