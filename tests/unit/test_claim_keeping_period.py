"""How long the law has a policy's claim documents kept: from the day the policy ends, five years for a policy of
one year or less, ten for a longer one (保险法 第八十七条)."""

from __future__ import annotations

import datetime as dt

import pytest

from claims.material_retention import keep_until


@pytest.mark.parametrize(("start", "end", "until"), [
    (dt.date(2020, 1, 1), dt.date(2021, 1, 1), dt.date(2026, 1, 1)),  # exactly one year: five
    (dt.date(2020, 3, 1), dt.date(2020, 9, 1), dt.date(2025, 9, 1)),  # six months: five
    (dt.date(2020, 1, 1), dt.date(2021, 1, 2), dt.date(2031, 1, 2)),  # a day over a year: ten
    (dt.date(2000, 2, 29), dt.date(2020, 2, 29), dt.date(2030, 2, 28)),  # ends on 29 February, no such day later
])
def test_keeping_period(start: dt.date, end: dt.date, until: dt.date) -> None:
    assert keep_until(start, end) == until
