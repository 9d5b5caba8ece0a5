"""The carrier's side of a Media Streams call, as a client: what a phone network sends and expects.

Used by `python -m voice.tools.call`, the tests and the benchmark to call the gateway exactly as Twilio
would (it is the stand-in for the unreachable third party, the carrier; the gateway is real).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import websockets
from twilio.request_validator import RequestValidator

from voice.line.codec import FRAME_MS, FRAME_SAMPLES, frames, ulaw_decode

SILENCE_FRAME = b"\xff" * FRAME_SAMPLES


@dataclass
class Received:
    at: float
    event: str
    body: dict[str, Any]


@dataclass
class FakeCarrier:
    url: str  # ws://host:port/media
    language: str | None = None  # customParameters.language; None = the caller uses the menu
    custom: dict[str, str] = field(default_factory=dict)
    echo_marks: bool = True  # acknowledge marks as if the audio had played
    keep_line: bool = True  # between what the test sends, stream silence at the real pace, as a carrier does
    auth_token: str | None = None  # the Twilio account's auth token: sign the upgrade as Twilio does
    call_sid: str = field(default_factory=lambda: f"CA{uuid.uuid4().hex}")
    stream_sid: str = field(default_factory=lambda: f"MZ{uuid.uuid4().hex}")
    events: list[Received] = field(default_factory=list)
    audio: bytearray = field(default_factory=bytearray)  # all reply audio, mu-law
    closed: asyncio.Event = field(default_factory=asyncio.Event)
    close_code: int | None = None
    _seq: int = 0
    _ws: Any = None
    _reader: asyncio.Task[None] | None = None
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    _sending: int = 0
    _line: asyncio.Task[None] | None = None

    async def __aenter__(self) -> FakeCarrier:
        headers = {}
        if self.auth_token:
            headers["X-Twilio-Signature"] = RequestValidator(self.auth_token).compute_signature(self.url, {})
        self._ws = await websockets.connect(self.url, max_size=2**20, ping_interval=None, additional_headers=headers)
        self._reader = asyncio.create_task(self._read())
        await self.send_json({"event": "connected", "protocol": "Call", "version": "1.0.0"})
        custom = dict(self.custom)
        if self.language:
            custom["language"] = self.language
        await self.send_json({"event": "start", "streamSid": self.stream_sid, "start": {
            "accountSid": "ACtest", "streamSid": self.stream_sid, "callSid": self.call_sid, "tracks": ["inbound"],
            "customParameters": custom,
            "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1}}})
        if self.keep_line:
            self._line = asyncio.create_task(self._keep_line())
        return self

    async def _keep_line(self) -> None:
        next_at = time.monotonic()
        while not self.closed.is_set():
            next_at += FRAME_MS / 1000
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))
            if self._sending == 0:
                await self.send_json({"event": "media", "streamSid": self.stream_sid, "media": {
                    "track": "inbound", "payload": base64.b64encode(SILENCE_FRAME).decode()}})
            else:
                next_at = time.monotonic()

    async def __aexit__(self, *exc: Any) -> None:
        if self._line:
            self._line.cancel()
        with contextlib.suppress(Exception):
            if not self.closed.is_set():
                await self.send_json({"event": "stop", "streamSid": self.stream_sid,
                                      "stop": {"accountSid": "ACtest", "callSid": self.call_sid}})
            await self._ws.close()
        if self._reader:
            self._reader.cancel()
            with contextlib.suppress(BaseException):
                await self._reader

    async def send_json(self, message: dict[str, Any]) -> None:
        """Send one message; after the gateway has hung up, sending is a no-op (as on a real line)."""
        self._seq += 1
        message.setdefault("sequenceNumber", str(self._seq))
        if self.closed.is_set():
            return
        try:
            await self._ws.send(json.dumps(message))
        except websockets.ConnectionClosed as exc:
            # A send can meet the gateway's hang-up before the reader task does: keep its close code here,
            # or a caller that stops on `closed` would read no code at all.
            self._hung_up(exc)

    async def send_raw(self, data: str | bytes) -> None:
        await self._ws.send(data)

    async def abort(self) -> None:
        """The client vanishes: the TCP connection drops without a close handshake."""
        if self._line:
            self._line.cancel()
        self._ws.transport.abort()

    async def _read(self) -> None:
        try:
            async for raw in self._ws:
                message = json.loads(raw)
                event = message.get("event", "")
                self.events.append(Received(time.monotonic(), event, message))
                if event == "media":
                    self.audio += base64.b64decode(message["media"]["payload"])
                elif event == "mark" and self.echo_marks:
                    await self.send_json({"event": "mark", "streamSid": self.stream_sid, "mark": message["mark"]})
                self._changed.set()
        except websockets.ConnectionClosed as exc:
            self._hung_up(exc)
        finally:
            self._hung_up(None)  # a normal close ends the loop without an exception

    def _hung_up(self, exc: websockets.ConnectionClosed | None) -> None:
        """The line is closed: keep the first close code known (the frame received, else the socket's)."""
        if self.close_code is None and exc is not None and exc.rcvd is not None:
            self.close_code = exc.rcvd.code
        if self.close_code is None:
            self.close_code = self._ws.close_code
        self.closed.set()
        self._changed.set()

    async def send_audio(self, ulaw: bytes, *, realtime: bool = True, realtime_from: int = 0) -> float:
        """Stream audio in 20 ms media messages; frames from byte `realtime_from` on go at the real pace.

        Returns the time the byte at `realtime_from` went out (the end of speech, when it is given)."""
        self._sending += 1
        try:
            return await self._send_audio(ulaw, realtime, realtime_from)
        finally:
            self._sending -= 1

    async def _send_audio(self, ulaw: bytes, realtime: bool, realtime_from: int) -> float:
        first_paced = realtime_from // FRAME_SAMPLES
        marked_at = next_at = time.monotonic()
        for index, frame in enumerate(frames(ulaw)):
            if realtime and index >= first_paced:
                if index == first_paced:
                    marked_at = next_at = time.monotonic()
                else:
                    delay = next_at - time.monotonic()
                    if delay > 0:
                        await asyncio.sleep(delay)
                next_at += FRAME_MS / 1000
            await self.send_json({"event": "media", "streamSid": self.stream_sid, "media": {
                "track": "inbound", "chunk": str(index), "timestamp": str(index * FRAME_MS),
                "payload": base64.b64encode(frame).decode()}})
            if self.closed.is_set():
                break
        return marked_at

    async def send_silence(self, seconds: float, *, realtime: bool = True) -> None:
        await self.send_audio(SILENCE_FRAME * int(seconds * 1000 / FRAME_MS), realtime=realtime)

    async def press(self, digits: str) -> None:
        for digit in digits:
            await self.send_json({"event": "dtmf", "streamSid": self.stream_sid,
                                  "dtmf": {"track": "inbound_track", "digit": digit}})

    def count(self, event: str) -> int:
        return sum(1 for e in self.events if e.event == event)

    async def wait_for(self, event: str, count: int = 1, timeout: float = 30.0) -> Received:
        """Wait until `count` events of that kind have arrived; the last one."""
        deadline = time.monotonic() + timeout
        while True:
            matching = [e for e in self.events if e.event == event]
            if len(matching) >= count:
                return matching[count - 1]
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self.closed.is_set():
                raise TimeoutError(f"{event} #{count} did not arrive (got {self.count(event)}; closed={self.closed.is_set()})")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout=min(remaining, 1.0))

    def audio_pcm(self) -> np.ndarray:
        return ulaw_decode(bytes(self.audio))


