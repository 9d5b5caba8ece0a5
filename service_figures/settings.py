"""Where the figures read from, all from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from policy_api.settings import DEFAULT_DB_PATH, REPO_ROOT

DEFAULT_EVENTS_URL = f"sqlite:///{REPO_ROOT / 'var' / 'rasa-events.db'}"


def _events_url() -> str:
    url = os.environ.get("RASA_EVENTS_URL") or DEFAULT_EVENTS_URL
    # The contract's relative default (sqlite:///var/rasa-events.db) means the project's var/.
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        url = f"sqlite:///{REPO_ROOT / url[len('sqlite:///'):]}"
    return url


@dataclass(frozen=True)
class FigureSettings:
    events_url: str = field(default_factory=_events_url)
    # hub_handoffs and reminders: the project's database.
    database_url: str = field(default_factory=lambda: os.environ.get("DATABASE_URL", f"sqlite:///{DEFAULT_DB_PATH}"))
    # Days are counted in the insurer's local time.
    timezone: str = field(default_factory=lambda: os.environ.get("FIGURES_TZ", "Asia/Shanghai"))
