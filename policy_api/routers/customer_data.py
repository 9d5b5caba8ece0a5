"""A customer's reminder and claim records for the hub's export and erasure (handoff/customer_data.py):
`GET` and `DELETE /v1/customers/{customer_id}/reminder-records`, `GET /v1/customers/{customer_id}/claim-records`
(claims are kept on erasure: policy_api/claim_records.py says why). Service-only: the API key, as every
/v1 route; the hub's own route is what a supervisor calls, and it audits the call."""

from __future__ import annotations

from typing import Any

from policy_api import claim_records, lookups
from policy_api.deps import SessionDep
from policy_api.routers import error_docs, v1_router
from reminder_records import customer_data

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


@router.get("/customers/{customer_id}/claim-records", responses=error_docs(404))
def export_claim_records(customer_id: str, session: SessionDep) -> dict[str, Any]:
    """The customer's claims, their history, the materials sent for them and the e-policy copies printed;
    with `kept`, what an erasure leaves and why (a legal retention duty)."""
    customer = lookups.customer(session, customer_id)
    return claim_records.export(session, customer.customer_id) | {
        "kept": claim_records.kept(session, customer.customer_id)}
