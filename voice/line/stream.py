"""One carrier media stream, from accept to close: reads the carrier's messages, starts the call on `start`,
hands audio, keypad and marks to the call, and frees the call on every way out (hang-up, a carrier gone quiet,
too many malformed messages, an error of ours)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from fastapi import WebSocket
from starlette.websockets import WebSocketState

from observability.context import bind
from voice.line import media_streams as ms
from voice.line.session import CallSession, Services
from voice.security import call_sid_or_none, new_call_id

logger = logging.getLogger(__name__)

MAX_BAD_MESSAGES = 10  # malformed messages tolerated on one stream before it is closed
START_TIMEOUT_S = 10.0  # a stream must say who it is (start) within this
STREAM_IDLE_S = 15.0  # a carrier sends 50 media messages a second; this long without any means it is gone


class CarrierStream:
    def __init__(self, websocket: WebSocket, services: Services) -> None:
        self.websocket = websocket
        self.services = services
        self.ended = asyncio.Event()
        self.send_lock = asyncio.Lock()
        self.session: CallSession | None = None
        self.bad_messages = 0
        self.close_code, self.close_reason = 1000, "call ended"
        self.connected_at = time.monotonic()

    async def run(self) -> None:
        await self.websocket.accept()
        ended_wait = asyncio.create_task(self.ended.wait())
        try:
            while not self.ended.is_set():
                message = await self._next_message(ended_wait)
                if message is None or not await self._handle(message):
                    break
        except Exception:
            logger.exception("stream failed")
            self.close_code, self.close_reason = 1011, "internal error"
        finally:
            self.ended.set()
            ended_wait.cancel()
            await self._free_the_call()

    async def _send(self, text: str) -> None:
        if self.ended.is_set() or self.websocket.client_state != WebSocketState.CONNECTED:
            return
        async with self.send_lock:
            await self.websocket.send_text(text)

    async def _hangup(self) -> None:
        self.ended.set()

    async def _next_message(self, ended_wait: asyncio.Task) -> dict[str, Any] | None:
        """The carrier's next message; None once the stream is over (hung up, gone quiet, or ended by us)."""
        session = self.session
        timeout = STREAM_IDLE_S if session else max(0.1, START_TIMEOUT_S - (time.monotonic() - self.connected_at))
        receive = asyncio.create_task(self.websocket.receive())
        done, _ = await asyncio.wait({receive, ended_wait}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        if receive not in done:
            receive.cancel()
            with contextlib.suppress(BaseException):
                await receive
            if not self.ended.is_set():  # the carrier went quiet: it is gone
                if session is None:
                    self.close_code, self.close_reason = 1008, "no start"
                else:
                    self.close_code, self.close_reason = 1000, "idle"
                    session.end_reason = "caller_gone"
            return None
        message = receive.result()
        if message["type"] == "websocket.disconnect":
            if session and session.end_reason == "stopped":
                session.end_reason = "caller_gone"
            self.ended.set()
            return None
        return message

    async def _handle(self, message: dict[str, Any]) -> bool:
        """Acts on one message; False when the stream must close. A malformed one is counted, not fatal."""
        try:
            if message.get("text") is None:
                raise ms.ProtocolError("binary frame")
            event, body = ms.parse(message["text"])
            return await self._on_event(event, body)
        except ms.ProtocolError as exc:
            self.bad_messages += 1
            logger.warning("stream %s: bad message (%s)", self.session.call_id if self.session else "?", exc)
            if self.bad_messages >= MAX_BAD_MESSAGES:
                self.close_code, self.close_reason = 1008, "too many malformed messages"
                return False
            return True

    async def _on_event(self, event: str, body: dict[str, Any]) -> bool:
        if event == "connected":
            return True
        if event == "start":
            return await self._start(body)
        session = self.session
        if session is None:
            raise ms.ProtocolError(f"{event} before start")
        if event == "media":
            await session.on_media(ms.media_payload(body))
        elif event == "dtmf":
            await session.on_dtmf(ms.dtmf_digit(body))
        elif event == "mark":
            session.on_mark(ms.mark_name(body))
        elif event == "stop":
            session.end_reason = "caller_hung_up"
            return False
        else:
            raise ms.ProtocolError(f"unknown event {event[:32]!r}")
        return True

    async def _start(self, body: dict[str, Any]) -> bool:
        if self.session is not None:
            raise ms.ProtocolError("second start")
        start = ms.start_of(body)
        if call_sid_or_none(start.call_sid) is None:
            self.close_code, self.close_reason = 1008, "start without a valid callSid (CA + 32 hex digits)"
            return False
        if any(active.start.call_sid == start.call_sid for active in self.services.active.values()):
            self.close_code, self.close_reason = 1008, "call already streaming"
            return False
        # Our own id for the call: the carrier's callSid is only its reference, never the conversation.
        session = CallSession(self.services, start, self._send, self._hangup, new_call_id())
        self.session = session
        self.services.active[session.call_id] = session
        self.services.calls_total += 1
        bind(conversation_id=session.call_id, call_sid=start.call_sid)  # on every log line of the call
        await session.begin()
        return True

    async def _free_the_call(self) -> None:
        session = self.session
        if session is not None:
            await session.close(session.end_reason)
            self.services.active.pop(session.call_id, None)
            self.services.end_reasons[session.end_reason] = self.services.end_reasons.get(session.end_reason, 0) + 1
        if self.websocket.client_state == WebSocketState.CONNECTED:
            with contextlib.suppress(Exception):
                await self.websocket.close(self.close_code, self.close_reason)
