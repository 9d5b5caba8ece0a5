"""Hearing the caller: each utterance the voice activity detector closes is recognised in the call's language
(chosen from the first one's speech if the menu did not set it), the pieces of a monologue joined, and the
text handed to the dialogue (voice/line/dialogue.py). Recognition may start at the first short pause, so
the transcript is (nearly) ready when that pause turns out to be the end."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from privacy.numbers import mask_text
from voice.line.codec import to_whisper
from voice.line.dialogue import choose_language, on_text
from voice.line.prompts import prompt
from voice.line.speaking import say
from voice.line.vad import Utterance
from voice.metrics import ASR_SECONDS
from voice.recognition.asr import Transcript

if TYPE_CHECKING:  # voice.line.session imports this module
    from voice.line.session import CallSession

MAX_MESSAGE_CHARS = 1000  # what Rasa accepts; a monologue's later pieces are not transcribed


@dataclass
class Speculation:
    """A transcription started early, after a short pause; used if the pause turns out to be the end."""

    task: asyncio.Future[Any]
    last_voiced_frame: int
    language: str


def speculate(call: CallSession) -> None:
    """Start recognising at the first short pause: when the pause becomes the end of the utterance
    the transcript is (nearly) ready, instead of starting only then."""
    if call.speculation is not None and not call.speculation.task.done():
        return  # one at a time: the recogniser is a single worker
    audio = to_whisper(call.vad.snapshot())
    task = asyncio.ensure_future(call.services.asr.transcribe_async(audio, call.language or "zh"))
    task.add_done_callback(lambda t: t.cancelled() or t.exception())
    call.speculation = Speculation(task, call.vad.last_voiced_frame, call.language or "zh")


async def on_utterance(call: CallSession, utterance: Utterance) -> None:
    eos_at = call.last_loud_at if not utterance.cut else time.monotonic()
    audio = to_whisper(utterance.pcm)
    if call.language is None:
        if len(utterance.pcm) == 0:
            return
        detected = await call.services.asr.detect_language_async(audio)
        await choose_language(call, detected or "zh", welcome=False)
    assert call.language is not None
    if utterance.cut and sum(len(p) for p in call.partial) > MAX_MESSAGE_CHARS:
        return  # a monologue: the message is already too long, transcribing more changes nothing
    speculation, call.speculation = call.speculation, None
    if len(utterance.pcm) == 0:
        transcript = Transcript("", "", call.language, 0.0, 0.0)  # the end of a monologue cut at the cap
    elif (speculation and not utterance.cut and speculation.language == call.language
            and speculation.last_voiced_frame == utterance.last_voiced_frame):
        transcript = await speculation.task  # nobody spoke after the pause it started at
        if not transcript.text:
            # The speculative run heard only up to the first short pause; Whisper may judge a short reply that
            # ends there no speech (不是不是 did). The whole utterance, with its trailing quiet, gets a run.
            transcript = await call.services.asr.transcribe_async(audio, call.language)
    else:
        transcript = await call.services.asr.transcribe_async(audio, call.language)
    ASR_SECONDS.observe(transcript.seconds)
    metrics = {"audio_s": round(utterance.seconds, 2), "asr_ms": round(transcript.seconds * 1000),
               "eos_to_transcript_ms": round((time.monotonic() - eos_at) * 1000),
               "raw": mask_text(transcript.raw)}
    if utterance.cut:
        if transcript.text:
            call.partial.append(transcript.text)
        return
    text = (" " if call.language == "en" else "").join([*call.partial, transcript.text]).strip()
    call.partial = []
    if not text:
        if utterance.seconds >= 0.8 and call.state in ("talk", "confirm"):
            await say(call, prompt("not_heard", call.language), call.language, source="prompt")
        return
    call.quiet_since = time.monotonic()
    call.silence_prompts = 0
    await on_text(call, text, "speech", metrics, eos_at)
