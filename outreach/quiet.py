"""Quiet hours: no SMS between quiet_start and quiet_end, customer's local time."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo


def in_quiet_hours(now: datetime, tz: ZoneInfo, start: time, end: time) -> bool:
    local = now.astimezone(tz).time()
    if start <= end:  # a window inside one day, e.g. 12:00-14:00
        return start <= local < end
    return local >= start or local < end  # across midnight, e.g. 21:00-08:00
