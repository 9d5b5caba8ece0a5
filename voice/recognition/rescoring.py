"""Choosing among Whisper's beam-search hypotheses with the domain language model (domain_lm.py).

faster-whisper keeps only the best hypothesis of its beam. `RescoringDecoder` stands in for the
CTranslate2 model inside a `WhisperModel`: it asks the beam search for all of its hypotheses, scores
each as Whisper's per-token log-probability plus a weight times the domain model's per-unit
log-probability of the cleaned text, and hands faster-whisper the results best first, so the rest of
faster-whisper (its VAD, segments, thresholds) runs unchanged.

For Mandarin an `AcousticCheck` (acoustic_check.py) may then put a sound-alike sentence in the
assistant's words first, when Whisper, reading it against the same encoder output, and the domain model
together prefer it to the chosen hypothesis.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from voice.recognition.domain_lm import domain_model, units
from voice.recognition.vocabulary import clean_transcript

logger = logging.getLogger(__name__)

# A hypothesis much shorter than the beam's best has dropped words; a language model of short
# requests would like it for being short (…算不算意外，条款我看不懂 -> …算不算意外).
MIN_LENGTH_RATIO = 0.75
# Whisper base mishears short colloquial replies on the phone (算了算了 -> 站了善雷, 对对就是这个 -> 妹妹就是这个);
# with these replies as its context it finds them. As a prompt for every utterance the same words made
# other sentences worse, so that reading is only one more candidate for the acoustic check, for
# transcripts of at most SHORT_REPLY characters.
REPLY_CONTEXT = "嗯，好的。对，是的。不是。算了。谢谢。"
SHORT_REPLY = 8


@dataclass
class Ranked:
    """The fields faster-whisper reads from a CTranslate2 WhisperGenerationResult, best first."""

    sequences: list[list[str]]
    sequences_ids: list[list[int]]
    scores: list[float]
    no_speech_prob: float
    best_text: str = ""  # the first hypothesis cleaned (vocabulary.py), as the domain model read it


class RescoringDecoder:
    def __init__(self, inner: Any, tokenizer_for: Callable[[str], Any], weight: float,
                 check: Callable[[Any], Any] | None = None) -> None:
        self.inner = inner
        self.tokenizer_for = tokenizer_for  # language -> faster_whisper.tokenizer.Tokenizer
        self.weight = weight
        self.language: str | None = None  # set per transcription (one worker thread transcribes)
        self._tokenizers: dict[str, Any] = {}
        # Builds the Mandarin AcousticCheck from this decoder (None: no check), on first use.
        self._make_check = check
        self._check: Any = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def generate(self, encoder_output: Any, prompts: list[list[int]], **kwargs: Any) -> Any:
        beam = int(kwargs.get("beam_size", 1))
        if self.language is None or beam < 2 or self.weight <= 0:
            return self.inner.generate(encoder_output, prompts, **kwargs)
        results = self.inner.generate(encoder_output, prompts, **{**kwargs, "num_hypotheses": beam})
        ranked = [self.rerank(result, self.language) for result in results]
        if self.language == "zh" and self._make_check is not None and len(ranked) == 1:
            ranked[0] = self.checked(ranked[0], encoder_output, list(prompts[0]), kwargs)
        return ranked

    def reply_reading(self, encoder_output: Any, prompt: list[int], kwargs: dict[str, Any]) -> str:
        """What Whisper hears in the same audio when its context is a few short spoken replies (the way
        faster-whisper passes an initial prompt: before the start-of-transcript tokens)."""
        tokenizer = self._tokenizers["zh"]
        primed = [tokenizer.sot_prev, *tokenizer.encode(" " + REPLY_CONTEXT), *prompt]
        result = self.inner.generate(encoder_output, [primed], **{**kwargs, "num_hypotheses": 1})[0]
        return clean_transcript(tokenizer.decode(result.sequences_ids[0]).strip(), "zh").replace(" ", "")

    def checked(self, ranked: Ranked, encoder_output: Any, prompt: list[int], kwargs: dict[str, Any]) -> Ranked:
        """The sentence the audio confirms first (with the chosen hypothesis's score), if any: a sound-alike
        in the assistant's words or, for a short reply, Whisper's reading with replies as its context."""
        if self._check is None:
            self._check = self._make_check(self)  # type: ignore[misc]
        heard = ranked.best_text
        # Silence and noise pay no second reading.
        short = bool(heard) and len(units(heard, "zh")) <= SHORT_REPLY
        readings = [self.reply_reading(encoder_output, prompt, kwargs)] if short else []
        better = self._check.better_sentence(encoder_output, prompt, heard, readings)
        if better is None:
            return ranked
        logger.debug("the audio confirms %r over %r", better, heard)
        ids = self._tokenizers["zh"].encode(better)
        return Ranked([[str(i) for i in ids], *ranked.sequences], [ids, *ranked.sequences_ids],
                      [ranked.scores[0], *ranked.scores], ranked.no_speech_prob, better)

    def rerank(self, result: Any, language: str) -> Ranked:
        if language not in self._tokenizers:
            self._tokenizers[language] = self.tokenizer_for(language)
        tokenizer = self._tokenizers[language]
        texts = [clean_transcript(tokenizer.decode(ids).strip(), language) for ids in result.sequences_ids]
        tokens = [units(text, language) for text in texts]
        model = domain_model(language)

        def combined(i: int) -> float:
            if not texts[i] or len(tokens[i]) < MIN_LENGTH_RATIO * len(tokens[0]):
                return float("-inf") if i else float(result.scores[0]) - 1e6  # the first stays a fallback
            return float(result.scores[i]) + self.weight * model.mean_logprob(tokens[i])

        order = sorted(range(len(texts)), key=combined, reverse=True)
        if order[0] != 0:
            logger.debug("domain model chose %r over %r", texts[order[0]], texts[0])
        # faster-whisper judges whether there was speech at all by the first score (with no_speech_prob > 0.6,
        # an average log-probability under -1 drops the segment): that is Whisper's confidence in what it
        # heard, its beam's best, not the lower score of the hypothesis the domain model preferred (不是不是
        # on the phone line vanished when 不需不需要 was chosen over 不是不秀).
        scores = [result.scores[0], *(result.scores[i] for i in order[1:])]
        return Ranked([result.sequences[i] for i in order], [result.sequences_ids[i] for i in order],
                      scores, result.no_speech_prob, texts[order[0]])
