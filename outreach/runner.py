"""One pass: record what customers acted on, create the due reminders, deliver the open ones."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from outreach.acted import mark_acted_on
from outreach.claim_updates import deliver_claim_updates
from outreach.deliver import Channels, deliver_open
from outreach.find import create_due_reminders
from outreach.settings import Settings


def run_pass(session_factory: sessionmaker[Session], settings: Settings, now: datetime,
             channels: Channels) -> dict[str, Any]:
    with session_factory() as session:
        acted = mark_acted_on(session)
        found = create_due_reminders(session, now, settings)
        session.commit()
    deliveries = deliver_open(session_factory, now, settings, channels)
    claim_updates = deliver_claim_updates(session_factory, now, settings, channels)
    counts: dict[str, int] = {}
    for d in deliveries:
        counts[d["status"]] = counts.get(d["status"], 0) + 1
    return {"now": now.isoformat(), "created": found.created, "deliveries": deliveries, "delivery_counts": counts,
            "claim_updates": claim_updates,
            "acted_on": acted, "opted_out": found.opted_out,
            "policies_without_schedule": found.policies_without_schedule,
            "customers_without_policies": found.customers_without_policies}
