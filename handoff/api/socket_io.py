"""Rasa's socket.io channel, spoken by the hub, so an existing Rasa web-chat widget can talk to it
(and through it to the bot or the agent). WebSocket transport only (Engine.IO 3 and 4, Socket.IO
default namespace); configure the widget with `transports: ["websocket"]` / socketPath "/socket.io/".

Events as Rasa's SocketIOInput: `session_request` -> `session_confirm`, `user_uttered`
{message, session_id} -> `bot_uttered` {text, quick_replies?} or a custom payload. Agent and
system messages arrive as `bot_uttered` too, so the widget shows them like the bot's.

The hub assigns the session's conversation at the handshake (the same HttpOnly cookie as the chat
page's: a browser that has one continues its conversation, any other gets a new one); a
`session_id` the client sends is ignored, so nobody joins another's conversation by naming it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from handoff import chat_sessions, conversation_feed
from handoff.errors import HubError
from handoff.service import Hub
from handoff.web_security import over_tls

router = APIRouter()
PING_INTERVAL_S = 25


def bot_uttered(entry: dict[str, Any]) -> dict[str, Any]:
    if entry.get("custom"):
        return entry["custom"]
    out: dict[str, Any] = {"text": entry.get("text", "")}
    if entry.get("buttons"):
        out["quick_replies"] = [{"content_type": "text", "title": b.get("title"), "payload": b.get("payload")}
                                for b in entry["buttons"]]
    return out


@router.websocket("/socket.io/")
async def socketio(websocket: WebSocket) -> None:
    with contextlib.suppress(WebSocketDisconnect):  # a widget gone before its handshake is no error of ours
        await _socketio(websocket)


async def _socketio(websocket: WebSocket) -> None:
    hub: Hub = websocket.app.state.hub
    eio = websocket.query_params.get("EIO", "4")
    cid = chat_sessions.cookie_conversation(hub.chat_key, websocket.cookies.get(chat_sessions.COOKIE))
    headers = []
    if cid is None:
        cid, cookie = chat_sessions.mint(hub.chat_key, chat_sessions.SOCKETIO_PREFIX)
        headers.append((b"set-cookie", chat_sessions.set_cookie_header(
            cookie, hub.settings.conversation_ttl_s, hub.settings.cookie_secure or over_tls(websocket.scope)).encode()))
    await websocket.accept(headers=headers)
    send_lock = asyncio.Lock()

    async def send(packet: str) -> None:
        async with send_lock:
            await websocket.send_text(packet)

    async def emit(event: str, data: Any) -> None:
        await send("42" + json.dumps([event, data], ensure_ascii=False))

    if websocket.query_params.get("transport") != "websocket":
        await websocket.close(code=1003)
        return
    await send("0" + json.dumps({"sid": uuid.uuid4().hex, "upgrades": [], "pingInterval": PING_INTERVAL_S * 1000,
                                 "pingTimeout": 20000, "maxPayload": hub.settings.max_frame_bytes}))
    if eio == "3":
        await send("40")
    session: dict[str, Any] = {"cid": None, "task": None, "assigned": cid}
    pinger = asyncio.create_task(_ping(send)) if eio != "3" else None
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            packet = message.get("text") or ""
            if len(packet.encode()) > hub.settings.max_frame_bytes:
                await emit("error", {"code": "frame_too_large", "message": "Frame too large."})
                continue
            if packet == "2":  # Engine.IO 3: the client pings
                await send("3")
            elif packet.startswith("40"):
                await send("40" + json.dumps({"sid": uuid.uuid4().hex}))
            elif packet.startswith("42"):
                await _event(hub, packet[2:], session, emit)
            elif packet.startswith("41") or packet == "1":
                return
    except WebSocketDisconnect:
        return
    finally:
        for task in (pinger, session["task"]):
            if task:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task


async def _ping(send: Any) -> None:
    while True:
        await asyncio.sleep(PING_INTERVAL_S)
        await send("2")


async def _event(hub: Hub, body: str, session: dict[str, Any], emit: Any) -> None:
    try:
        name, data = json.loads(body)[:2]
    except (ValueError, TypeError, RecursionError):  # RecursionError: JSON nested deeper than the parser goes
        await emit("error", {"code": "malformed_frame", "message": "Not a socket.io event."})
        return
    data = data if isinstance(data, dict) else {}
    # The client's session_id is not read: the conversation is the one assigned at the handshake.
    if name == "session_request":
        await _follow(hub, session["assigned"], session, emit)
        await emit("session_confirm", session["assigned"])
    elif name == "user_uttered":
        text = data.get("message")
        if session["cid"] is None:
            await _follow(hub, session["assigned"], session, emit)
        if not isinstance(text, str) or not text.strip() or len(text) > hub.settings.max_text_chars:
            await emit("error", {"code": "message_too_long" if isinstance(text, str) and text.strip() else "empty_message",
                                 "message": "Messages are 1-2000 characters."})
            return
        try:
            await hub.customer_message(session["cid"], text.strip())
        except HubError as exc:
            await emit("error", {"code": exc.code, "message": exc.message})


async def _follow(hub: Hub, cid: str, session: dict[str, Any], emit: Any) -> None:
    """Forward the conversation's bot, agent and system entries as `bot_uttered`, from now on."""
    if session["cid"] == cid:
        return
    if session["task"]:
        session["task"].cancel()
    await conversation_feed.open_conversation(hub, cid, "chat")
    session["cid"] = cid
    ready = asyncio.Event()
    session["task"] = asyncio.create_task(_forward(hub, cid, emit, ready))
    await ready.wait()


async def _forward(hub: Hub, cid: str, emit: Any, ready: asyncio.Event) -> None:
    async with conversation_feed.events(hub, cid) as sub:
        ready.set()
        while True:
            event = await sub.queue.get()
            if "seq" in event and event.get("sender") != "customer" and not event.get("suppressed"):
                await emit("bot_uttered", bot_uttered(event))
