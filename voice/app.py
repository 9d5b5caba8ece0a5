"""The voice gateway: Twilio Media Streams WebSocket, one-utterance HTTP endpoint, call transcripts.

GET /health, GET /metrics (active calls, buffered audio, memory); with X-API-Key (VOICE_API_KEY):
GET /calls/{id} (masked transcript, by our call id), GET /calls?call_sid= (our ids for a carrier's Call SID),
POST /utterance (a recorded utterance in, transcript + reply text + audio out); from the carrier, with
X-Twilio-Signature when TWILIO_AUTH_TOKEN is set: WS /media (Media Streams), POST /twiml (the TwiML that
connects a carrier's call to /media). Who may call what: voice/security.py.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import html
import io
import logging
import time
import wave
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import numpy as np
from fastapi import Depends, FastAPI, HTTPException, Request, WebSocket
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import UploadFile

from observability.metrics import instrument
from observability.requests import RequestIdMiddleware
from service_auth.rasa_auth import RasaAuth
from voice import customer_routes
from voice.line import agent_audio
from voice.line.assistant import Assistant, AssistantUnavailable
from voice.line.codec import SAMPLE_RATE, to_whisper
from voice.line.hub import make_hub
from voice.line.prompts import spoken_options
from voice.line.session import Services
from voice.line.stream import CarrierStream
from voice.line.transcripts import TranscriptStore
from voice.line.tts import SpeechSynthesizer
from voice.metrics import call_figures
from voice.recognition.asr import SpeechRecognizer
from voice.security import SIGNATURE_HEADER, CarrierSignature, call_sid_or_none, new_call_id, require_api_key
from voice.settings import Settings
from voice.upload import MAX_UPLOAD_AUDIO_S, MAX_UPLOAD_BYTES, UploadRefused, check_duration, check_length

logger = logging.getLogger(__name__)

RETRY_AFTER_S = 30
# Bilingual: an app may show it to the caller as it is.
BUSY = "线路繁忙，请稍后再试 / all lines are busy, please try again later"
UTTERANCE_FORM = {"type": "object", "required": ["audio"], "properties": {
    "audio": {"type": "string", "format": "binary"}, "language": {"type": "string", "enum": ["zh", "en", "auto"]},
    "conversation_id": {"type": "string", "description": "continue a conversation a previous call returned"}}}


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
                    tts=SpeechSynthesizer(), assistant=Assistant(settings.rasa_url, rasa_auth),
                    hub=make_hub(settings.hub_url, settings.hub_api_key),
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
    app.state.settings = settings = settings or Settings()
    app.state.signature = CarrierSignature(settings.twilio_auth_token, settings.public_url)
    app.include_router(customer_routes.router)
    app.include_router(agent_audio.router)

    @app.get("/health")
    async def health(request: Request) -> dict[str, Any]:
        services: Services = request.app.state.services
        return {"status": "ok", "active_calls": len(services.active)}

    app.add_middleware(RequestIdMiddleware)
    instrument(app, settings.api_key, call_figures)

    @app.get("/stats", dependencies=[Depends(require_api_key)])
    async def stats(request: Request) -> dict[str, Any]:
        services: Services = request.app.state.services
        return {"active_calls": len(services.active), "calls_total": services.calls_total,
                "end_reasons": services.end_reasons, "max_buffered_audio_s": round(services.max_buffered_s, 2),
                **memory_mb()}

    @app.get("/calls", dependencies=[Depends(require_api_key)])
    async def calls_by_carrier_reference(request: Request, call_sid: str) -> dict[str, Any]:
        """Our call ids for a carrier's Call SID (an operator holding a Twilio log); the key is required."""
        if call_sid_or_none(call_sid) is None:
            raise HTTPException(422, "call_sid must be a Twilio Call SID (CA + 32 hex digits)")
        return {"call_ids": await asyncio.to_thread(request.app.state.services.store.calls_for_sid, call_sid)}

    @app.get("/calls/{call_id}", dependencies=[Depends(require_api_key)])
    async def call(call_id: str, request: Request) -> dict[str, Any]:
        record = await asyncio.to_thread(request.app.state.services.store.call, call_id)
        if record is None:
            raise HTTPException(404, "no such call")
        return record

    @app.post("/twiml")
    async def twiml(request: Request) -> Response:
        """TwiML for the carrier's voice webhook: connect the call's audio to /media."""
        signature: CarrierSignature = request.app.state.signature
        form = await request.form(max_files=0, max_fields=100)
        params = {key: value for key, value in form.items() if isinstance(value, str)}
        if not signature.valid(str(request.url), "/twiml", params, request.headers.get(SIGNATURE_HEADER)):
            return JSONResponse({"detail": f"missing or invalid {SIGNATURE_HEADER}"}, 403)
        stream_url = _stream_url(request.app.state.settings, request)
        body = (f'<?xml version="1.0" encoding="UTF-8"?><Response><Connect><Stream url="{stream_url}">'
                '</Stream></Connect><Hangup/></Response>')
        return Response(body, media_type="application/xml")

    # The form is read by hand, after the key, the line count and Content-Length are checked: FastAPI would
    # spool the whole upload before any dependency ran, for anyone who asked.
    @app.post("/utterance", dependencies=[Depends(require_api_key)],
              openapi_extra={"requestBody": {"content": {"multipart/form-data": {"schema": UTTERANCE_FORM}}}})
    async def utterance(request: Request) -> Response:
        services: Services = request.app.state.services
        if services.lines >= services.settings.max_calls:
            return JSONResponse({"detail": BUSY}, 503, headers={"Retry-After": str(RETRY_AFTER_S)})
        services.lines += 1
        try:
            return JSONResponse(await _utterance(request, services))
        except UploadRefused as exc:
            return JSONResponse({"detail": exc.detail}, exc.status)
        finally:
            services.lines -= 1

    @app.websocket("/media")
    async def media(websocket: WebSocket) -> None:
        services: Services = websocket.app.state.services
        signature: CarrierSignature = websocket.app.state.signature
        # Refused before the upgrade: nothing of a forged or surplus call reaches the recogniser.
        if not signature.valid(str(websocket.url), "/media", {}, websocket.headers.get(SIGNATURE_HEADER),
                               websocket=True):
            await _refuse_upgrade(websocket, 403, f"missing or invalid {SIGNATURE_HEADER}")
            return
        if services.lines >= services.settings.max_calls:
            await _refuse_upgrade(websocket, 503, BUSY)
            return
        services.lines += 1
        try:
            await CarrierStream(websocket, services).run()
        finally:
            services.lines -= 1

    return app


