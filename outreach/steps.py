"""Which reminder step is due for a date: the tightest step reached, so a step missed while the
scheduler was down is not sent late when a tighter one already applies."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date


def tightest_step(target: date, today: date, steps: Iterable[int]) -> int | None:
    """The smallest step >= days left (0 <= days left <= largest step), else None."""
    days = (target - today).days
    if days < 0:
        return None
    reached = [s for s in steps if days <= s]
    return min(reached) if reached else None
