"""Where the service figures read from, from the environment."""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator

from desk_config.base import DeskSettings, setting
from desk_config.shared import DEFAULT_DATABASE_URL, DEFAULT_EVENTS_URL, DEFAULT_TIMEZONE, REPO_ROOT


def _events_url(url: str | None) -> str:
    url = url or DEFAULT_EVENTS_URL
    # The contract's relative default (sqlite:///var/rasa-events.db) means the project's var/.
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        url = f"sqlite:///{REPO_ROOT / url[len('sqlite:///'):]}"
    return url


# The events database's URL, a relative SQLite path resolved against the project.
EventsUrl = Annotated[str, BeforeValidator(_events_url)]


class FigureSettings(DeskSettings):
    events_url: EventsUrl = setting(
        "RASA_EVENTS_URL", DEFAULT_EVENTS_URL, "SQLAlchemy URL of the database Rasa's event broker writes the "
                                               "conversations' events to (figures, data export, retention).")
    database_url: str = setting("DATABASE_URL", DEFAULT_DATABASE_URL,
                                "SQLAlchemy URL of the shared database: hub handoff records and reminders.")
    timezone: str = setting("FIGURES_TZ", DEFAULT_TIMEZONE, "Time zone the figures count days in.")
