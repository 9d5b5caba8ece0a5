"""Attacks on the voice gateway (7), each tried as an outsider would against a real gateway process
(real Whisper, real TTS, the session's real Rasa): refused with a clear error, while the carrier (signing as
Twilio does) and our own clients (with VOICE_API_KEY) still get through.

The outsider knows the README: the routes, the Media Streams protocol, the demo customers' ids. They do not
have the install's VOICE_API_KEY or the Twilio account's auth token.
"""

from __future__ import annotations

import asyncio
import io
import json
import struct
import subprocess
import wave
from collections.abc import Iterator
from typing import Any

import httpx
import numpy as np
import pytest
import websockets
from twilio.request_validator import RequestValidator

from devstack import services
from tests.security.test_secrets import clean_env
from tests.voice.conftest import VoiceService, twilio_token, voice_service
from voice.line.codec import ulaw_decode
from voice.tools import testset
from voice.tools.carrier import FakeCarrier

MAX_CALLS = 2  # small, so the test can fill the gateway


@pytest.fixture(scope="module")
def gateway(stack: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[VoiceService]:
    database_url = f"sqlite:///{tmp_path_factory.mktemp('voice-security') / 'voice.db'}"
    with voice_service(stack.rasa_url, database_url, {"VOICE_MENU_TIMEOUT_S": "6"},
                       twilio_auth_token=twilio_token(), max_calls=MAX_CALLS) as service:
        yield service


def wav(pcm: np.ndarray, rate: int = 8000) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.astype(np.int16).tobytes())
    return out.getvalue()


def spoken_question() -> bytes:
    utterance = next(u for u in testset.load("en") if not u.noisy and u.intent == "claim_status")
    return wav(ulaw_decode(testset.audio(utterance)))


def post_utterance(gateway: VoiceService, audio: bytes, headers: dict[str, str] | None = None,
                   **fields: str) -> httpx.Response:
    return httpx.post(f"{gateway.url}/utterance", files={"audio": ("q.wav", audio, "audio/wav")},
                      data={"language": "en", **fields}, headers=headers, timeout=120)


def user_texts(stack: Any, conversation_id: str) -> list[str]:
    tracker = httpx.get(f"{stack.rasa_url}/conversations/{conversation_id}/tracker", timeout=10,
                        auth=services.rasa_auth()).json()
    return [e.get("text") for e in tracker.get("events") or [] if e["event"] == "user"]


def refused_upgrade(url: str, headers: dict[str, str] | None = None) -> websockets.InvalidStatus:
    async def attempt() -> websockets.InvalidStatus:
        with pytest.raises(websockets.InvalidStatus) as refused:
            await websockets.connect(url, additional_headers=headers or {}, open_timeout=10)
        return refused.value

    return asyncio.run(attempt())


def greeted_call(gateway: VoiceService, **kwargs: Any) -> str:
    """A carrier call signed as Twilio signs it: greeted, then hung up; its carrier Call SID."""

    async def call() -> str:
        async with gateway.carrier(language="zh", **kwargs) as carrier:
            await carrier.wait_for("mark", 1, timeout=60)
            return carrier.call_sid

    return asyncio.run(call())


def test_speaking_as_app_customer_via_sender_does_not_reach_her_conversation(gateway, stack):
    """Issue #16, 7: `sender=app-C0001` on POST /utterance spoke in her (app-verified) conversation."""
    victim = "app-C0001"
    before = user_texts(stack, victim)
    audio = spoken_question()
    as_sender = post_utterance(gateway, audio, gateway.headers, sender=victim)
    assert as_sender.status_code == 400 and "sender is not accepted" in as_sender.json()["detail"]
    as_conversation = post_utterance(gateway, audio, gateway.headers, conversation_id=victim)
    assert as_conversation.status_code == 404 and "no such conversation_id" in as_conversation.json()["detail"]
    assert user_texts(stack, victim) == before  # nothing was said in her conversation

    # Our own client gets a conversation the gateway made, and can go on in it.
    first = post_utterance(gateway, audio, gateway.headers)
    assert first.status_code == 200, first.text
    conversation_id = first.json()["conversation_id"]
    assert conversation_id.startswith("voice-") and len(conversation_id) >= 38
    assert first.json()["reply_text"]
    again = post_utterance(gateway, audio, gateway.headers, conversation_id=conversation_id)
    assert again.status_code == 200 and again.json()["conversation_id"] == conversation_id
    assert len(user_texts(stack, conversation_id)) == 2
    assert len(gateway.call_record(conversation_id)["turns"]) == 4


