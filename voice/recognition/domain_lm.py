"""A small language model of what callers say to this assistant, to choose among Whisper's hypotheses.

Whisper's beam search keeps several hypotheses; the best-scoring one is not always the one a caller of
an insurer said (锅鱼 for 喂你好, "length of paint" for "link to pay"). Each hypothesis is rescored
with an interpolated trigram model of the assistant's own training sentences (nlu_data/<language>),
characters for Mandarin, words for English: Whisper's per-token log-probability plus a weight times
the domain model's per-unit log-probability. Unseen text is not forbidden, only less likely.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from voice.recognition.lexicon import training_sentences
from voice.settings import ROOT

ORDER = 3
BOS, EOS = "<s>", "</s>"
_EN_WORD = re.compile(r"[a-z0-9']+")
_ZH_UNIT = re.compile(r"[\u4e00-\u9fff]|[a-z]+|\d+")


def units(text: str, language: str) -> list[str]:
    """Characters (Mandarin, with Latin words and digit runs as one unit each) or words (English)."""
    lowered = text.lower()
    return _ZH_UNIT.findall(lowered) if language == "zh" else _EN_WORD.findall(lowered)


@dataclass
class DomainLanguageModel:
    """Witten-Bell interpolated n-gram model with a uniform floor over a generous vocabulary."""

    vocabulary_size: int
    counts: list[Counter[tuple[str, ...]]] = field(default_factory=lambda: [Counter() for _ in range(ORDER)])
    context_counts: list[Counter[tuple[str, ...]]] = field(default_factory=lambda: [Counter() for _ in range(ORDER)])
    followers: list[Counter[tuple[str, ...]]] = field(default_factory=lambda: [Counter() for _ in range(ORDER)])

    def add(self, tokens: list[str]) -> None:
        padded = [BOS] * (ORDER - 1) + tokens + [EOS]
        for i in range(ORDER - 1, len(padded)):
            for n in range(ORDER):  # n = context length
                context = tuple(padded[i - n:i])
                gram = (*context, padded[i])
                if self.counts[n][gram] == 0:
                    self.followers[n][context] += 1
                self.counts[n][gram] += 1
                self.context_counts[n][context] += 1

    def probability(self, context: tuple[str, ...], token: str) -> float:
        p = 1.0 / self.vocabulary_size
        for n in range(ORDER):
            ctx = context[len(context) - n:] if n else ()
            seen = self.context_counts[n][ctx]
            if not seen:
                continue
            distinct = self.followers[n][ctx]
            p = (self.counts[n][(*ctx, token)] + distinct * p) / (seen + distinct)
        return p

    def mean_logprob(self, tokens: list[str]) -> float:
        """Average natural-log probability per unit, end of sentence included."""
        padded = [BOS] * (ORDER - 1) + tokens + [EOS]
        total = sum(math.log(self.probability(tuple(padded[i - ORDER + 1:i]), padded[i]))
                    for i in range(ORDER - 1, len(padded)))
        return total / (len(padded) - ORDER + 1)


@lru_cache(maxsize=2)
def domain_model(language: str) -> DomainLanguageModel:
    # Room for what the training data never has: common Chinese characters, or English words.
    model = DomainLanguageModel(vocabulary_size=6000 if language == "zh" else 20000)
    for sentence in training_sentences(ROOT / "nlu_data" / language):
        tokens = units(sentence, language)
        if tokens:
            model.add(tokens)
    return model
