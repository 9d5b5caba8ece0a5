"""WS /agent-audio: the agent who owns a handed-off call speaks and listens from the console.

The browser sends 8 kHz mu-law, as the line uses, in binary messages (20 ms frames, up to 200 ms at once) and
receives the caller's audio the same way; text messages are control: the first must be {"ticket": ...} (a
one-use ticket the hub signed for this agent and call, service_auth.agent_audio_tickets; never in the URL, so
it is in no access log), later {"type": "hangup"} ends the call. The caller's speech still goes through the
recogniser, so the masked transcript keeps running for the record, and the agent's typed replies are still
spoken (the fallback). This is a front door of its own: the upgrade must come from a console origin
(VOICE_CONSOLE_ORIGINS), the ticket must hold, and the call must be with a person now.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time

from fastapi import APIRouter, WebSocket
from starlette.responses import JSONResponse
from starlette.websockets import WebSocketState

from service_auth.agent_audio_tickets import AudioGrant, TicketExpired, TicketInvalid, TicketSigner
from voice.line.codec import FRAME_SAMPLES
from voice.line.session import CallSession, Services

logger = logging.getLogger(__name__)
router = APIRouter()

TICKET_WAIT_S = 5.0
MAX_AUDIO_BYTES = 10 * FRAME_SAMPLES  # 200 ms of mu-law in one message; more is no console of ours
MAX_CONTROL_CHARS = 2048
OUTBOUND_FRAMES = 50  # caller audio queued for a slow browser (1 s) before frames are dropped


class AgentLine:
    """The console's end of one call: caller audio out to the browser, without ever blocking the call."""

    def __init__(self, agent: str) -> None:
        self.agent = agent
        self.outbound: asyncio.Queue[bytes] = asyncio.Queue(OUTBOUND_FRAMES)
        self.gone = asyncio.Event()
        self.dropped = 0

    def hear(self, ulaw: bytes) -> None:
        """The caller's audio, for the agent's speaker; a browser that falls behind loses frames, not the call."""
        try:
            self.outbound.put_nowait(ulaw)
        except asyncio.QueueFull:
            self.dropped += 1

    def end(self) -> None:
        self.gone.set()


class _SpentTickets:
    """Ticket ids already used, until they would have expired anyway (one gateway process holds the calls)."""

    def __init__(self) -> None:
        self.until: dict[str, int] = {}

    def spend(self, grant: AudioGrant) -> bool:
        now = time.time()
        self.until = {jti: exp for jti, exp in self.until.items() if exp >= now}
        if grant.ticket_id in self.until:
            return False
        self.until[grant.ticket_id] = grant.expires_at
        return True


_spent = _SpentTickets()


async def _refuse(websocket: WebSocket, status: int, code: str) -> None:
    try:
        await websocket.send_denial_response(JSONResponse({"detail": code}, status))
    except RuntimeError:
        await websocket.close(1008, code)


@router.websocket("/agent-audio")
async def agent_audio(websocket: WebSocket) -> None:
    services: Services = websocket.app.state.services
    settings = services.settings
    origins = {o.rstrip("/").lower() for o in settings.console_origins}
    if not settings.agent_audio_secret:
        await _refuse(websocket, 503, "call audio is off (no VOICE_AGENT_AUDIO_SECRET)")
        return
    # Cross-site WebSocket hijacking: only the console's own pages, and every browser sends Origin.
    if (websocket.headers.get("origin") or "").rstrip("/").lower() not in origins:
        await _refuse(websocket, 403, "origin not allowed (VOICE_CONSOLE_ORIGINS)")
        return
    await websocket.accept()
    session, line = await _admit(websocket, services, TicketSigner(settings.agent_audio_secret))
    if session is None or line is None:
        return
    logger.info("call %s: agent %s joined the audio", session.call_id, line.agent)
    try:
        await _bridge(websocket, session, line)
    finally:
        session.agent_line = None
        logger.info("call %s: agent audio left (%d frames dropped)", session.call_id, line.dropped)
        if websocket.client_state == WebSocketState.CONNECTED:
            with contextlib.suppress(Exception):
                await websocket.close(1000, "call audio ended")


async def _admit(websocket: WebSocket, services: Services,
                 signer: TicketSigner) -> tuple[CallSession | None, AgentLine | None]:
    """Read and check the ticket; close with a 44xx code the console shows, or the call and a new line."""
    try:
        async with asyncio.timeout(TICKET_WAIT_S):
            message = await websocket.receive()
        body = json.loads(message.get("text") or "null")
        ticket = body.get("ticket") if isinstance(body, dict) else None
        if not isinstance(ticket, str):
            raise TicketInvalid("no ticket")
        grant = signer.check(ticket)
    except TicketExpired:
        await websocket.close(4401, "ticket expired")
        return None, None
    except (TimeoutError, ValueError, RecursionError, TicketInvalid):
        await websocket.close(4401, "a ticket from the hub is required")
        return None, None
    if not _spent.spend(grant):
        await websocket.close(4401, "ticket already used")
        return None, None
    session = services.active.get(grant.call_id)
    if session is None or session.state != "agent":
        await websocket.close(4404, "no such call with a person")
        return None, None
    if session.agent_line is not None:
        await websocket.close(4409, "the call audio is already joined")
        return None, None
    line = AgentLine(grant.agent)
    session.agent_line = line
    return session, line


async def _bridge(websocket: WebSocket, session: CallSession, line: AgentLine) -> None:
    async def to_browser() -> None:
        while True:
            await websocket.send_bytes(await line.outbound.get())

    async def from_browser() -> None:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            data, text = message.get("bytes"), message.get("text")
            if data is not None:
                if len(data) <= MAX_AUDIO_BYTES:
                    await session.agent_speaks(data)
            elif text is not None and len(text) <= MAX_CONTROL_CHARS and _is_hangup(text):
                await session.agent_hangs_up()
                return

    async def while_with_agent() -> None:
        # Handed back to the assistant, or the caller hung up: the console's line closes.
        while session.state == "agent" and not line.gone.is_set():
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(0.5):
                    await line.gone.wait()

    tasks = [asyncio.create_task(t()) for t in (to_browser, from_browser, while_with_agent)]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def _is_hangup(text: str) -> bool:
    with contextlib.suppress(ValueError, RecursionError):
        body = json.loads(text)
        return isinstance(body, dict) and body.get("type") == "hangup"
    return False
