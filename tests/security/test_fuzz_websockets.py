"""WebSocket fuzzing of the front doors, against real processes: the hub's chat socket, its socket.io
channel and its console socket, and the voice gateway's Media Streams socket (/media) each get well
over a thousand random and malformed frames (bad JSON, JSON nested past any parser's depth, huge
frames, wrong types, binary frames, unknown events, start/stop out of order, base64 that is not).

What must hold: the server answers or refuses each frame without failing (no internal-error close
1011, no traceback in its log; it closes a connection only where the protocol says so), then the
process is alive, /health answers, and a legitimate customer, agent and caller still get through.
Seeded (FUZZ_SEED) and bounded (FUZZ_FRAMES per socket, default 1200)."""

from __future__ import annotations

import asyncio
import json
import os
import random
import time
from collections.abc import Iterator

import httpx
import pytest

from devstack.hub_clients import Agent, Customer, HubRun, recv_event
from devstack.services import LOG_DIR
from tests.security.fuzz_frames import ONE_MB, FuzzSocket, malformed
from tests.security.standalone_hub import NOWHERE, hub, hub_log  # noqa: F401  (fixture: a hub of this module's own)
from tests.voice.conftest import VoiceService, twilio_token, voice_service

SEED = int(os.environ.get("FUZZ_SEED", "20261205"))
FRAMES = int(os.environ.get("FUZZ_FRAMES", "1200"))
# The largest fuzz frame: under the hub's WebSocket limit (1 MB), so every frame reaches its handlers
# (test_oversized_frames_end_only_their_connection sends larger ones).
MAX_FRAME = 900_000

CHAT_FRAMES = [{"type": "message", "text": "你好", "client_msg_id": "m1"}, {"type": "csat", "score": 5},
               {"type": "choice", "choice": "wait"}, {"type": "auth", "token": "x.y.z"}, {"type": "ping"}, {"type": "typing"}]
CONSOLE_FRAMES = [{"type": "ping"}, {"type": "typing", "conversation_id": "web-0123456789abcdef"}]



def fuzz(socket: FuzzSocket, rng: random.Random, shapes: list[dict], frames: int = FRAMES) -> int:
    """Send `frames` malformed frames; the number the server took without closing the connection."""
    kept = sum(socket.send(malformed(rng, shapes, MAX_FRAME)) for _ in range(frames))
    socket.finish()
    return kept


def assert_hub_healthy(run: HubRun) -> None:
    assert httpx.get(f"{run.url}/health", timeout=10).json()["status"] == "ok"
    assert "Traceback" not in hub_log(run), hub_log(run)[-3000:]


def test_fuzzed_chat_socket_stays_up(hub):  # noqa: F811
    rng = random.Random(SEED)
    cid, cookie = hub.chat_session()
    socket = FuzzSocket(f"{hub.ws_url}/ws/chat/{cid}", additional_headers={"Cookie": f"hub_chat={cookie}"})
    kept = fuzz(socket, rng, CHAT_FRAMES)
    assert socket.close_codes == [], socket.close_codes  # no frame ends the connection
    assert kept == FRAMES and socket.replies > FRAMES // 2
    # Before an app conversation's first frame (its token) every malformed frame is refused, clearly.
    for _ in range(60):
        app = FuzzSocket(f"{hub.ws_url}/ws/chat/app-C0001")
        app.send(malformed(rng, [{"type": "auth", "token": "x.y.z"}], 64 * 1024))
        app.finish()
        assert app.close_codes in ([], [1008]), app.close_codes
    assert_hub_healthy(hub)
    customer = Customer(hub)
    try:
        msg_id = customer.send("我的保单")
        assert customer.frames.wait_for(lambda f: f.get("type") == "ack" and f.get("client_msg_id") == msg_id)
        customer.send_raw('{"type": "ping"}')
        customer.frames.wait_for(lambda f: f.get("type") == "pong", 10, "pong")
    finally:
        customer.close()


def test_fuzzed_socketio_channel_stays_up(hub):  # noqa: F811
    rng = random.Random(SEED + 1)
    socket = FuzzSocket(f"{hub.ws_url}/socket.io/?EIO=4&transport=websocket")
    shapes = [{"type": "42"}]  # socket.io packets are text with a type prefix: mutate them as text
    events = ["session_request", "user_uttered", "unknown", "", None, 42]
    kept = 0
    for _ in range(FRAMES):
        frame = malformed(rng, shapes, MAX_FRAME)
        if isinstance(frame, str) and rng.random() < 0.6:
            body = rng.choice([json.dumps([rng.choice(events), json.loads(json.dumps({"message": frame[:300]}))]),
                               frame, json.dumps([rng.choice(events)]), json.dumps({"a": 1}), "[" * 5000])
            frame = rng.choice(["42", "4", "40", "2", "3", "43", "420", "6", ""]) + body
        kept += socket.send(frame)
    socket.finish()
    assert socket.close_codes == [], socket.close_codes
    assert kept == FRAMES
    assert_hub_healthy(hub)
    # A widget still opens a session and is answered.
    from websockets.sync.client import connect

    with connect(f"{hub.ws_url}/socket.io/?EIO=4&transport=websocket", open_timeout=10) as ws:
        ws.recv(timeout=10)
        ws.send("40")
        ws.recv(timeout=10)
        ws.send("42" + json.dumps(["session_request", {}]))
        assert recv_event(ws, "session_confirm", timeout=15).startswith("sio-")


