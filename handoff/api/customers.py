"""A customer's data across every store, for a signed-in supervisor (PIPL access and erasure requests):
`GET /v1/customers/{id}/export` (one JSON document) and `POST /v1/customers/{id}/erase`, both answering
with counts per store, both audited (who, when, which customer, which action) before they run.

Agents get 403, anonymous callers 401; the erasure, a state change made with the console's cookie,
must also come from the hub's own pages (`Origin` naming this host), else 403."""

from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from handoff import audit
from handoff.api.deps import HubDep, SupervisorDep
from handoff.customer_data import CustomerData, export_document
from handoff.errors import HubError
from service_figures.settings import FigureSettings

router = APIRouter()
CUSTOMER_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")


async def same_origin(request: Request) -> None:
    """The request's Origin must be this host (as the browser reached it); a cross-site form or script,
    or a request with no Origin at all, is refused."""
    origin = request.headers.get("origin") or ""
    if not origin or urlsplit(origin).netloc != request.headers.get("host"):
        raise HubError(403, "origin_refused",
                       "请求来源不是本站，已拒绝。The request does not come from this site's pages (Origin).")


def customer_data(request: Request) -> CustomerData:
    data = getattr(request.app.state, "customer_data", None)
    if data is None:
        # Rasa's event broker is where the service figures read it (RASA_EVENTS_URL).
        data = request.app.state.customer_data = CustomerData(request.app.state.hub, FigureSettings().events_url)
    return data


DataDep = Annotated[CustomerData, Depends(customer_data)]


def _checked(customer_id: str) -> str:
    if not CUSTOMER_ID.fullmatch(customer_id):
        raise HubError(422, "invalid_customer_id", "客户编号无效。A customer id is 1-32 letters, digits, - or _.")
    return customer_id


@router.get("/v1/customers/{customer_id}/export")
async def export(customer_id: str, user: SupervisorDep, hub: HubDep, data: DataDep) -> JSONResponse:
    await audit.record(hub.records, user, audit.EXPORT, _checked(customer_id))
    outcome = await data.export(customer_id)
    return JSONResponse(export_document(outcome),
                        headers={"Content-Disposition": f'attachment; filename="customer-{customer_id}.json"'})


@router.post("/v1/customers/{customer_id}/erase", dependencies=[Depends(same_origin)])
async def erase(customer_id: str, user: SupervisorDep, hub: HubDep, data: DataDep) -> JSONResponse:
    await audit.record(hub.records, user, audit.ERASE, _checked(customer_id))
    outcome = await data.erase(customer_id)
    return JSONResponse({"customer_id": customer_id, "conversations": len(outcome.conversations),
                         "counts": outcome.counts})