@dataclass
class SpokenTurn:
    call_sid: str  # the carrier's reference; the gateway's own call id is found with GET /calls?call_sid=
    speech_end_at: float  # when the end of speech went out (monotonic)
    first_audio_at: float | None  # first reply audio after it
    reply_pcm: np.ndarray


async def one_utterance_call(ws_url: str, ulaw: bytes, speech_end: int, language: str,
                             trailing_silence_s: float = 1.0, timeout: float = 90,
                             auth_token: str | None = None) -> SpokenTurn:
    """A call that says one thing: greeting, the utterance (fast up to the end of speech, then at the
    real pace, so the time to the answer is measured as a caller lives it), the answer, hang up."""
    async with FakeCarrier(ws_url, language=language, auth_token=auth_token) as carrier:
        await carrier.wait_for("mark", 1, timeout=timeout)  # the greeting was sent and "played"
        greeting_bytes = len(carrier.audio)
        end_at = await carrier.send_audio(ulaw, realtime=True, realtime_from=speech_end)
        await carrier.send_silence(trailing_silence_s)
        await carrier.wait_for("mark", 2, timeout=timeout)
        first = next((e.at for e in carrier.events if e.event == "media" and e.at > end_at), None)
        return SpokenTurn(carrier.call_sid, end_at, first, ulaw_decode(bytes(carrier.audio[greeting_bytes:])))
