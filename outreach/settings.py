"""Scheduler settings, all from the environment (defaults suit `make run` on one machine)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import time
from zoneinfo import ZoneInfo

from policy_api.settings import DEFAULT_DB_PATH


def _time(name: str, default: str) -> time:
    return time.fromisoformat(os.environ.get(name, default))


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=lambda: os.environ.get("DATABASE_URL", f"sqlite:///{DEFAULT_DB_PATH}"))
    # The customers' local time: calendar days for the steps, and the SMS quiet hours.
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo(os.environ.get("OUTREACH_TIMEZONE", "Asia/Shanghai")))
    quiet_start: time = field(default_factory=lambda: _time("OUTREACH_QUIET_START", "21:00"))
    quiet_end: time = field(default_factory=lambda: _time("OUTREACH_QUIET_END", "08:00"))
    # The hub's external-event endpoint base (app chat delivery); empty: app deliveries wait.
    hub_url: str = field(default_factory=lambda: os.environ.get("OUTREACH_HUB_URL", "http://127.0.0.1:8000").rstrip("/"))
    hub_api_key: str | None = field(default_factory=lambda: os.environ.get("HANDOFF_API_KEY") or None)
    hub_timeout_s: float = field(default_factory=lambda: float(os.environ.get("OUTREACH_HUB_TIMEOUT_S", "30")))
    interval_s: int = field(default_factory=lambda: int(os.environ.get("OUTREACH_INTERVAL_S", "300")))
    premium_steps: tuple[int, ...] = (15, 7, 1)
    renewal_steps: tuple[int, ...] = (30, 7, 1)
