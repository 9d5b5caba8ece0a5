"""One reader with its two database engines, for a long-running process (the hub) or a command."""

from __future__ import annotations

import datetime as dt
from typing import Any

from desk_db.engine import make_engine
from service_figures.report import compute
from service_figures.settings import FigureSettings


class FiguresReader:
    def __init__(self, settings: FigureSettings | None = None) -> None:
        self.settings = settings or FigureSettings()
        self.events = make_engine(self.settings.events_url)
        self.database = make_engine(self.settings.database_url)

    def figures(self, days: int = 7, now: dt.datetime | None = None) -> dict[str, Any]:
        return compute(self.events, self.database, days, self.settings.timezone, now)

    def close(self) -> None:
        self.events.dispose()
        self.database.dispose()
