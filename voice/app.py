"""The voice gateway: Twilio Media Streams WebSocket, one-utterance HTTP endpoint, call transcripts.

GET /health, GET /metrics (active calls, buffered audio, memory), GET /calls/{id} (masked transcript),
WS /media (Media Streams), POST /utterance (a recorded utterance in, transcript + reply text + audio out),
POST /twiml (the TwiML that connects a carrier's call to /media).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import io
import logging
import time
import uuid
import wave
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import numpy as np
from fastapi import FastAPI, File, Form, HTTPException, Request, UploadFile, WebSocket
from fastapi.responses import Response
from starlette.websockets import WebSocketState

from service_auth.rasa_auth import RasaAuth
from voice import media_streams as ms
from voice.asr import SpeechRecognizer
from voice.assistant import Assistant, AssistantUnavailable
from voice.codec import SAMPLE_RATE, to_whisper
from voice.hub import make_hub
from voice.prompts import spoken_options
from voice.session import CallSession, Services
from voice.settings import Settings
from voice.transcripts import TranscriptStore
from voice.tts import SpeechSynthesizer

logger = logging.getLogger(__name__)

MAX_BAD_MESSAGES = 10  # malformed messages tolerated on one stream before it is closed
START_TIMEOUT_S = 10.0  # a stream must say who it is (start) within this
STREAM_IDLE_S = 15.0  # a carrier sends 50 media messages a second; this long without any means it is gone
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UPLOAD_AUDIO_S = 60


def memory_mb() -> dict[str, float]:
    """Resident and peak resident memory of this process, from /proc (no psutil)."""
    figures = {}
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                figures[key] = round(int(value.split()[0]) / 1024, 1)
    return {"rss_mb": figures.get("VmRSS", 0.0), "peak_rss_mb": figures.get("VmHWM", 0.0)}


def build_services(settings: Settings) -> Services:
    rasa_auth = RasaAuth(settings.rasa_jwt_secret, settings.rasa_channel_secret, "voice")
    return Services(settings=settings, asr=SpeechRecognizer(settings.english_model, settings.whisper_threads),
                    tts=SpeechSynthesizer(), assistant=Assistant(settings.rasa_url, rasa_auth), hub=make_hub(settings.hub_url),
                    store=TranscriptStore(settings.database_url))


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    services = build_services(app.state.settings)
    start = time.perf_counter()
    # Models load once, before the first call, not per call.
    await asyncio.to_thread(services.tts.warm_up)
    speech = {language: to_whisper(services.tts.synthesize(text, language))
              for language, text in (("zh", "您好，我想查一下保单。"), ("en", "Hello, I'd like to check my policy."))}
    await asyncio.to_thread(services.asr.warm_up, speech)
    logger.info("voice gateway ready in %.1fs", time.perf_counter() - start)
    app.state.services = services
    yield
    for session in list(services.active.values()):
        await session.close("shutdown")
    await services.assistant.close()
    await services.hub.close()
    services.store.close()


def create_app(settings: Settings | None = None) -> FastAPI:
    app = FastAPI(title="Insurance desk voice gateway", lifespan=lifespan)
    app.state.settings = settings or Settings()

    @app.get("/health")
    async def health(request: Request) -> dict[str, Any]:
        services: Services = request.app.state.services
        return {"status": "ok", "active_calls": len(services.active)}

    @app.get("/metrics")
    async def metrics(request: Request) -> dict[str, Any]:
        services: Services = request.app.state.services
        return {"active_calls": len(services.active), "calls_total": services.calls_total,
                "end_reasons": services.end_reasons, "max_buffered_audio_s": round(services.max_buffered_s, 2),
                **memory_mb()}

    @app.get("/calls/{call_id}")
    async def call(call_id: str, request: Request) -> dict[str, Any]:
        record = await asyncio.to_thread(request.app.state.services.store.call, call_id)
        if record is None:
            raise HTTPException(404, "no such call")
        return record

    @app.post("/twiml")
    async def twiml(request: Request) -> Response:
        """TwiML for the carrier's voice webhook: connect the call's audio to /media."""
        host = request.headers.get("x-forwarded-host") or request.headers.get("host", "localhost")
        body = (f'<?xml version="1.0" encoding="UTF-8"?><Response><Connect><Stream url="wss://{host}/media">'
                '</Stream></Connect><Hangup/></Response>')
        return Response(body, media_type="application/xml")

    @app.post("/utterance")
    async def utterance(request: Request, audio: UploadFile = File(...), language: str = Form("auto"),
                        sender: str | None = Form(None)) -> dict[str, Any]:
        return await _utterance(request.app.state.services, audio, language, sender)

    @app.websocket("/media")
    async def media(websocket: WebSocket) -> None:
        await _media_stream(websocket, websocket.app.state.services)

    return app


async def _utterance(services: Services, audio: UploadFile, language: str, sender: str | None) -> dict[str, Any]:
    from faster_whisper.audio import decode_audio

    data = await audio.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise HTTPException(413, f"audio larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    if language not in ("zh", "en", "auto"):
        raise HTTPException(422, "language must be zh, en or auto")
    try:
        samples = await asyncio.to_thread(decode_audio, io.BytesIO(data), 16000)
    except Exception as exc:  # av raises many kinds for a file that is not audio
        raise HTTPException(400, f"could not decode the audio (WAV, MP3 or OGG expected): {type(exc).__name__}") from exc
    if len(samples) > MAX_UPLOAD_AUDIO_S * 16000:
        raise HTTPException(413, f"utterance longer than {MAX_UPLOAD_AUDIO_S} s")
    if language == "auto":
        language = await services.asr.detect_language_async(samples) or "zh"
    transcript = await services.asr.transcribe_async(samples, language)
    sender = sender or f"http-{uuid.uuid4().hex[:12]}"
    result: dict[str, Any] = {"sender": sender, "language": language, "transcript": transcript.text,
                              "intent": None, "reply_text": "", "reply_audio_wav": None,
                              "asr_ms": round(transcript.seconds * 1000)}
    if not transcript.text:
        return result  # nothing was said: no message to the assistant, nothing invented
    try:
        reply = await services.assistant.send(sender, transcript.text, language)
    except AssistantUnavailable as exc:
        raise HTTPException(503, "the assistant is not reachable") from exc
    spoken = reply.text + ("\n" + spoken_options([b["title"] for b in reply.buttons], language) if reply.buttons else "")
    pcm = await asyncio.to_thread(lambda: np.concatenate([np.zeros(0, np.int16), *services.tts.speak(spoken, language)]))
    await asyncio.to_thread(_store_http_turns, services, sender, language, transcript.text, reply.intent, reply.text)
    result.update(intent=reply.intent, reply_text=reply.text, buttons=reply.buttons, handoff_reason=reply.handoff_reason,
                  reply_audio_wav=base64.b64encode(_wav_bytes(pcm)).decode())
    return result


def _store_http_turns(services: Services, sender: str, language: str, text: str, intent: str | None,
                      reply: str) -> None:
    store = services.store
    store.ensure_call(sender, language)
    seq = store.next_seq(sender)
    store.add_turn(sender, seq, "caller", "speech", text, intent)
    store.add_turn(sender, seq + 1, "bot", "assistant", reply)


def _wav_bytes(pcm: np.ndarray) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(pcm.astype(np.int16).tobytes())
    return out.getvalue()


async def _media_stream(websocket: WebSocket, services: Services) -> None:
    """One carrier stream, from accept to close; every exit path frees the call."""
    await websocket.accept()
    ended = asyncio.Event()
    send_lock = asyncio.Lock()
    session: CallSession | None = None
    bad_messages = 0
    close_code, close_reason = 1000, "call ended"
    connected_at = time.monotonic()

    async def send(text: str) -> None:
        if ended.is_set() or websocket.client_state != WebSocketState.CONNECTED:
            return
        async with send_lock:
            await websocket.send_text(text)

    async def hangup() -> None:
        ended.set()

    ended_wait = asyncio.create_task(ended.wait())
    try:
        while not ended.is_set():
            timeout = STREAM_IDLE_S if session else max(0.1, START_TIMEOUT_S - (time.monotonic() - connected_at))
            receive = asyncio.create_task(websocket.receive())
            done, _ = await asyncio.wait({receive, ended_wait}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
            if receive not in done:
                receive.cancel()
                with contextlib.suppress(BaseException):
                    await receive
                if not ended.is_set():  # the carrier went quiet: it is gone
                    close_code, close_reason = 1008 if session is None else 1000, "no start" if session is None else "idle"
                    if session:
                        session.end_reason = "caller_gone"
                break
            message = receive.result()
            if message["type"] == "websocket.disconnect":
                if session:
                    session.end_reason = "caller_gone" if session.end_reason == "stopped" else session.end_reason
                ended.set()
                break
            try:
                if message.get("text") is None:
                    raise ms.ProtocolError("binary frame")
                event, body = ms.parse(message["text"])
                if event == "connected":
                    continue
                if event == "start":
                    if session is not None:
                        raise ms.ProtocolError("second start")
                    start = ms.start_of(body)
                    if start.call_sid in services.active:
                        close_code, close_reason = 1008, "call already streaming"
                        break
                    session = CallSession(services, start, send, hangup)
                    services.active[start.call_sid] = session
                    services.calls_total += 1
                    await session.begin()
                elif session is None:
                    raise ms.ProtocolError(f"{event} before start")
                elif event == "media":
                    await session.on_media(ms.media_payload(body))
                elif event == "dtmf":
                    await session.on_dtmf(ms.dtmf_digit(body))
                elif event == "mark":
                    session.on_mark(ms.mark_name(body))
                elif event == "stop":
                    session.end_reason = "caller_hung_up"
                    break
                else:
                    raise ms.ProtocolError(f"unknown event {event[:32]!r}")
            except ms.ProtocolError as exc:
                bad_messages += 1
                logger.warning("stream %s: bad message (%s)", session.call_id if session else "?", exc)
                if bad_messages >= MAX_BAD_MESSAGES:
                    close_code, close_reason = 1008, "too many malformed messages"
                    break
    except Exception:
        logger.exception("stream failed")
        close_code, close_reason = 1011, "internal error"
    finally:
        ended.set()
        ended_wait.cancel()
        if session is not None:
            await session.close(session.end_reason)
            services.active.pop(session.call_id, None)
            services.end_reasons[session.end_reason] = services.end_reasons.get(session.end_reason, 0) + 1
        if websocket.client_state == WebSocketState.CONNECTED:
            with contextlib.suppress(Exception):
                await websocket.close(close_code, close_reason)
