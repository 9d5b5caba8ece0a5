"""One phone call: audio in, the assistant's answers spoken back.

Transport-agnostic: the WebSocket handler feeds it carrier events (media, dtmf, mark) and gives it a
`send` function for outgoing Media Streams messages. A worker task takes finished utterances and
keypad entries in order; speech from the caller while a reply plays clears the reply (barge-in).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Awaitable, Callable

import numpy as np

from privacy.numbers import mask_text
from voice import media_streams as ms
from voice.asr import SpeechRecognizer, Transcript
from voice.assistant import Assistant, AssistantUnavailable
from voice.codec import FRAME_MS, FRAME_SAMPLES, SAMPLE_RATE, frames, to_whisper, ulaw_decode, ulaw_encode
from voice.hub import HandoffHub, NoHub
from voice.metrics import ASR_SECONDS
from voice.prompts import hold_prompt, prompt, spoken_options
from voice.settings import Settings
from voice.transcripts import TranscriptStore
from voice.tts import SpeechSynthesizer, sentences, speakable
from voice.vad import StreamingVad, Utterance, VadConfig
from voice.vocabulary import keypad_to_text, spell_number

if TYPE_CHECKING:  # voice.agent_audio imports this module
    from voice.agent_audio import AgentLine

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 1000  # what Rasa accepts; a monologue's later pieces are not transcribed
_CONFIRM_NUMBER = re.compile(r"(?<![A-Za-z0-9])(?:(?:HL|AU|LF|AC|CL)\d{4,}|\d{6,})(?![0-9])")
_YES = re.compile(r"^(?:是|是的|对|对的|没错|正确|确认|好|好的|嗯|yes|yeah|yep|correct|right|that's right|sure)\b|^(?:是|对|好)",
                  re.IGNORECASE)
_NO = re.compile(r"^(?:不|不是|不对|错|错了|no|nope|wrong|not)\b|^(?:不|错)", re.IGNORECASE)


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


@dataclass
class _Speculation:
    """A transcription started early, after a short pause; used if the pause turns out to be the end."""

    task: asyncio.Future[Any]
    last_voiced_frame: int
    language: str


def numbers_to_confirm(text: str) -> list[str]:
    """Numbers worth reading back: policy/claim numbers and long digit strings (phones)."""
    return _CONFIRM_NUMBER.findall(text)


class CallSession:
    def __init__(self, services: Services, start: ms.Start, send: Callable[[str], Awaitable[None]],
                 hangup: Callable[[], Awaitable[None]], call_id: str) -> None:
        self.services = services
        self.settings = services.settings
        self.start = start
        self.call_id = call_id  # ours (voice.security.new_call_id): Rasa sender, transcript and hub conversation
        self._send = send
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
        self.speculation: _Speculation | None = None
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
                self._speculate()
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

    # ---- the agent's console audio (voice.agent_audio) ------------------------------------------

    async def agent_speaks(self, ulaw: bytes) -> None:
        """The agent's microphone, as mu-law from the console, straight to the caller."""
        if self.state == "agent":
            for frame in frames(ulaw):
                await self._send(ms.media(self.start.stream_sid, frame))

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
            # (the message is capped at MAX_MESSAGE_CHARS anyway). Whole utterances are never dropped.
            if self.queued_pieces >= 3:
                self.pieces_dropped += 1
                return
            self.queued_pieces += 1
        self.queue.put_nowait(item)

    def _speculate(self) -> None:
        """Start recognising at the first short pause: when the pause becomes the end of the utterance
        the transcript is (nearly) ready, instead of starting only then."""
        if self.speculation is not None and not self.speculation.task.done():
            return  # one at a time: the recogniser is a single worker
        audio = to_whisper(self.vad.snapshot())
        task = asyncio.ensure_future(self.services.asr.transcribe_async(audio, self.language or "zh"))
        task.add_done_callback(lambda t: t.cancelled() or t.exception())
        self.speculation = _Speculation(task, self.vad.last_voiced_frame, self.language or "zh")

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
        await self._send(ms.clear(self.start.stream_sid))

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
            await self._on_utterance(item)
        elif isinstance(item, _Keypad):
            await self._on_keypad(item.digits)
        elif item[0] == "language":
            await self._choose_language(item[1], welcome=True)
        elif item[0] == "menu":
            await self._say(prompt("menu", "zh"), "zh", source="prompt", extra=[(prompt("menu", "en"), "en")])

    async def _on_idle(self) -> None:
        now = time.monotonic()
        if now - self.started_at > self.settings.max_call_s:
            await self._end("max_duration")
            return
        if self.playing or self.vad.in_speech or self.state in ("hold", "agent"):
            return
        if self.state == "menu" and now - self.quiet_since > self.settings.menu_timeout_s:
            await self._choose_language("zh", welcome=True)  # Chinese first
            return
        if now - self.quiet_since > self.settings.silence_timeout_s:
            self.silence_prompts += 1
            if self.silence_prompts >= 2:
                await self._say(prompt("goodbye_silent", self.language or "zh"), self.language or "zh", source="prompt")
                await self._end("silence")
            else:
                await self._say(prompt("still_there", self.language or "zh"), self.language or "zh", source="prompt")

    async def _end(self, reason: str) -> None:
        self.end_reason = reason
        self.state = "ended"
        await self._hangup()

    async def _choose_language(self, language: str, *, welcome: bool) -> None:
        if self.language is not None:
            return
        self.language = language
        self.state = "talk"
        await asyncio.to_thread(self.services.store.set_language, self.call_id, language)
        try:
            await self.services.assistant.set_language(self.call_id, language)
        except AssistantUnavailable:
            logger.warning("call %s: could not set the language slot", self.call_id)
        if welcome:
            await self._say(prompt("welcome", language), language, source="prompt")

    async def _on_utterance(self, utterance: Utterance) -> None:
        eos_at = self.last_loud_at if not utterance.cut else time.monotonic()
        audio = to_whisper(utterance.pcm)
        if self.language is None:
            if len(utterance.pcm) == 0:
                return
            detected = await self.services.asr.detect_language_async(audio)
            await self._choose_language(detected or "zh", welcome=False)
        assert self.language is not None
        if utterance.cut and sum(len(p) for p in self.partial) > MAX_MESSAGE_CHARS:
            return  # a monologue: the message is already too long, transcribing more changes nothing
        speculation, self.speculation = self.speculation, None
        if len(utterance.pcm) == 0:
            transcript = Transcript("", "", self.language, 0.0, 0.0)  # the end of a monologue cut at the cap
        elif (speculation and not utterance.cut and speculation.language == self.language
                and speculation.last_voiced_frame == utterance.last_voiced_frame):
            transcript = await speculation.task  # nobody spoke after the pause it started at
            if not transcript.text:
                # The speculative run heard only up to the first short pause; Whisper may judge a short reply that
                # ends there no speech (不是不是 did). The whole utterance, with its trailing quiet, gets a run.
                transcript = await self.services.asr.transcribe_async(audio, self.language)
        else:
            transcript = await self.services.asr.transcribe_async(audio, self.language)
        ASR_SECONDS.observe(transcript.seconds)
        metrics = {"audio_s": round(utterance.seconds, 2), "asr_ms": round(transcript.seconds * 1000),
                   "eos_to_transcript_ms": round((time.monotonic() - eos_at) * 1000),
                   "raw": mask_text(transcript.raw)}
        if utterance.cut:
            if transcript.text:
                self.partial.append(transcript.text)
            return
        text = (" " if self.language == "en" else "").join([*self.partial, transcript.text]).strip()
        self.partial = []
        if not text:
            if utterance.seconds >= 0.8 and self.state in ("talk", "confirm"):
                await self._say(prompt("not_heard", self.language), self.language, source="prompt")
            return
        self.quiet_since = time.monotonic()
        self.silence_prompts = 0
        await self._on_text(text, "speech", metrics, eos_at)

    async def _on_keypad(self, digits: str) -> None:
        language = self.language or "zh"
        self.silence_prompts = 0
        if self.state == "hold" and self.hold_choices and digits in ("1", "2"):
            await self._hold_choice("callback" if digits == "1" else "wait")
            return
        if self.state == "confirm" and digits in ("1", "2"):
            await self._on_text("yes" if digits == "1" else "no", "keypad", {}, time.monotonic(), keyed_answer=True)
            return
        if self.state == "talk" and len(digits) == 1 and self.buttons and 1 <= int(digits) <= len(self.buttons):
            button = self.buttons[int(digits) - 1]
            await self._to_assistant(button["payload"], "keypad", {}, time.monotonic(), shown=button["title"])
            return
        if self.state not in ("talk", "confirm"):
            return
        text = keypad_to_text(digits)
        if len(text) < 4:
            await self._to_assistant(text, "keypad", {}, time.monotonic())
            return
        self.pending_text, self.state = text, "confirm"
        await self._say(prompt("read_back_keypad", language, spelled=spell_number(text, language)), language,
                        source="prompt")

    async def _on_text(self, text: str, source: str, metrics: dict[str, Any], eos_at: float,
                       keyed_answer: bool = False) -> None:
        language = self.language or "zh"
        if self.state in ("hold", "agent"):
            # With the hub now: what the caller says goes to the agent (or waits in the transcript).
            await self._record("caller", source, text, None, metrics)
            await self.services.hub.send_message(self.call_id, text, f"{self.call_id}-{self.seq}")
            return
        if self.state == "confirm" and self.pending_text is not None:
            numbers = [] if keyed_answer else numbers_to_confirm(text)
            if not numbers and _YES.search(text.strip()):
                pending, self.pending_text, self.state = self.pending_text, None, "talk"
                await self._record("caller", source, text, None, metrics)
                await self._to_assistant(pending, "confirmed", {}, eos_at)
                return
            if not numbers and _NO.search(text.strip()):
                self.pending_text, self.state = None, "talk"
                await self._record("caller", source, text, None, metrics)
                await self._say(prompt("number_again", language), language, source="prompt")
                return
            if not numbers:
                await self._record("caller", source, text, None, metrics)
                await self._read_back(self.pending_text, eos_at)
                return
        numbers = numbers_to_confirm(text)
        if numbers and source == "speech":
            self.pending_text, self.state = text, "confirm"
            await self._record("caller", source, text, None, metrics)
            await self._read_back(text, eos_at, metrics)
            return
        await self._to_assistant(text, source, metrics, eos_at)

    async def _read_back(self, text: str, eos_at: float, metrics: dict[str, Any] | None = None) -> None:
        language = self.language or "zh"
        spelled = "，".join(spell_number(n, language) for n in numbers_to_confirm(text))
        await self._say(prompt("read_back", language, spelled=spelled), language, source="prompt", eos_at=eos_at)

    async def _to_assistant(self, text: str, source: str, metrics: dict[str, Any], eos_at: float, *,
                            shown: str | None = None) -> None:
        language = self.language or "zh"
        try:
            reply = await self.services.assistant.send(self.call_id, text, language)
        except AssistantUnavailable as exc:
            logger.warning("call %s: assistant unavailable: %s", self.call_id, exc)
            await self._record("caller", source, shown or text, None, metrics)
            await self._say(prompt("assistant_down", language), language, source="prompt")
            return
        self.buttons = reply.buttons
        # Recorded before speaking: a caller who hangs up during the answer still has the turn on record.
        caller_seq = await self._record("caller", source, shown or text, reply.intent, metrics)
        await self._record("bot", "assistant", reply.text, None,
                           {"handoff": reply.handoff_reason} if reply.handoff_reason else None)
        spoken = reply.text
        if reply.buttons:
            spoken += "\n" + spoken_options([b["title"] for b in reply.buttons], language)
        await self._say(spoken, language, source=None, eos_at=eos_at,
                        metrics=(caller_seq, metrics) if metrics else None)
        if reply.handoff_reason:
            await self._transfer(reply.handoff_reason)

    async def _transfer(self, reason: str) -> None:
        hub = self.services.hub
        language = self.language or "zh"
        if isinstance(hub, NoHub):
            return  # the assistant has already given the hotline
        transcript = await asyncio.to_thread(self.services.store.call, self.call_id)
        summary = [{"speaker": "customer" if t["speaker"] == "caller" else "bot", "text": t["text"]}
                   for t in (transcript or {}).get("turns", [])][-40:]
        ticket = await hub.request({"conversation_id": self.call_id, "channel": "voice", "reason": reason,
                                    "language": language, "customer_id": None, "summary": summary})
        if ticket is None:
            await self._say(prompt("hold_unavailable", language), language, source="prompt")
            return
        self.handoff_request_id = ticket.request_id
        self.state = "hold"
        status = await hub.status(self.call_id)
        await self._say(hold_prompt(language, ticket.position, ticket.estimated_wait_s), language, source="prompt")
        self.tasks.append(asyncio.create_task(self._follow_hub(status.last_seq, ticket.position,
                                                               ticket.estimated_wait_s)))

    async def _follow_hub(self, after: int, position: int | None, wait_s: float | None) -> None:
        """While the call is with the hub: hold prompts with the place in the queue, then the agent's
        messages spoken to the caller, until the agent hands the call back to the assistant."""
        language = self.language or "zh"
        last_prompt = time.monotonic()
        while self.state in ("hold", "agent"):
            update = await self.services.hub.events(self.call_id, after, min(10.0, self.settings.hold_prompt_every_s))
            if update is None:
                await asyncio.sleep(2)
                continue
            for event in update.events:
                after = max(after, int(event.get("seq") or after))
                kind, sender, text = event.get("kind"), event.get("sender"), (event.get("text") or "").strip()
                if kind == "agent_joined" or (sender == "agent" and self.state == "hold"):
                    self.state = "agent"
                    await self._say(prompt("hold_connected", language), language, source="prompt")
                if sender == "agent" and text and kind != "agent_joined":
                    await self._say(text, language, source="agent")
                if kind == "escalated" and self.state == "hold":
                    self.hold_choices = True
                    await self._say(prompt("hold_busy", language), language, source="prompt")
                if kind == "choice_wait" or str(kind).startswith("callback_promised"):
                    await self._say(text, language, source="prompt")  # the hub's own words, in the call's language
                if kind in ("handed_back", "closed"):
                    self.state = "talk"
                    return
            after = max(after, update.last_seq)
            status = update.status
            if status.owner == "bot":
                self.state = "talk"
                return
            if status.owner == "agent":
                self.state = "agent"
            position = status.position if status.position is not None else position
            wait_s = status.estimated_wait_s if status.estimated_wait_s is not None else wait_s
            if self.state == "hold" and time.monotonic() - last_prompt >= self.settings.hold_prompt_every_s:
                last_prompt = time.monotonic()
                if not self.playing:
                    await self._say(hold_prompt(language, position, wait_s), language, source="prompt")

    async def _hold_choice(self, choice: str) -> None:
        """The caller's keypad answer to the escalation; a callback goes to the carrier's caller id (the hub
        says the promise, which _follow_hub speaks, and hands the call back to the assistant)."""
        language = self.language or "zh"
        result = await self.services.hub.choose(self.call_id, choice, self.start.custom.get("from"))
        if result == "ok":
            self.hold_choices = False
        elif result == "no_callback_number":
            self.hold_choices = False  # a withheld number stays withheld
            await self._say(prompt("callback_no_number", language), language, source="prompt")
        else:
            await self._say(prompt("hold_unavailable", language), language, source="prompt")

    async def _record(self, speaker: str, source: str, text: str, intent: str | None,
                      metrics: dict[str, Any] | None) -> int:
        self.seq += 1
        seq = self.seq
        await asyncio.to_thread(self.services.store.add_turn, self.call_id, seq, speaker, source, text, intent, metrics)
        return seq

    async def _say(self, text: str, language: str, *, source: str | None, eos_at: float | None = None,
                   extra: list[tuple[str, str]] | None = None,
                   metrics: tuple[int, dict[str, Any]] | None = None) -> float | None:
        """Speak text (and extra parts in other languages); returns when the first audio frame went out.

        With `metrics` (a caller turn's seq and timings), the time from the end of speech to the first
        reply audio is added to that turn before the closing mark goes out."""
        if source is not None:
            await self._record("bot", source, "\n".join([text, *(t for t, _ in extra or [])]), None, None)
        parts = [(s, language) for s in sentences(speakable(text, language))]
        for extra_text, extra_language in extra or []:
            parts += [(s, extra_language) for s in sentences(speakable(extra_text, extra_language))]
        first: list[float] = []
        self.speaking = asyncio.create_task(self._play(parts, first, eos_at, metrics))
        await asyncio.wait({self.speaking})
        return first[0] if first else None

    async def _play(self, parts: list[tuple[str, str]], first: list[float], eos_at: float | None = None,
                    metrics: tuple[int, dict[str, Any]] | None = None) -> None:
        tts = self.services.tts
        sent_s = 0.0
        start = time.monotonic()
        for sentence, language in parts:
            pcm = await tts.synthesize_async(sentence, language)
            pcm = np.concatenate([pcm, np.zeros(SAMPLE_RATE // 5, np.int16)])  # a short pause between sentences
            for frame in frames(ulaw_encode(pcm)):
                await self._send(ms.media(self.start.stream_sid, frame))
                if not first:
                    first.append(time.monotonic())
            sent_s += len(pcm) / SAMPLE_RATE
        if metrics and first and eos_at:
            seq, values = metrics
            values = {**values, "eos_to_first_audio_ms": round((first[0] - eos_at) * 1000)}
            await asyncio.to_thread(self.services.store.set_metrics, self.call_id, seq, values)
        self.mark_counter += 1
        name = f"reply-{self.mark_counter}"
        self.marks.add(name)
        await self._send(ms.mark(self.start.stream_sid, name))
        # Silence is counted from when the caller has heard the reply, not from when it was sent.
        self.quiet_since = max(self.quiet_since, start + sent_s)

    @property
    def frame_ms(self) -> int:
        return FRAME_MS
