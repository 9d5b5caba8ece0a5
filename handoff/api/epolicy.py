"""The customer's side of e-policies, at the hub (the public front door; the policy API stays internal):

- `GET /epolicy/<link>`: the download link the bot gave a verified customer. The link is the policy API's
  signed grant (service_auth/epolicy_links.py): checked here (signature, expiry), claimed once in Redis, then
  the PDF is fetched from the policy API (which checks the link again and prints one copy per link) and served
  as an attachment that no cache keeps. Each download is audited (hub_audit, action `epolicy_download`).
- `GET /verify` and `POST /verify/epolicy`: the 验真 page the PDF's QR code opens. Anyone may check a code
  (it is printed on the paper); the page can also hash the PDF in the browser, so an altered file fails.
  Wrong answers are counted per address and refused past a limit, so codes cannot be guessed at speed.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from html import escape

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field

from handoff import audit
from handoff.api.chat import STATIC
from handoff.api.deps import HubDep
from handoff.errors import HubError
from handoff.policy_context import error_code
from service_auth.epolicy_links import EpolicyGrant, LinkExpired, LinkInvalid, LinkSigner

router = APIRouter()
log = logging.getLogger("handoff.epolicy")

# Every refusal the customer can meet, in both languages: she opened a link, so she reads a page, not JSON.
PAGES = {
    "invalid": (404, "链接无效", "This link is not valid",
                "请回到对话中重新索取电子保单。", "Ask for your e-policy again in the chat."),
    "expired": (410, "链接已过期", "This link has expired",
                "下载链接10分钟内有效，请回到对话中重新索取。", "Download links are valid for a short time; ask "
                                                           "for a new one in the chat."),
    "used": (410, "链接已使用", "This link was used already",
             "每个下载链接只能使用一次，请回到对话中重新索取。", "Each download link works once; ask for a new one in "
                                                     "the chat."),
    "off": (404, "暂不提供下载", "Downloads are not available", "请联系人工客服。", "Please contact an agent."),
    "down": (502, "暂时无法下载", "The download failed",
             "请稍后重试同一链接。", "Please try the same link again shortly."),
}


def _page(kind: str) -> HTMLResponse:
    status, title_zh, title_en, text_zh, text_en = PAGES[kind]
    body = (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(title_zh)} / '
            f'{escape(title_en)}</title><link rel="stylesheet" href="/static/common.css"></head><body>'
            f'<main class="card"><h1>{escape(title_zh)}</h1><p>{escape(text_zh)}</p>'
            f'<h2 lang="en">{escape(title_en)}</h2><p lang="en">{escape(text_en)}</p></main></body></html>')
    return HTMLResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


async def _claim(hub: HubDep, grant: EpolicyGrant) -> bool:
    """The link's one use, across every hub worker: SET NX until the link would have expired anyway."""
    ttl = max(1, grant.expires_at - int(time.time())) + 60
    return await hub.marks.use_epolicy_link(grant.link_id, ttl)


@router.get("/epolicy/{link}", include_in_schema=False)
async def download(link: str, hub: HubDep) -> Response:
    if not hub.settings.epolicy_link_secret:
        return _page("off")
    try:
        grant = LinkSigner(hub.settings.epolicy_link_secret).check(link)
    except LinkExpired:
        return _page("expired")
    except LinkInvalid as exc:
        log.warning("e-policy link refused: %s", exc)
        return _page("invalid")
    if not await _claim(hub, grant):
        return _page("used")
    try:
        response = await hub.policy.client.post("/v1/documents/epolicy", json={"link": link}, timeout=30)
    except httpx.HTTPError:
        response = None
    if response is None or response.status_code >= 500:
        # Nothing was printed: the customer may try the same link again.
        await hub.marks.free_epolicy_link(grant.link_id)
        return _page("down")
    if response.status_code == 410:
        return _page("expired" if error_code(response) == "epolicy_link_expired" else "used")
    if response.status_code != 200:
        log.warning("policy API refused an e-policy link the hub accepted: %s", response.status_code)
        return _page("invalid")
    await audit.record_customer(hub.records, audit.EPOLICY_DOWNLOAD, grant.customer_id,
                                grant.conversation_id[:64], grant.policy_number)
    return Response(response.content, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="epolicy-{grant.policy_number}.pdf"',
        "Cache-Control": "no-store", "Pragma": "no-cache",
        "X-Content-SHA256": response.headers.get("X-Content-SHA256", ""),
    })


@router.get("/verify", include_in_schema=False)
async def verify_page() -> FileResponse:
    return FileResponse(STATIC / "verify.html")


class VerifyRequest(BaseModel):
    policy_number: str = Field(max_length=64)
    verification_code: str = Field(max_length=64)
    file_sha256: str | None = Field(None, pattern="^[0-9a-f]{64}$")


def _address_key(request: Request, hub: HubDep) -> str:
    # An address is personal data: Redis holds an HMAC of it under the hub's own key, not the address.
    address = request.client.host if request.client else "unknown"
    return hmac.new(hub.settings.api_key.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]


@router.post("/verify/epolicy")
async def verify(body: VerifyRequest, request: Request, hub: HubDep) -> JSONResponse:
    address_key = _address_key(request, hub)
    if await hub.marks.verify_failures(address_key) >= hub.settings.verify_max_failures:
        raise HubError(429, "too_many_attempts", "验真失败次数过多，请稍后再试。Too many failed checks; try again later.")
    try:
        response = await hub.policy.client.post("/v1/documents/verify", json=body.model_dump(exclude_none=True))
    except httpx.HTTPError as exc:
        raise HubError(502, "verify_unavailable", "验真服务暂不可用，请稍后重试。The check is unavailable; try "
                                                  "again shortly.") from exc
    if response.status_code == 422:
        return JSONResponse(response.json(), status_code=422)
    if response.status_code != 200:
        raise HubError(502, "verify_unavailable", "验真服务暂不可用，请稍后重试。The check is unavailable; try "
                                                  "again shortly.")
    result = response.json()
    if not result.get("genuine"):
        await hub.marks.count_verify_failure(address_key, hub.settings.verify_window_s)
    return JSONResponse(result, headers={"Cache-Control": "no-store"})
