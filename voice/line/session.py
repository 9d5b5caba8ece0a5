"""One phone call: audio in, the assistant's answers spoken back.

Transport-agnostic: the WebSocket handler feeds it carrier events (media, dtmf, mark) and gives it a
`send` function for outgoing Media Streams messages. A worker task takes finished utterances and
keypad entries in order; speech from the caller while a reply plays clears the reply (barge-in).

The session holds the call's state and its carrier events; the parts of the call are modules of their own,
each given the session: hearing the caller (voice/line/hearing.py), the dialogue with the assistant
(voice/line/dialogue.py), speaking to the caller (voice/line/speaking.py), the handoff to a person
(voice/line/handoff.py) and the hold until the agent hands the call back (voice/line/hold.py). The agent's
console audio (voice/line/agent_audio.py) reaches the call through agent_speaks and agent_hangs_up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Awaitable, Callable

from voice.line import media_streams as ms
from voice.line.assistant import Assistant
from voice.line.codec import FRAME_MS, FRAME_SAMPLES, SAMPLE_RATE, frames, ulaw_decode
from voice.line.dialogue import choose_language, on_keypad
from voice.line.hearing import Speculation, on_utterance, speculate
from voice.line.hub import HandoffHub
from voice.line.prompts import prompt
from voice.line.speaking import say
from voice.line.transcripts import TranscriptStore
from voice.line.tts import SpeechSynthesizer
from voice.line.vad import StreamingVad, Utterance, VadConfig
from voice.recognition.asr import SpeechRecognizer
from voice.settings import Settings

if TYPE_CHECKING:  # voice.line.agent_audio imports this module
    from voice.line.agent_audio import AgentLine

logger = logging.getLogger(__name__)


@dataclass
class Services:
    """What every call shares: loaded once per process."""

    settings: Settings
    asr: SpeechRecognizer
    tts: SpeechSynthesizer
    assistant: Assistant
    hub: HandoffHub
    store: TranscriptStore
    active: dict[str, CallSession] = field(default_factory=dict)
    # Media Streams connections and /utterance requests being served (VOICE_MAX_CALLS bounds it); counted
    # from the upgrade, not from `start`, so connections that never say who they are still count.
    lines: int = 0
    calls_total: int = 0
    max_buffered_s: float = 0.0
    end_reasons: dict[str, int] = field(default_factory=dict)


@dataclass
class _Keypad:
    digits: str


class CallSession:
    def __init__(self, services: Services, start: ms.Start, send: Callable[[str], Awaitable[None]],
                 hangup: Callable[[], Awaitable[None]], call_id: str) -> None:
        self.services = services
        self.settings = services.settings
        self.start = start
        self.call_id = call_id  # ours (voice.security.new_call_id): Rasa sender, transcript and hub conversation
        self.send = send  # Media Streams messages to the carrier
        self._hangup = hangup
        self.vad = StreamingVad(VadConfig(end_silence_ms=self.settings.end_silence_ms,
                                          max_utterance_s=self.settings.max_utterance_s))
        self.language: str | None = None
        self.state = "menu"  # menu | talk | confirm | hold | agent | ended
        self.queue: asyncio.Queue[Any] = asyncio.Queue()
        self.queued_pieces = 0  # cut pieces of a monologue waiting for the recogniser
        self.buttons: list[dict[str, str]] = []
        self.pending_text: str | None = None
        self.partial: list[str] = []
        self.keypad = ""
        self.keypad_timer: asyncio.TimerHandle | None = None
        self.speaking: asyncio.Task[None] | None = None
        self.marks: set[str] = set()
        self.mark_counter = 0
        self.seq = 0
        self.started_at = time.monotonic()
        self.quiet_since = time.monotonic()
        self.silence_prompts = 0
        self.last_loud_at = time.monotonic()
        self.first_audio_at: float | None = None
        self.handoff_request_id: str | None = None
        self.hold_choices = False  # the hub escalated the wait: 1 = call me back, 2 = keep holding
        self.speculation: Speculation | None = None
        self.tasks: list[asyncio.Task[Any]] = []
        self.pieces_dropped = 0
        self.end_reason = "stopped"
        self.agent_line: AgentLine | None = None  # the console's audio, while the agent takes the call by voice
        self._closed = False

    # ---- carrier events (called by the WebSocket handler) --------------------------------------

    async def begin(self) -> None:
        await asyncio.to_thread(self.services.store.start_call, self.call_id, self.start.call_sid, self.start.stream_sid,
                                self.start.custom.get("from"), self.start.custom.get("to"))
        language = self.start.custom.get("language") or self.settings.number_languages.get(
            self.start.custom.get("to", ""))
        self.tasks.append(asyncio.create_task(self._work(), name=f"call-{self.call_id}"))
        if language in ("zh", "en"):
            await self.queue.put(("language", language))
        else:
            await self.queue.put(("menu", None))

    async def on_media(self, ulaw: bytes) -> None:
        if self.agent_line is not None:
            self.agent_line.hear(ulaw)  # and recognised below as ever: the transcript keeps running
        pcm = ulaw_decode(ulaw)
        for offset in range(0, len(pcm), FRAME_SAMPLES):
            started, utterance = self.vad.feed(pcm[offset:offset + FRAME_SAMPLES])
            if self.vad.last_frame_loud:
                self.last_loud_at = time.monotonic()
            if self.vad.in_speech:
                self.quiet_since = time.monotonic()  # a caller who is talking is not silent
            if started:
                self.quiet_since = time.monotonic()
                await self._barge_in()
            if utterance is not None:
                self._put(utterance)
            elif 0 < self.settings.speculate_after_ms == self.vad.quiet_ms and self.language:
                speculate(self)
        buffered = self.vad.buffered_samples / SAMPLE_RATE
        self.services.max_buffered_s = max(self.services.max_buffered_s, buffered)

    async def on_dtmf(self, digit: str) -> None:
        self.quiet_since = time.monotonic()
        await self._barge_in()
        if self.state == "menu" and digit in "12":
            self._put(("language", "zh" if digit == "1" else "en"))
            return
        if digit == "#":
            self._flush_keypad()
            return
        self.keypad += digit
        if len(self.keypad) > 32:  # nobody keys 32 digits; keep it bounded
            self.keypad = self.keypad[-32:]
        if self.keypad_timer:
            self.keypad_timer.cancel()
        self.keypad_timer = asyncio.get_running_loop().call_later(self.settings.keypad_pause_s, self._flush_keypad)

    def on_mark(self, name: str) -> None:
        self.marks.discard(name)

    # ---- the agent's console audio (voice.line.agent_audio) ------------------------------------------

    async def agent_speaks(self, ulaw: bytes) -> None:
        """The agent's microphone, as mu-law from the console, straight to the caller."""
        if self.state == "agent":
            for frame in frames(ulaw):
                await self.send(ms.media(self.start.stream_sid, frame))

    async def agent_hangs_up(self) -> None:
        await self._end("agent_hung_up")

    async def close(self, reason: str) -> None:
        """Free everything the call holds; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        self.state = "ended"
        if self.agent_line is not None:
            self.agent_line.end()
        if self.keypad_timer:
            self.keypad_timer.cancel()
        for task in [*self.tasks, *([self.speaking] if self.speaking else [])]:
            task.cancel()
        await asyncio.gather(*self.tasks, *([self.speaking] if self.speaking else []), return_exceptions=True)
        self.vad = StreamingVad()  # drop buffered audio
        with contextlib.suppress(Exception):
            await asyncio.to_thread(self.services.store.end_call, self.call_id, self.end_reason if reason == "stopped"
                                    else reason, self.handoff_request_id)

    # ---- internals -----------------------------------------------------------------------------

    def _put(self, item: Any) -> None:
        if isinstance(item, Utterance) and item.cut:
            # A monologue faster than the recogniser: drop pieces rather than queue audio without bound
            # (the message is capped at hearing.MAX_MESSAGE_CHARS anyway). Whole utterances are never dropped.
            if self.queued_pieces >= 3:
                self.pieces_dropped += 1
                return
            self.queued_pieces += 1
        self.queue.put_nowait(item)

    def _flush_keypad(self) -> None:
        if self.keypad_timer:
            self.keypad_timer.cancel()
            self.keypad_timer = None
        if self.keypad:
            self._put(_Keypad(self.keypad))
            self.keypad = ""

    @property
    def playing(self) -> bool:
        return bool(self.marks) or (self.speaking is not None and not self.speaking.done())

    async def _barge_in(self) -> None:
        if not self.playing:
            return
        if self.speaking and not self.speaking.done():
            self.speaking.cancel()
        self.marks.clear()
        await self.send(ms.clear(self.start.stream_sid))

    async def _work(self) -> None:
        while True:
            try:
                # asyncio.timeout, not wait_for: on Python 3.11 wait_for swallows a cancel that lands as
                # the queue hands over an item, and close() would then wait on this task for ever.
                async with asyncio.timeout(0.5):
                    item = await self.queue.get()
            except TimeoutError:
                await self._on_idle()
                continue
            try:
                await self._handle(item)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("call %s: failed to handle %r", self.call_id, type(item).__name__)

    async def _handle(self, item: Any) -> None:
        if isinstance(item, Utterance):
            if item.cut:
                self.queued_pieces -= 1
            await on_utterance(self, item)
        elif isinstance(item, _Keypad):
            await on_keypad(self, item.digits)
        elif item[0] == "language":
            await choose_language(self, item[1], welcome=True)
        elif item[0] == "menu":
            await say(self, prompt("menu", "zh"), "zh", source="prompt", extra=[(prompt("menu", "en"), "en")])

    async def _on_idle(self) -> None:
        now = time.monotonic()
        if now - self.started_at > self.settings.max_call_s:
            await self._end("max_duration")
            return
        if self.playing or self.vad.in_speech or self.state in ("hold", "agent"):
            return
        if self.state == "menu" and now - self.quiet_since > self.settings.menu_timeout_s:
            await choose_language(self, "zh", welcome=True)  # Chinese first
            return
        if now - self.quiet_since > self.settings.silence_timeout_s:
            self.silence_prompts += 1
            if self.silence_prompts >= 2:
                await say(self, prompt("goodbye_silent", self.language or "zh"), self.language or "zh", source="prompt")
                await self._end("silence")
            else:
                await say(self, prompt("still_there", self.language or "zh"), self.language or "zh", source="prompt")

    async def _end(self, reason: str) -> None:
        self.end_reason = reason
        self.state = "ended"
        await self._hangup()

    @property
    def frame_ms(self) -> int:
        return FRAME_MS
