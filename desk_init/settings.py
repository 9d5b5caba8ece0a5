"""What the init job reads from the environment."""

from __future__ import annotations

from pathlib import Path

from desk_config.base import DeskSettings, OptionalText, secret, setting
from desk_config.shared import DEFAULT_DATABASE_URL
from knowledge.kb import DATA


class Settings(DeskSettings):
    database_url: str = setting("DATABASE_URL", DEFAULT_DATABASE_URL,
                                "SQLAlchemy URL of the shared database it migrates and fills.")
    admin_user: OptionalText = setting(
        "DESK_ADMIN_USER", None, "The first console supervisor's user name (3-32 of a-z 0-9 . _ -); with "
        "DESK_ADMIN_PASSWORD, made once (an existing user of that name is left as it is). Both unset: no user is made.")
    admin_password: str = secret(
        "DESK_ADMIN_PASSWORD", "The first console supervisor's password (at least 12 characters, not containing the "
        "user name); never logged.", required=False)
    admin_display_name: str = setting("DESK_ADMIN_DISPLAY_NAME", "主管 / Supervisor",
                                      "The first supervisor's name as the console shows it.")
    knowledge_dir: Path = setting("DESK_KNOWLEDGE_DIR", DATA,
                                  "Folder of the FAQ and clause files (faq_*.yml, clauses_*.yml) it imports.")
