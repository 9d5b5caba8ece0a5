"""Times the bot writes or speaks (a claim's timeline) are on the customer's clock, not the database's UTC."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from common.clock import local_minute

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(("stored", "shown"), [
    ("2026-12-06T07:55:12.123456", "2026-12-06 15:55"),  # naive: stored as UTC
    ("2026-12-06T20:30:00+00:00", "2026-12-07 04:30"),  # past midnight in Beijing: the next day
    ("2026-12-06T15:55:00+08:00", "2026-12-06 15:55"),  # already local
])
def test_a_stored_time_is_shown_on_the_customers_clock(stored: str, shown: str) -> None:
    assert local_minute(stored, SHANGHAI) == shown


def test_the_zone_is_the_insurers_choice() -> None:
    assert local_minute("2026-12-06T07:55:00", ZoneInfo("Europe/London")) == "2026-12-06 07:55"