async def _utterance(request: Request, services: Services) -> dict[str, Any]:
    from faster_whisper.audio import decode_audio

    check_length(request.headers.get("content-length"))
    form = await request.form(max_files=1, max_fields=5)
    audio, language = form.get("audio"), form.get("language") or "auto"
    if form.get("sender") is not None:
        # The conversation is the gateway's to choose: a sender such as app-C0001 would speak as that customer.
        raise UploadRefused(400, "sender is not accepted: the gateway chooses the conversation "
                                 "(continue one with the conversation_id it returned)")
    if not isinstance(audio, UploadFile):
        raise UploadRefused(422, "audio (a file) is required")
    if language not in ("zh", "en", "auto"):
        raise UploadRefused(422, "language must be zh, en or auto")
    conversation_id = await _conversation_of(services, form.get("conversation_id"))
    data = await audio.read(MAX_UPLOAD_BYTES + 1)
    await asyncio.to_thread(check_duration, data)  # from the header, before a sample is decoded
    try:
        samples = await asyncio.to_thread(decode_audio, io.BytesIO(data), 16000)
    except Exception as exc:  # av raises many kinds for a file that is not audio
        raise UploadRefused(400, f"could not decode the audio (WAV, MP3 or OGG expected): {type(exc).__name__}") from exc
    if len(samples) > MAX_UPLOAD_AUDIO_S * 16000:  # a header that understated its length
        raise UploadRefused(413, f"utterance longer than {MAX_UPLOAD_AUDIO_S} s")
    if language == "auto":
        language = await services.asr.detect_language_async(samples) or "zh"
    transcript = await services.asr.transcribe_async(samples, language)
    result: dict[str, Any] = {"conversation_id": conversation_id, "language": language, "transcript": transcript.text,
                              "intent": None, "reply_text": "", "reply_audio_wav": None,
                              "asr_ms": round(transcript.seconds * 1000)}
    if not transcript.text:
        return result  # nothing was said: no message to the assistant, nothing invented
    try:
        reply = await services.assistant.send(conversation_id, transcript.text, language)
        # The answer names the intent the assistant read; a call's turns do without (voice/line/assistant.py).
        intent = await services.assistant.latest_intent(conversation_id)
    except AssistantUnavailable as exc:
        raise UploadRefused(503, "the assistant is not reachable") from exc
    spoken = reply.text + ("\n" + spoken_options([b["title"] for b in reply.buttons], language) if reply.buttons else "")
    pcm = await asyncio.to_thread(lambda: np.concatenate([np.zeros(0, np.int16), *services.tts.speak(spoken, language)]))
    await asyncio.to_thread(_store_http_turns, services, conversation_id, language, transcript.text, intent,
                            reply.text)
    result.update(intent=intent, reply_text=reply.text, buttons=reply.buttons, handoff_reason=reply.handoff_reason,
                  reply_audio_wav=base64.b64encode(_wav_bytes(pcm)).decode())
    return result


async def _conversation_of(services: Services, given: object) -> str:
    """A new conversation id, or one this endpoint minted before (a phone call's or anyone else's is refused)."""
    if given is None or given == "":
        return new_call_id()
    if not isinstance(given, str) or not await asyncio.to_thread(services.store.is_http_conversation, given):
        raise UploadRefused(404, "no such conversation_id (use the one a previous /utterance returned)")
    return given


def _stream_url(settings: Settings, request: Request) -> str:
    if settings.public_url:
        return settings.public_url.replace("https://", "wss://", 1).replace("http://", "ws://", 1) + "/media"
    host = request.headers.get("x-forwarded-host") or request.headers.get("host", "localhost")
    return f"wss://{html.escape(host, quote=True)}/media"


async def _refuse_upgrade(websocket: WebSocket, status: int, detail: str) -> None:
    """An HTTP answer to the upgrade (the carrier logs the status); close-before-accept where unsupported."""
    try:
        headers = {"Retry-After": str(RETRY_AFTER_S)} if status == 503 else None
        await websocket.send_denial_response(JSONResponse({"detail": detail}, status, headers=headers))
    except RuntimeError:
        await websocket.close(1008 if status == 403 else 1013, detail[:120])


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
