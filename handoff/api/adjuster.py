"""The adjusters' console: the queue of claims the review passed to a person, with what the OCR
found, and the three decisions: approve an amount, reject for a listed reason, ask for more materials.

Only adjusters and supervisors, signed in (cookie session); the Origin checks (handoff/web_security.py)
refuse a cross-site write before it gets here. The policy API owns the claims and checks every decision
(allowed status changes, amounts within the claim and the cover); the hub calls it with the service key and
names the acting user in X-Adjuster, and records each decision and each opened claim in its audit log."""

from __future__ import annotations

from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from handoff import audit
from handoff.api.chat import STATIC
from handoff.api.deps import HubDep
from handoff.auth import current_user
from handoff.errors import HubError
from handoff.service import Hub, User

router = APIRouter()
ClaimNumber = Annotated[str, Path(pattern=r"^[A-Za-z0-9]{4,16}$")]


async def adjuster(request: Request) -> User:
    user = await current_user(request)
    if not user.may_adjust_claims:
        raise HubError(403, "adjusters_only", "只有理赔专员或主管可以操作。Only adjusters and supervisors can do this.")
    return user


AdjusterDep = Annotated[User, Depends(adjuster)]


class ApproveIn(BaseModel):
    amount: float = Field(gt=0, le=1e12)  # the policy API checks it against the claim and the cover
    note: str = Field(default="", max_length=500)


class RejectIn(BaseModel):
    reason_code: str = Field(pattern=r"^[a-z_]{1,40}$")
    text: str = Field(default="", max_length=500)


class MaterialsIn(BaseModel):
    kinds: list[Annotated[str, Field(pattern=r"^[a-z_]{1,40}$")]] = Field(min_length=1, max_length=20)
    note: str = Field(default="", max_length=500)


async def _policy_api(hub: Hub, user: User, method: str, path: str, body: dict | None = None) -> dict[str, Any]:
    try:
        response = await hub.policy.client.request(method, f"/v1/adjuster{path}", json=body,
                                                   headers={"X-Adjuster": user.username})
    except httpx.HTTPError as exc:
        raise HubError(503, "policy_api_unreachable", "理赔系统暂时不可用。The claims system is unavailable.") from exc
    try:
        data = response.json()
    except ValueError:
        data = {}
    if response.status_code >= 400:
        error = data.get("error") if isinstance(data, dict) else None
        if isinstance(error, dict) and response.status_code < 500:
            raise HubError(response.status_code, str(error.get("code")), str(error.get("message")))
        raise HubError(502, "policy_api_error", "理赔系统出错。The claims system failed.")
    return data


@router.get("/console/adjuster", include_in_schema=False)
async def adjuster_page() -> FileResponse:
    return FileResponse(STATIC / "adjuster.html")


@router.get("/api/console/adjuster/claims")
async def queue(user: AdjusterDep, hub: HubDep) -> dict[str, Any]:
    return await _policy_api(hub, user, "GET", "/claims")


@router.get("/api/console/adjuster/claims/{claim_number}")
async def claim(claim_number: ClaimNumber, user: AdjusterDep, hub: HubDep) -> dict[str, Any]:
    data = await _policy_api(hub, user, "GET", f"/claims/{claim_number}")
    await audit.record(hub.records, user, audit.CLAIM_VIEW, data.get("customer_id"), subject=claim_number)
    return data


async def _decide(hub: Hub, user: User, action: str, claim_number: str, path: str, body: dict) -> dict[str, Any]:
    # Recorded before the answer: a refused decision is on record too.
    await audit.record(hub.records, user, action, None, subject=claim_number)
    return await _policy_api(hub, user, "POST", f"/claims/{claim_number}/{path}", body)


@router.post("/api/console/adjuster/claims/{claim_number}/approve")
async def approve(claim_number: ClaimNumber, body: ApproveIn, user: AdjusterDep, hub: HubDep) -> dict[str, Any]:
    return await _decide(hub, user, audit.CLAIM_APPROVE, claim_number, "approve",
                         {"amount": f"{body.amount:.2f}", "note": body.note})


@router.post("/api/console/adjuster/claims/{claim_number}/reject")
async def reject(claim_number: ClaimNumber, body: RejectIn, user: AdjusterDep, hub: HubDep) -> dict[str, Any]:
    return await _decide(hub, user, audit.CLAIM_REJECT, claim_number, "reject", body.model_dump())


@router.post("/api/console/adjuster/claims/{claim_number}/request-materials")
async def request_materials(claim_number: ClaimNumber, body: MaterialsIn, user: AdjusterDep,
                            hub: HubDep) -> dict[str, Any]:
    return await _decide(hub, user, audit.CLAIM_MATERIALS, claim_number, "request-materials", body.model_dump())