def test_media_stream_call_sid_is_not_the_conversation_and_a_malformed_one_is_refused(gateway, stack):
    """Issue #16, 7: the carrier's `callSid` was the Rasa conversation; `callSid=app-C0001` spoke as her."""

    async def call_as(call_sid: str) -> tuple[int | None, str]:
        carrier = gateway.carrier(language="zh", call_sid=call_sid)
        async with carrier:
            await asyncio.wait_for(carrier.closed.wait(), 10)
            return carrier.close_code, carrier._ws.close_reason

    before = user_texts(stack, "app-C0001")
    for forged in ("app-C0001", "CA" + "0" * 31, "../calls/CA" + "0" * 32):
        code, reason = asyncio.run(call_as(forged))
        assert code == 1008 and "valid callSid" in reason, (forged, code, reason)
    assert user_texts(stack, "app-C0001") == before

    call_sid = greeted_call(gateway)
    call_id = gateway.call_id_of(call_sid)
    assert call_id.startswith("voice-") and call_id != call_sid
    record = gateway.call_record(call_id)
    assert record["call_sid"] == call_sid  # kept as the carrier's reference
    assert record["turns"] and record["language"] == "zh"


def test_reading_a_call_transcript_without_api_key_is_refused(gateway):
    """Issue #16, 7: GET /calls/{id} served any call's transcript to anyone."""
    call_id = gateway.call_id_of(greeted_call(gateway))
    for headers in ({}, {"X-API-Key": "guessed-" + "x" * 32}, {"X-API-Key": ""}):
        for path, params in ((f"/calls/{call_id}", None), ("/calls", {"call_sid": "CA" + "0" * 32})):
            response = httpx.get(gateway.url + path, params=params, headers=headers, timeout=10)
            assert response.status_code == 401, (path, headers, response.text)
            assert "X-API-Key" in response.json()["detail"]
    assert gateway.call_record(call_id)["call_id"] == call_id
    bad_sid = httpx.get(f"{gateway.url}/calls", params={"call_sid": "app-C0001"}, headers=gateway.headers, timeout=10)
    assert bad_sid.status_code == 422


def test_utterance_without_api_key_is_refused(gateway):
    """Issue #16, 7: POST /utterance let anyone talk to the assistant (and load the recogniser)."""
    audio = spoken_question()
    for headers in (None, {"X-API-Key": "guessed-" + "x" * 32}):
        response = post_utterance(gateway, audio, headers)
        assert response.status_code == 401, response.text
        assert "X-API-Key" in response.json()["detail"]
    ok = post_utterance(gateway, audio, gateway.headers)
    assert ok.status_code == 200 and ok.json()["transcript"], ok.text


def test_twiml_with_forged_or_missing_twilio_signature_is_refused(gateway):
    """Issue #16, 7: the carrier's webhook never checked X-Twilio-Signature."""
    url = f"{gateway.url}/twiml"
    params = {"CallSid": "CA" + "1" * 32, "From": "+8613800138000", "To": "+861095500"}
    genuine = RequestValidator(gateway.twilio_auth_token).compute_signature(url, params)
    attempts = {
        "no signature": {},
        "signed with another account's token": {"X-Twilio-Signature": RequestValidator(twilio_token())
                                                .compute_signature(url, params)},
        "garbage": {"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"},
    }
    for what, headers in attempts.items():
        response = httpx.post(url, data=params, headers=headers, timeout=10)
        assert response.status_code == 403, (what, response.text)
        assert "X-Twilio-Signature" in response.json()["detail"]
    tampered = httpx.post(url, data={**params, "From": "+8613900139000"},
                          headers={"X-Twilio-Signature": genuine}, timeout=10)
    assert tampered.status_code == 403  # a genuine signature over other parameters

    ok = httpx.post(url, data=params, headers={"X-Twilio-Signature": genuine}, timeout=10)
    assert ok.status_code == 200, ok.text
    assert "<Connect><Stream url=" in ok.text and "/media" in ok.text


