"""The customer's side: the chat page and its WebSocket.

The hub names the conversation (POST /api/chat/session: a random id, its resume secret in an
HttpOnly cookie); the WebSocket replays and continues only the conversation that cookie proves, or an
`app-<customer>` conversation whose first frame is that customer's app token.

On (re)connect the client sends the last seq it saw; it gets everything after it, then live
entries, skipping any seq it already has: no gap, no duplicate. Messages carry a client_msg_id,
so a resend after a dropped connection is stored once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any, Coroutine

from fastapi import APIRouter, Request, Response, WebSocket, WebSocketDisconnect
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from handoff import (
    callback_requests,
    chat_sessions,
    conversation_feed,
    customer_choices,
    customer_identity,
    typing_indicator,
)
from handoff.api.deps import CID_RE, HubDep
from handoff.app_customers import APP_PREFIX, is_app_conversation, token_customer, token_opens
from handoff.errors import HubError
from handoff.service import Hub
from handoff.settings import ROOT
from handoff.store.connection import StoreError
from handoff.web_security import over_tls
from observability.context import bind

STATIC = ROOT / "handoff" / "static"
router = APIRouter()


@router.get("/chat", include_in_schema=False)
async def chat_page() -> FileResponse:
    return FileResponse(STATIC / "chat.html")


class SessionIn(BaseModel):
    # The app's token and `app: true` ask for the signed-in customer's own app conversation.
    token: str | None = Field(default=None, max_length=4096)
    app: bool = False


@router.post("/api/chat/session")
async def chat_session(request: Request, response: Response, hub: HubDep,
                       body: SessionIn | None = None) -> dict[str, Any]:
    """The conversation this browser may open: the one its cookie proves, else a new one."""
    body = body or SessionIn()
    if body.app:
        customer = token_customer(body.token, hub.settings.app_jwt_secret)
        if customer is None:
            raise HubError(401, "invalid_token", "The app token is invalid or expired.")
        # No cookie: the token itself opens this conversation on every connect (first frame).
        return {"conversation_id": APP_PREFIX + customer, "resumed": True}
    cid = chat_sessions.cookie_conversation(hub.chat_key, request.cookies.get(chat_sessions.COOKIE))
    if cid is not None and cid.startswith(chat_sessions.WEB_PREFIX):
        return {"conversation_id": cid, "resumed": True}
    cid, cookie = chat_sessions.mint(hub.chat_key)
    response.headers["Set-Cookie"] = chat_sessions.set_cookie_header(cookie, hub.settings.conversation_ttl_s,
                                                                     hub.settings.cookie_secure
                                                                     or over_tls(request.scope))
    response.headers["Cache-Control"] = "no-store"
    return {"conversation_id": cid, "resumed": False}


async def until_one_ends(*loops: Coroutine[Any, Any, None]) -> None:
    """Run a socket's loops (reading, pushing) until one ends (the peer left, or the conversation closed), then
    stop the others; whatever they raise while stopping is theirs to log, the socket is closing anyway."""
    tasks = [asyncio.create_task(loop) for loop in loops]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


class Socket:
    """A WebSocket with one send at a time (the reader and the pusher both send)."""

    def __init__(self, websocket: WebSocket) -> None:
        self.websocket = websocket
        self.lock = asyncio.Lock()

    async def send(self, frame: dict[str, Any]) -> None:
        async with self.lock:
            await self.websocket.send_text(json.dumps(frame, ensure_ascii=False))

    async def error(self, code: str, message: str, client_msg_id: Any = None) -> None:
        frame = {"type": "error", "code": code, "message": message}
        if isinstance(client_msg_id, str):
            frame["client_msg_id"] = client_msg_id  # so the page drops that message instead of resending it
        await self.send(frame)


@router.websocket("/ws/chat/{cid}")
async def chat_socket(websocket: WebSocket, cid: str, last_seq: int = 0) -> None:
    with contextlib.suppress(WebSocketDisconnect):  # a customer gone mid-replay is no error of ours
        await _chat_socket(websocket, cid, last_seq)


async def _chat_socket(websocket: WebSocket, cid: str, last_seq: int) -> None:
    hub: Hub = websocket.app.state.hub
    await websocket.accept()
    socket = Socket(websocket)
    if not CID_RE.fullmatch(cid):
        await socket.error("invalid_conversation_id", "Conversation ids are 8-64 characters [A-Za-z0-9_.:-].")
        await websocket.close(code=1008)
        return
    bind(conversation_id=cid)
    if is_app_conversation(cid):
        if not await _app_customer_signed_in(hub, cid, socket):
            await socket.error("auth_required", "This conversation opens with the customer's app token: "
                                                'send {"type": "auth", "token": ...} first.')
            await websocket.close(code=1008)
            return
    elif chat_sessions.cookie_conversation(hub.chat_key, websocket.cookies.get(chat_sessions.COOKIE)) != cid:
        # Nothing is replayed or accepted on an id alone: ids travel in links and logs, the secret does not.
        await socket.error("resume_secret_required", "This conversation continues only in the browser that "
                                                     "started it; POST /api/chat/session for a new one.")
        await websocket.close(code=1008)
        return
    async with conversation_feed.events(hub, cid) as sub:
        await conversation_feed.open_conversation(hub, cid, "chat")
        sent = [max(0, last_seq)]
        for entry in await conversation_feed.entries_after(hub, cid, sent[0]):
            sent[0] = entry["seq"]
            if not entry.get("suppressed"):
                await socket.send({"type": "event", **entry})
        await socket.send({"type": "status", **await hub.status(cid)})
        await until_one_ends(_read(hub, cid, socket), _push(hub, cid, socket, sub, sent))


async def _app_customer_signed_in(hub: Hub, cid: str, socket: Socket, wait_s: float = 10) -> bool:
    """The first frame of an app conversation must be its customer's token; nothing is replayed before."""
    try:
        raw = await asyncio.wait_for(socket.websocket.receive_text(), wait_s)
        frame = json.loads(raw)
    except (TimeoutError, WebSocketDisconnect, ValueError, KeyError, RuntimeError, RecursionError):
        return False  # RecursionError: JSON nested deeper than the parser goes
    if not isinstance(frame, dict) or frame.get("type") != "auth":
        return False
    if not token_opens(cid, frame.get("token"), hub.settings.app_jwt_secret):
        return False
    await customer_identity.set_app_token(hub, cid, frame["token"], cid[len(APP_PREFIX):].upper())
    await socket.send({"type": "auth_ok"})
    return True


