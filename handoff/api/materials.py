"""Claim materials through the hub: the chat page's customer sends photos and PDFs for her claim, and the agent
with her conversation sees them in the console.

Customer side: the conversation is the one the chat cookie proves (or, for an app chat, the app token sent in
X-App-Token), and the customer is the one that conversation verified. The hub never takes a customer id from
the page: it forwards with the policy API's token for this conversation's customer, and the policy API
refuses a claim that is not hers. Nothing is stored by the hub; the files live in the policy API's store.

Console side: the agent (or a supervisor) must be able to see the conversation, the claim must belong to the
customer that conversation verified, and each list or file opened is audited before it is answered.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

import httpx
from fastapi import APIRouter, Depends, File, Form, Header, Request, UploadFile
from fastapi.responses import JSONResponse, Response

from handoff import audit, chat_sessions, conversation_views, customer_identity
from handoff.api.deps import HubDep, check_cid
from handoff.app_customers import APP_PREFIX, token_customer
from handoff.auth import current_user
from handoff.errors import HubError
from handoff.service import Hub, User

router = APIRouter()
# The policy API's answers a file carries on to the browser.
_FILE_HEADERS = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}
_SEGMENT_MAX = 64

SESSION_REQUIRED = ("chat_session_required", "请在聊天页面中上传材料。Upload materials from your chat page.")
VERIFY_FIRST = ("verification_required", "请先在对话中验证身份（保单号或手机号 + 身份证后4位），再上传理赔材料。"
                                         "Please verify who you are in the chat first (policy or mobile number and "
                                         "the last 4 of your ID), then send your claim materials.")
POLICY_DOWN = ("policy_api_unreachable", "理赔系统暂时无法连接，请稍后再试。The claims system cannot be reached; "
                                         "please try again shortly.")


def _segment(value: str, name: str) -> str:
    """A path segment forwarded to the policy API: short and quoted, so it cannot reach another route."""
    if not value or len(value) > _SEGMENT_MAX:
        raise HubError(422, f"invalid_{name}", f"{name} is 1-{_SEGMENT_MAX} characters.")
    return quote(value, safe="")


async def _chat_conversation(request: Request, hub: Hub, app_token: str | None) -> str:
    if app_token:
        customer = token_customer(app_token, hub.settings.app_jwt_secret)
        if customer is None:
            raise HubError(401, "invalid_token", "The app token is invalid or expired.")
        return APP_PREFIX + customer
    cid = chat_sessions.cookie_conversation(hub.chat_key, request.cookies.get(chat_sessions.COOKIE))
    if cid is None:
        raise HubError(401, *SESSION_REQUIRED)
    return cid


# The policy API's claim errors are in English for services; the customer reads them in both languages.
_CUSTOMER_TEXTS = {
    "claim_not_owned": "这个理赔案件不属于您，无法上传或查看。This claim is not yours: files cannot be sent to it or seen.",
    "claim_not_found": "没有找到这个理赔案件号，请核对后再试。No claim has this number; please check it.",
    "invalid_claim_number": "理赔案件号格式为 CL 加 8 位数字，例如 CL20250001。A claim number is CL and 8 digits, "
                            "e.g. CL20250001.",
}


def _passed_on(response: httpx.Response) -> Response:
    """The policy API's JSON answer as it is (its material errors carry zh and en already)."""
    try:
        body = response.json()
    except ValueError:
        raise HubError(502, *POLICY_DOWN) from None
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and error.get("code") in _CUSTOMER_TEXTS:
        error["message"] = _CUSTOMER_TEXTS[error["code"]]
    return JSONResponse(body, status_code=response.status_code)


def _file(response: httpx.Response) -> Response:
    if response.status_code != 200:
        return _passed_on(response)
    media_type = response.headers.get("content-type", "application/octet-stream")
    return Response(response.content, media_type=media_type,
                    headers={**_FILE_HEADERS, "Content-Disposition": response.headers.get("content-disposition",
                                                                                          "inline")})


async def _call(hub: Hub, method: str, path: str, **kwargs: Any) -> httpx.Response:
    try:
        return await hub.policy.client.request(method, path, timeout=60, **kwargs)
    except httpx.HTTPError:
        raise HubError(503, *POLICY_DOWN) from None


# --- the customer's chat page ------------------------------------------------------------------------


