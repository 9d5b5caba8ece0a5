"""Single source of "now" so date rules (due dates, incident dates) agree everywhere."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


def today() -> date:
    # Local calendar date: due dates and policy periods are calendar dates for the customer.
    return date.today()


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A time read from a database: UTC when it carries no offset (SQLite keeps none), as it is otherwise."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def local_minute(stored: str, zone: ZoneInfo) -> str:
    """A stored time (ISO, as as_utc reads it) on the customer's clock, to the minute: what a text reply or a
    spoken one says."""
    return as_utc(datetime.fromisoformat(stored)).astimezone(zone).strftime("%Y-%m-%d %H:%M")


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later (or earlier); 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
