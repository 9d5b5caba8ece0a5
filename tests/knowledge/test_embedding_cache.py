"""The embedding cache keeps what a stopped process computed (a cold cache takes minutes to fill)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from knowledge import embedding_cache
from knowledge.embedding_cache import EmbeddingCache, encode_cached


class CountingEncoder:
    """Stands in for an embedding model: a text's vector is its length; it can be made to stop midway."""

    name = "counting"

    def __init__(self, fail_after: int | None = None) -> None:
        self.encoded: list[str] = []
        self.fail_after = fail_after

    def encode(self, texts: list[str], kind: str) -> np.ndarray:
        if self.fail_after is not None and len(self.encoded) >= self.fail_after:
            raise RuntimeError("stopped")
        self.encoded += texts
        return np.array([[len(t), 1.0] for t in texts], dtype=np.float32)


def test_a_stopped_fill_keeps_its_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedding_cache, "CHUNK", 3)
    texts = [f"text {'x' * i}" for i in range(10)]
    cache = EmbeddingCache(tmp_path / "vectors.sqlite")
    with pytest.raises(RuntimeError):
        encode_cached(CountingEncoder(fail_after=6), texts, "passage", cache)
    resumed = CountingEncoder()
    vectors = encode_cached(resumed, texts, "passage", cache)
    assert len(resumed.encoded) == 4  # the first two chunks (6 texts) were kept
    assert vectors.tolist() == [[len(t), 1.0] for t in texts]
