"""Speaking to the caller: the assistant's, the agent's and the prompts' words synthesised and sent as
Media Streams audio, with a mark after each reply (the carrier echoes it once the caller has heard it, and
barge-in clears what is still playing); and each turn kept in the call's transcript."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

import numpy as np

from voice.line import media_streams as ms
from voice.line.codec import SAMPLE_RATE, frames, ulaw_encode
from voice.line.tts import sentences, speakable

if TYPE_CHECKING:  # voice.line.session imports this module
    from voice.line.session import CallSession


async def say(call: CallSession, text: str, language: str, *, source: str | None, eos_at: float | None = None,
              extra: list[tuple[str, str]] | None = None,
              metrics: tuple[int, dict[str, Any]] | None = None) -> float | None:
    """Speak text (and extra parts in other languages); returns when the first audio frame went out.

    With `metrics` (a caller turn's seq and timings), the time from the end of speech to the first
    reply audio is added to that turn before the closing mark goes out."""
    if source is not None:
        await record(call, "bot", source, "\n".join([text, *(t for t, _ in extra or [])]), None)
    parts = [(s, language) for s in sentences(speakable(text, language))]
    for extra_text, extra_language in extra or []:
        parts += [(s, extra_language) for s in sentences(speakable(extra_text, extra_language))]
    first: list[float] = []
    call.speaking = asyncio.create_task(_play(call, parts, first, eos_at, metrics))
    await asyncio.wait({call.speaking})
    return first[0] if first else None


async def _play(call: CallSession, parts: list[tuple[str, str]], first: list[float], eos_at: float | None = None,
                metrics: tuple[int, dict[str, Any]] | None = None) -> None:
    tts = call.services.tts
    sent_s = 0.0
    start = time.monotonic()
    for sentence, language in parts:
        pcm = await tts.synthesize_async(sentence, language)
        pcm = np.concatenate([pcm, np.zeros(SAMPLE_RATE // 5, np.int16)])  # a short pause between sentences
        for frame in frames(ulaw_encode(pcm)):
            await call.send(ms.media(call.start.stream_sid, frame))
            if not first:
                first.append(time.monotonic())
        sent_s += len(pcm) / SAMPLE_RATE
    if metrics and first and eos_at:
        seq, values = metrics
        values = {**values, "eos_to_first_audio_ms": round((first[0] - eos_at) * 1000)}
        await asyncio.to_thread(call.services.store.set_metrics, call.call_id, seq, values)
    call.mark_counter += 1
    name = f"reply-{call.mark_counter}"
    call.marks.add(name)
    await call.send(ms.mark(call.start.stream_sid, name))
    # Silence is counted from when the caller has heard the reply, not from when it was sent.
    call.quiet_since = max(call.quiet_since, start + sent_s)


async def record(call: CallSession, speaker: str, source: str, text: str, metrics: dict[str, Any] | None) -> int:
    """One turn of the call's transcript. No intent: Rasa keeps the one it read on its own record of the call."""
    call.seq += 1
    seq = call.seq
    await asyncio.to_thread(call.services.store.add_turn, call.call_id, seq, speaker, source, text, None, metrics)
    return seq