def test_media_upgrade_with_forged_or_missing_twilio_signature_is_refused(gateway):
    """Issue #16, 7: anyone could open a call on /media (and feed the recogniser) without being the carrier."""
    forged = RequestValidator(twilio_token()).compute_signature(gateway.ws_url, {})
    for headers in (None, {"X-Twilio-Signature": forged}):
        refused = refused_upgrade(gateway.ws_url, headers)
        assert refused.response.status_code == 403
        assert b"X-Twilio-Signature" in refused.response.body
    assert greeted_call(gateway).startswith("CA")  # signed as Twilio signs: greeted


def wav_header_claiming(seconds: int, real_samples: int = 8000) -> bytes:
    """A small WAV whose header says it lasts `seconds` (data chunk size patched), for the decoder to trust."""
    data = bytearray(wav(np.zeros(real_samples, np.int16)))
    claimed = seconds * 8000 * 2
    data[4:8] = struct.pack("<I", 36 + claimed)
    data[40:44] = struct.pack("<I", claimed)
    return bytes(data)


def test_oversize_or_too_long_audio_is_refused_before_decoding(gateway):
    """Issue #16, 7: an upload was decoded whole before its length was known (a small file claiming hours)."""
    too_long = post_utterance(gateway, wav(np.zeros(8000 * 70, np.int16)), gateway.headers)
    assert too_long.status_code == 413 and "longer than 60 s" in too_long.json()["detail"], too_long.text
    # One second of audio whose header claims two hours: refused on the header, so nothing was decoded
    # (decoded, it would be one second and pass the check that follows decoding).
    lying = post_utterance(gateway, wav_header_claiming(7200), gateway.headers)
    assert lying.status_code == 413 and "7200 s declared" in lying.json()["detail"], lying.text
    huge = post_utterance(gateway, b"RIFF" + b"\0" * (11 * 1024 * 1024), gateway.headers)
    assert huge.status_code == 413 and "larger than 10 MB" in huge.json()["detail"], huge.text
    not_audio = post_utterance(gateway, b"not audio at all", gateway.headers)
    assert not_audio.status_code == 400 and "decode" in not_audio.json()["detail"]
    assert gateway.get("/health")["status"] == "ok"
    ok = post_utterance(gateway, spoken_question(), gateway.headers)
    assert ok.status_code == 200 and ok.json()["transcript"], ok.text


def test_call_beyond_the_line_limit_is_refused_with_503(gateway):
    """Issue #16, 7: calls were unbounded; on 2 cores each one slows every other caller's recognition."""

    async def scenario() -> None:
        carriers = [gateway.carrier(language="zh") for _ in range(MAX_CALLS)]
        for carrier in carriers:
            await carrier.__aenter__()
        try:
            await carriers[-1].wait_for("mark", 1, timeout=60)
            extra = FakeCarrier(gateway.ws_url, language="zh", auth_token=gateway.twilio_auth_token)
            with pytest.raises(websockets.InvalidStatus) as refused:
                await extra.__aenter__()
            response = refused.value.response
            assert response.status_code == 503 and response.headers["Retry-After"]
            assert "all lines are busy" in json.loads(response.body)["detail"]
            busy = await asyncio.to_thread(post_utterance, gateway, spoken_question(), gateway.headers)
            assert busy.status_code == 503 and busy.headers["Retry-After"], busy.text
            assert "线路繁忙" in busy.json()["detail"]
        finally:
            for carrier in carriers:
                await carrier.__aexit__(None, None, None)

    asyncio.run(scenario())
    # The lines are free again: the next call is greeted.
    for _ in range(50):
        if gateway.get("/health")["active_calls"] == 0:
            break
        asyncio.run(asyncio.sleep(0.2))
    assert greeted_call(gateway).startswith("CA")


@pytest.mark.parametrize("value", [None, "changethis", "short"])
def test_gateway_started_without_a_real_voice_api_key_exits_with_clear_message(value):
    """No key (or a published or short one) would leave /calls and /utterance open or guessable."""
    result = subprocess.run([services.APP_PYTHON, "-m", "voice"], cwd=services.ROOT,
                            env=clean_env(VOICE_API_KEY=value), capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr[-2000:]
    assert result.stderr.strip().splitlines()[-1].startswith("refusing to start: VOICE_API_KEY "), result.stderr
