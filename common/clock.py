"""Single source of "now" so date rules (due dates, incident dates) agree everywhere."""

from datetime import UTC, date, datetime


def today() -> date:
    # Local calendar date: due dates and policy periods are calendar dates for the customer.
    return date.today()


def utcnow() -> datetime:
    return datetime.now(UTC)
