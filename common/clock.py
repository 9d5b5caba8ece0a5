"""Single source of "now" so date rules (due dates, incident dates) agree everywhere."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


def today() -> date:
    # Local calendar date: due dates and policy periods are calendar dates for the customer.
    return date.today()


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_minute(stored: str, zone: ZoneInfo) -> str:
    """A stored time (ISO; UTC when it carries no offset, as the databases keep it) on the customer's clock, to the
    minute: what a text reply or a spoken one says."""
    moment = datetime.fromisoformat(stored)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")
