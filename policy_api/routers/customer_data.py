"""A customer's reminder records for the hub's export and erasure (handoff/customer_data.py):
`GET` and `DELETE /v1/customers/{customer_id}/reminder-records`. Service-only: the API key, as every
/v1 route; the hub's own route is what a supervisor calls, and it audits the call."""

from __future__ import annotations

from typing import Any

from outreach import customer_data
from policy_api import lookups
from policy_api.deps import SessionDep
from policy_api.routers import error_docs, v1_router

router = v1_router("customers")


@router.get("/customers/{customer_id}/reminder-records", responses=error_docs(404))
def export_reminder_records(customer_id: str, session: SessionDep) -> dict[str, Any]:
    """The customer's reminders, the SMS texts sent, opt-outs and contact preferences."""
    customer = lookups.customer(session, customer_id)
    return customer_data.export(session, customer.customer_id)


@router.delete("/customers/{customer_id}/reminder-records", responses=error_docs(404))
def erase_reminder_records(customer_id: str, session: SessionDep) -> dict[str, int]:
    """Delete the customer's reminders and SMS texts; opt-outs stay (the customer's own instruction)."""
    customer = lookups.customer(session, customer_id)
    counts = customer_data.erase(session, customer.customer_id)
    session.commit()
    return counts
