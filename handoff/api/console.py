"""The agents' and supervisors' console: pages, its JSON API and its WebSocket."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Any, Literal

from fastapi import APIRouter, Request, Response, WebSocket, WebSocketDisconnect
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from handoff import (
    agent_conversations,
    agent_offers,
    availability,
    console_sessions,
    conversation_views,
    supervisor_overview,
    typing_indicator,
    wrapup,
)
from handoff.api.chat import STATIC, Socket, until_one_ends
from handoff.api.deps import CID_RE, HubDep, SupervisorDep, UserDep, check_cid
from handoff.auth import COOKIE, sign_in_throttle, websocket_user
from handoff.errors import HubError
from handoff.service import Hub, User
from handoff.store.connection import StoreError
from handoff.web_security import over_tls

router = APIRouter()


@router.get("/console", include_in_schema=False)
async def login_page() -> FileResponse:
    return FileResponse(STATIC / "login.html")


@router.get("/console/agent", include_in_schema=False)
async def agent_page() -> FileResponse:
    return FileResponse(STATIC / "agent.html")


@router.get("/console/supervisor", include_in_schema=False)
async def supervisor_page() -> FileResponse:
    return FileResponse(STATIC / "supervisor.html")


class LoginIn(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=200)


class StateIn(BaseModel):
    state: Literal["available", "away", "offline"]


class TextIn(BaseModel):
    text: str = Field(min_length=1, max_length=2000)
    client_msg_id: str | None = Field(default=None, max_length=64)


@router.post("/api/console/login")
async def login(body: LoginIn, request: Request, response: Response, hub: HubDep) -> dict[str, Any]:
    record = await hub.records.user(body.username)
    address = request.client.host if request.client else "unknown"
    # bcrypt is slow on purpose and the throttle asks Redis: keep both off the event loop.
    await asyncio.to_thread(sign_in_throttle(request).check, body.username, address, body.password,
                            record.password_hash if record else None)
    if record is None:  # check() already refused it; this keeps the type checker and -O honest
        raise HubError(401, "bad_credentials", "Wrong username or password.")
    if record.disabled_at is not None:  # told only to whoever knows the password
        raise HubError(403, "account_disabled", "此账号已被主管停用。This account has been disabled by a supervisor.")
    token = await console_sessions.sign_in(hub, record)
    response.set_cookie(COOKIE, token, max_age=hub.settings.session_ttl_s, httponly=True, samesite="lax",
                        secure=hub.settings.cookie_secure or over_tls(request.scope), path="/")
    return {"username": record.username, "display_name": record.display_name, "role": record.role}


@router.post("/api/console/logout")
async def logout(request: Request, response: Response, user: UserDep, hub: HubDep) -> dict[str, Any]:
    await console_sessions.sign_out(hub, user, request.cookies.get(COOKIE, ""))
    response.delete_cookie(COOKIE, path="/")
    return {"ok": True}


@router.get("/api/console/me")
async def me(user: UserDep, hub: HubDep) -> dict[str, Any]:
    load = await availability.load(hub, user.username)
    return {"username": user.username, "display_name": user.display_name, "role": user.role,
            "state": load.state if load else "offline", "load": load.conversations if load else 0,
            "capacity": load.capacity if load else 0, "languages": load.languages if load else [],
            "topics": load.topics if load else []}


@router.post("/api/console/me/state")
async def set_state(body: StateIn, user: UserDep, hub: HubDep) -> dict[str, Any]:
    await availability.change_state(hub, user, body.state)
    return {"state": body.state}


@router.get("/api/console/offers")
async def offers(user: UserDep, hub: HubDep) -> list[dict[str, Any]]:
    return await agent_offers.offers_for(hub, user)


@router.post("/api/console/requests/{rid}/accept")
async def accept(rid: str, user: UserDep, hub: HubDep) -> dict[str, Any]:
    return await agent_offers.accept(hub, rid, user, "offer")


@router.post("/api/console/requests/{rid}/decline")
async def decline(rid: str, user: UserDep, hub: HubDep) -> dict[str, Any]:
    await agent_offers.decline(hub, rid, user)
    return {"ok": True}


@router.get("/api/console/conversations")
async def conversations(user: UserDep, hub: HubDep) -> list[dict[str, Any]]:
    return await conversation_views.conversations(hub, user)


@router.get("/api/console/conversations/{cid}")
async def conversation(cid: str, user: UserDep, hub: HubDep) -> dict[str, Any]:
    return await conversation_views.conversation_view(hub, check_cid(cid), user)


@router.get("/api/console/conversations/{cid}/suggestions")
async def suggestions(cid: str, user: UserDep, hub: HubDep) -> dict[str, Any]:
    return await conversation_views.suggestions(hub, check_cid(cid), user)


@router.post("/api/console/conversations/{cid}/messages")
async def reply(cid: str, body: TextIn, user: UserDep, hub: HubDep) -> dict[str, Any]:
    seq = await agent_conversations.agent_reply(hub, check_cid(cid), user, body.text.strip() or body.text,
                                                body.client_msg_id)
    return {"seq": seq}


@router.post("/api/console/conversations/{cid}/notes")
async def note(cid: str, body: TextIn, user: UserDep, hub: HubDep) -> dict[str, Any]:
    return await agent_conversations.add_note(hub, check_cid(cid), user, body.text)


class HandBackIn(BaseModel):
    # The customer's messages the agent left unanswered: the bot answers them only if the agent says so.
    bot_answers: bool = False


@router.post("/api/console/conversations/{cid}/handback")
async def handback(cid: str, user: UserDep, hub: HubDep, body: HandBackIn | None = None) -> dict[str, Any]:
    await agent_conversations.release(hub, check_cid(cid), user, "handed_back", bool(body and body.bot_answers))
    return {"ok": True}


@router.post("/api/console/conversations/{cid}/close")
async def close(cid: str, user: UserDep, hub: HubDep, body: wrapup.WrapUpIn | None = None) -> dict[str, Any]:
    await wrapup.close(hub, check_cid(cid), user, body)  # the label and summary are optional to the API
    return {"ok": True}


@router.post("/api/console/conversations/{cid}/takeover")
async def takeover(cid: str, user: SupervisorDep, hub: HubDep) -> dict[str, Any]:
    return await agent_offers.takeover(hub, check_cid(cid), user)


@router.get("/api/console/customers/{customer_id}")
async def customer(customer_id: str, user: UserDep, hub: HubDep, conversation_id: str | None = None) -> dict[str, Any]:
    if len(customer_id) > 32:
        raise HubError(422, "invalid_customer_id", "Customer ids are at most 32 characters.")
    return await conversation_views.customer_context(hub, customer_id, conversation_id, user)


@router.get("/api/console/audit")
async def audit(user: SupervisorDep, hub: HubDep) -> list[dict[str, Any]]:
    return await hub.records.audit_rows()


@router.get("/api/console/supervisor/overview")
async def overview(user: SupervisorDep, hub: HubDep) -> dict[str, Any]:
    return await supervisor_overview.overview(hub, user)


@router.websocket("/ws/console")
async def console_socket(websocket: WebSocket) -> None:
    with contextlib.suppress(WebSocketDisconnect):  # an agent gone mid-greeting is no error of ours
        await _console_socket(websocket)


async def _console_socket(websocket: WebSocket) -> None:
    hub: Hub = websocket.app.state.hub
    await websocket.accept()
    socket = Socket(websocket)
    user = await websocket_user(websocket)
    if user is None:
        await socket.error("not_signed_in", "Not signed in, or the session expired.")
        await websocket.close(code=4401)
        return
    async with console_sessions.console_events(hub, user) as sub:
        await socket.send({"type": "hello", "username": user.username, "role": user.role})
        await availability.console_opened(hub, user)
        try:
            await until_one_ends(_console_read(hub, websocket, socket, user),
                                 _console_push(hub, websocket, socket, sub))
        finally:
            with contextlib.suppress(StoreError):  # Redis gone: the count's TTL ends it instead
                await availability.console_closed(hub, user)


async def _console_read(hub: Hub, websocket: WebSocket, socket: Socket, user: User) -> None:
    gate = typing_indicator.TypingGate()
    while True:
        try:
            message = await websocket.receive()
        except WebSocketDisconnect:
            return
        if message["type"] == "websocket.disconnect":
            return
        raw = message.get("text") or ""
        try:
            frame = json.loads(raw) if len(raw) < 4096 else None
        except (ValueError, RecursionError):  # RecursionError: JSON nested deeper than the parser goes
            frame = None
        kind = frame.get("type") if isinstance(frame, dict) else None
        if kind == "ping":
            await socket.send({"type": "pong"})
        elif kind == "typing" and isinstance(frame, dict):
            cid = frame.get("conversation_id")
            if isinstance(cid, str) and CID_RE.fullmatch(cid):
                await typing_indicator.agent_typing(hub, cid, user, gate)
            else:
                await socket.error("invalid_conversation_id", "Conversation ids are 8-64 characters [A-Za-z0-9_.:-].")
        else:
            await socket.error("unknown_type", "The console socket takes {\"type\": \"ping\"} and "
                                               "{\"type\": \"typing\", \"conversation_id\": ...}.")


async def _console_push(hub: Hub, websocket: WebSocket, socket: Socket, sub: Any) -> None:
    token = websocket.cookies.get(COOKIE)
    checked = time.monotonic()
    while True:
        event = await sub.next_event(5.0)
        if time.monotonic() - checked > 15:  # a session that expired or was signed out ends the socket
            checked = time.monotonic()
            if not await console_sessions.signed_in(hub, token):
                await socket.error("not_signed_in", "The session expired.")
                await websocket.close(code=4401)
                return
        if event is None:
            continue
        if sub.overflowed:
            await socket.error("too_slow", "Too many events queued; reconnect to catch up.")
            return
        kind = event.get("type")
        if kind == "session_ended":  # disabled, or the password was reset: this console signs out now
            await socket.error("not_signed_in", "The session was ended by a supervisor.")
            await websocket.close(code=4401)
            return
        await socket.send(event if kind else {"type": "event", **event})
