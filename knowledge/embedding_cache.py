"""Embeddings kept on disk, so every text is embedded once per encoder, not at every start.

A small SQLite file keyed by (encoder, kind, sha256 of the text). Several processes (the policy
API, tests, the bench) may share it; SQLite serialises their writes.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import numpy as np

from knowledge.settings import KnowledgeSettings

# Texts embedded between two writes to the cache.
CHUNK = 32


def cache_path() -> Path:
    return KnowledgeSettings().embedding_cache


def _key(encoder: str, kind: str, text: str) -> str:
    return hashlib.sha256(f"{encoder}\x00{kind}\x00{text}".encode()).hexdigest()


class EmbeddingCache:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or cache_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, dim INTEGER, data BLOB)")
        self._db.commit()

    def get_many(self, encoder: str, kind: str, texts: list[str]) -> dict[str, np.ndarray]:
        keys = {_key(encoder, kind, t): t for t in texts}
        found: dict[str, np.ndarray] = {}
        key_list = list(keys)
        for start in range(0, len(key_list), 500):
            chunk = key_list[start:start + 500]
            rows = self._db.execute(
                f"SELECT key, data FROM vectors WHERE key IN ({','.join('?' * len(chunk))})", chunk).fetchall()
            for key, data in rows:
                found[keys[key]] = np.frombuffer(data, dtype=np.float32)
        return found

    def put_many(self, encoder: str, kind: str, vectors: dict[str, np.ndarray]) -> None:
        rows = [(_key(encoder, kind, t), int(v.shape[0]), np.asarray(v, dtype=np.float32).tobytes())
                for t, v in vectors.items()]
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)", rows)


def encode_cached(encoder, texts: list[str], kind: str, cache: EmbeddingCache | None) -> np.ndarray:  # noqa: ANN001
    """`encoder.encode` for many texts, computing only those the cache lacks."""
    if cache is None or not texts:
        return encoder.encode(texts, kind)
    if hasattr(encoder, "parts"):  # a mix: cache each member, so mixes share their members' vectors
        return np.hstack([scale * encode_cached(part, texts, kind, cache) for part, scale in encoder.parts])
    known = cache.get_many(encoder.name, kind, texts)
    missing = sorted({t for t in texts if t not in known})
    # Stored a chunk at a time: a process stopped halfway (tests and benches stop the API within seconds,
    # while a cold cache takes minutes of CPU to fill) keeps what it computed, and the next start goes on
    # from there instead of starting over.
    for start in range(0, len(missing), CHUNK):
        chunk = missing[start:start + CHUNK]
        new = dict(zip(chunk, encoder.encode(chunk, kind), strict=True))
        cache.put_many(encoder.name, kind, new)
        known.update(new)
    return np.vstack([known[t] for t in texts]).astype(np.float32)