async def chat_customer(request: Request,
                        x_app_token: Annotated[str | None, Header(max_length=4096)] = None) -> tuple[str, str]:
    """(customer id, policy API token) for a chat-page request: its conversation, then who that proved."""
    hub: Hub = request.app.state.hub
    cid = await _chat_conversation(request, hub, x_app_token)
    found = await customer_identity.customer_and_token(hub, cid, x_app_token)
    if not found:
        raise HubError(403, *VERIFY_FIRST)
    return found


ChatCustomer = Annotated[tuple[str, str], Depends(chat_customer)]


@router.get("/api/chat/claims")
async def chat_claims(hub: HubDep, who: ChatCustomer) -> Response:
    """The verified customer's claims, for the page to attach files to."""
    customer, token = who
    return _passed_on(await _call(hub, "GET", f"/v1/customers/{_segment(customer, 'customer_id')}/claims",
                                  headers={"X-Customer-Token": token}))


@router.post("/api/chat/materials")
async def chat_upload(hub: HubDep, who: ChatCustomer, claim_number: Annotated[str, Form(max_length=32)],
                      kind: Annotated[str, Form(max_length=32)], file: Annotated[UploadFile, File()]) -> Response:
    token = who[1]
    content = await file.read(hub.settings.material_max_bytes + 1)
    # The page's file name and type are not passed on: the policy API judges the content only.
    return _passed_on(await _call(
        hub, "POST", f"/v1/claims/{_segment(claim_number, 'claim_number')}/materials",
        headers={"X-Customer-Token": token}, data={"kind": kind},
        files={"file": ("upload", content, "application/octet-stream")}))


@router.get("/api/chat/materials/{claim_number}")
async def chat_materials(claim_number: str, hub: HubDep, who: ChatCustomer) -> Response:
    return _passed_on(await _call(hub, "GET", f"/v1/claims/{_segment(claim_number, 'claim_number')}/materials",
                                  headers={"X-Customer-Token": who[1]}))


@router.get("/api/chat/materials/{claim_number}/{material_id}/file")
async def chat_material_file(claim_number: str, material_id: str, hub: HubDep, who: ChatCustomer) -> Response:
    token = who[1]
    path = (f"/v1/claims/{_segment(claim_number, 'claim_number')}/materials/"
            f"{_segment(material_id, 'material_id')}/file")
    return _file(await _call(hub, "GET", path, headers={"X-Customer-Token": token}))


# --- the console -------------------------------------------------------------------------------------


async def _agent_claim(hub: Hub, cid: str, claim_number: str, user: User) -> tuple[str, dict[str, Any]]:
    """The conversation's verified customer and the claim's materials, once both checks pass."""
    _, req = await conversation_views.visible_request(hub, check_cid(cid), user)
    customer = req.get("customer_id")
    if not customer:
        raise HubError(403, "not_your_customer", "此会话的客户未验证身份。The customer in this conversation is not verified.")
    response = await _call(hub, "GET", f"/v1/staff/claims/{_segment(claim_number, 'claim_number')}/materials",
                           headers={"X-Acting-User": user.username})
    if response.status_code != 200:
        raise HubError(response.status_code if response.status_code in (404, 422) else 502,
                       "claim_not_found", "没有这个理赔案件。No such claim.")
    listing = response.json()
    if listing.get("customer_id") != customer:
        raise HubError(403, "not_your_customer", "这个理赔案件不属于此会话的客户。This claim is not this conversation's customer's.")
    return customer, listing


@router.get("/api/console/conversations/{cid}/materials/{claim_number}")
async def console_materials(cid: str, claim_number: str, request: Request, hub: HubDep) -> dict[str, Any]:
    user = await current_user(request)
    customer, listing = await _agent_claim(hub, cid, claim_number, user)
    await audit.record(hub.records, user, audit.VIEW_MATERIALS, customer, cid, subject=listing["claim_number"])
    return listing


@router.get("/api/console/conversations/{cid}/materials/{claim_number}/{material_id}/file")
async def console_material_file(cid: str, claim_number: str, material_id: str, request: Request,
                                hub: HubDep) -> Response:
    user = await current_user(request)
    customer, listing = await _agent_claim(hub, cid, claim_number, user)
    if not any(m["material_id"] == material_id for m in listing["materials"]):
        raise HubError(404, "material_not_found", "此理赔没有该文件。No such file on this claim.")
    await audit.record(hub.records, user, audit.OPEN_MATERIAL, customer, cid,
                       subject=f"{listing['claim_number']}/{material_id}")
    path = (f"/v1/staff/claims/{_segment(claim_number, 'claim_number')}/materials/"
            f"{_segment(material_id, 'material_id')}/file")
    return _file(await _call(hub, "GET", path, headers={"X-Acting-User": user.username}))