async def _push(hub: Hub, cid: str, socket: Socket, sub: Any, sent: list[int]) -> None:
    while True:
        event = await sub.next_event(5.0)
        if sub.overflowed:
            await socket.error("too_slow", "Too many events queued; reconnect to catch up.")
            return
        if event is None:
            continue
        if "seq" not in event:  # status: the queue position and wait are pushed by the router
            await socket.send(event)
            continue
        if event["seq"] <= sent[0]:
            continue
        entries = [event] if event["seq"] == sent[0] + 1 else await conversation_feed.entries_after(hub, cid, sent[0])
        for entry in entries:
            sent[0] = max(sent[0], entry["seq"])
            if not entry.get("suppressed"):
                await socket.send({"type": "event", **entry})


async def _read(hub: Hub, cid: str, socket: Socket) -> None:
    limits = hub.settings
    gate = typing_indicator.TypingGate()
    while True:
        try:
            message = await socket.websocket.receive()
        except WebSocketDisconnect:
            return
        if message["type"] == "websocket.disconnect":
            return
        raw = message.get("text")
        if raw is None:
            await socket.error("malformed_frame", "Send JSON text frames.")
            continue
        if len(raw.encode()) > limits.max_frame_bytes:
            await socket.error("frame_too_large", f"Frames are at most {limits.max_frame_bytes} bytes.")
            continue
        try:
            frame = json.loads(raw)
            if not isinstance(frame, dict):
                raise ValueError
        except (ValueError, RecursionError):  # RecursionError: JSON nested deeper than the parser goes
            await socket.error("malformed_frame", "The frame is not a JSON object.")
            continue
        try:
            await _handle(hub, cid, socket, frame, gate)
        except HubError as exc:
            await socket.error(exc.code, exc.message, frame.get("client_msg_id"))
        except StoreError:
            # Not stored and not acknowledged: the page keeps the message and resends it.
            await socket.error("hub_unavailable", "The hub cannot store messages right now; retrying.")


async def _handle(hub: Hub, cid: str, socket: Socket, frame: dict[str, Any],
                  gate: typing_indicator.TypingGate) -> None:
    kind = frame.get("type")
    if kind == "message":
        text = frame.get("text")
        msg_id = frame.get("client_msg_id")
        title = frame.get("title")
        if not isinstance(text, str) or not text.strip():
            raise HubError(422, "empty_message", "The message is empty.")
        if len(text) > hub.settings.max_text_chars:
            raise HubError(413, "message_too_long", f"Messages are at most {hub.settings.max_text_chars} characters.")
        if msg_id is not None and (not isinstance(msg_id, str) or len(msg_id) > 64):
            raise HubError(422, "invalid_client_msg_id", "client_msg_id is a string of at most 64 characters.")
        if title is not None and (not isinstance(title, str) or len(title) > 200):
            title = None
        result = await hub.customer_message(cid, text.strip(), msg_id, title)
        await socket.send({"type": "ack", "client_msg_id": msg_id, "seq": result.seq,
                           "duplicate": result.status == "dup"})
    elif kind == "csat":
        score = frame.get("score")
        if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
            raise HubError(422, "invalid_score", "The score is a whole number from 1 to 5.")
        await customer_choices.csat(hub, cid, score)
    elif kind == "choice":
        choice = frame.get("choice")
        if choice not in ("agent", "callback", "message", "wait"):
            raise HubError(422, "invalid_choice", "The choice is agent, callback, message or wait.")
        await customer_choices.customer_choice(hub, cid, choice)
    elif kind == "callback_number":
        # The number the hub asked for after "稍后回电" (nothing identified the customer): a contact number.
        number = frame.get("number")
        if not isinstance(number, str):
            raise HubError(422, "invalid_phone", "请输入 11 位手机号码。Enter an 11-digit mobile number.")
        await callback_requests.callback_number(hub, cid, number)
    elif kind == "auth":
        # Checked here, not only by the actions: the hub names this customer to agents on a handoff.
        customer = token_customer(frame.get("token"), hub.settings.app_jwt_secret)
        if customer is None:
            raise HubError(422, "invalid_token", "The app token is invalid or expired.")
        if is_app_conversation(cid) and customer != cid[len(APP_PREFIX):].upper():
            raise HubError(403, "not_your_conversation", "This token is for another customer.")
        signed_in = await customer_identity.app_customer(hub, cid)
        if signed_in and signed_in != customer:
            raise HubError(403, "not_your_conversation", "Another customer is signed in to this conversation.")
        await customer_identity.set_app_token(hub, cid, frame["token"], customer)
        await socket.send({"type": "auth_ok"})
    elif kind == "typing":
        await typing_indicator.customer_typing(hub, cid, gate)
    elif kind == "ping":
        await socket.send({"type": "pong"})
    else:
        raise HubError(422, "unknown_type", "Frame types: message, csat, choice, callback_number, auth, typing, "
                                             "ping.")