def test_fuzzed_console_socket_stays_up(hub):  # noqa: F811
    rng = random.Random(SEED + 2)
    agent = Agent(hub, "agent1", available=False)
    try:
        cookie = {"Cookie": f"hub_session={agent.http.cookies.get('hub_session')}"}
        socket = FuzzSocket(f"{hub.ws_url}/ws/console", additional_headers=cookie)
        kept = fuzz(socket, rng, CONSOLE_FRAMES)
        assert socket.close_codes == [], socket.close_codes
        assert kept == FRAMES and socket.replies > FRAMES // 2
        assert_hub_healthy(hub)
        agent.set_state("available")  # the agent's session and live socket still work
        agent.frames.ws.send('{"type": "ping"}')
        agent.frames.wait_for(lambda f: f.get("type") == "pong", 10, "pong")
    finally:
        agent.close()


def test_oversized_frames_end_only_their_connection(hub):  # noqa: F811
    """Frames over the WebSocket limit (1 MB) are cut by the WebSocket layer (close 1009, or the TCP
    connection dropped mid-frame): that connection ends, nothing else does."""
    cid, cookie = hub.chat_session()
    for url, headers in ((f"{hub.ws_url}/ws/chat/{cid}", {"Cookie": f"hub_chat={cookie}"}),
                         (f"{hub.ws_url}/socket.io/?EIO=4&transport=websocket", {})):
        socket = FuzzSocket(url, additional_headers=headers)
        for size in (ONE_MB + 1, 4 * ONE_MB):
            socket.send("x" * size)
            socket.send('{"type": "ping"}')  # may or may not reach the closing connection
        socket.finish()
        assert set(socket.close_codes) <= {1009, None}, socket.close_codes
    assert_hub_healthy(hub)


# ---- the voice gateway ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VoiceService]:
    """A real gateway (Whisper, TTS) checking Twilio signatures; no Rasa behind it: the fuzz is of its socket."""
    database_url = f"sqlite:///{tmp_path_factory.mktemp('fuzz-voice') / 'voice.db'}"
    with voice_service(NOWHERE, database_url, twilio_auth_token=twilio_token(),
                       max_calls=64) as service:  # room for streams still closing while the next opens
        yield service


# Under the gateway's WebSocket limit (64 KB, a 20 ms media message is ~300 bytes), so frames reach the parser.
VOICE_MAX_FRAME = 60_000


def media_stream_shapes(rng: random.Random) -> list[dict]:
    call_sid, stream_sid = "CA" + rng.randbytes(16).hex(), "MZ" + rng.randbytes(16).hex()
    silence = "/" * 212 + "w=="  # 160 bytes of mu-law silence (0xff), base64
    return [{"event": "connected", "protocol": "Call", "version": "1.0.0"},
            {"event": "start", "streamSid": stream_sid, "start": {
                "streamSid": stream_sid, "callSid": call_sid, "customParameters": {"language": "en"},
                "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1}}},
            {"event": "media", "streamSid": stream_sid, "media": {"track": "inbound", "payload": silence}},
            {"event": "dtmf", "streamSid": stream_sid, "dtmf": {"digit": "7"}},
            {"event": "mark", "streamSid": stream_sid, "mark": {"name": "m1"}},
            {"event": "stop", "streamSid": stream_sid}]


def test_fuzzed_media_stream_socket_stays_up(gateway):
    rng = random.Random(SEED + 3)
    sent, close_codes, calls = 0, [], 0
    while sent < FRAMES:
        shapes = media_stream_shapes(rng)
        socket = FuzzSocket(gateway.ws_url, additional_headers=gateway.upgrade_headers())
        if rng.random() < 0.25 and calls < 12:  # a call that started properly, then gets garbage mid-call
            socket.send(json.dumps(shapes[1]))
            calls += 1
        for _ in range(rng.randint(5, 40)):
            frame = malformed(rng, shapes, VOICE_MAX_FRAME)
            sent += 1
            if not socket.send(frame):
                break
        socket.finish()
        close_codes += socket.close_codes
    # Closing a stream that breaks the protocol is right (1008); failing is not (1011).
    assert set(close_codes) <= {1000, 1008}, close_codes
    health = httpx.get(f"{gateway.url}/health", timeout=10)
    assert health.status_code == 200, health.text
    deadline = time.monotonic() + 60  # every fuzzed call is freed (its session closed), none left hanging
    while httpx.get(f"{gateway.url}/health", timeout=10).json()["active_calls"] and time.monotonic() < deadline:
        time.sleep(0.5)
    assert httpx.get(f"{gateway.url}/health", timeout=10).json()["active_calls"] == 0

    async def legitimate_call() -> int:
        async with gateway.carrier(language="en") as carrier:
            await carrier.wait_for("media", 1, timeout=120)  # greeted: audio comes back
            return carrier.count("media")

    assert asyncio.run(legitimate_call()) > 0
    log = (LOG_DIR / f"voice_{gateway.url.rsplit(':', 1)[1]}.log").read_text(errors="replace")
    assert "Traceback" not in log and "stream failed" not in log, log[-3000:]
