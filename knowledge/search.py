"""Semantic + keyword search over the knowledge base.

Each entry is embedded as its title (the FAQ question), as each of its alternates (other ways
customers ask it) and as title + text. A query's score for an entry is
- `max`: the best cosine over those texts, or
- `prototype` (the default): the mean of the two best cosines over its phrasings (title and
  alternates) plus the cosine to the entry's trained prototype (knowledge/prototypes.py).
BM25 over words can add a keyword score (weight `keyword_weight`, 0 turns it off).

Two thresholds: at or above `threshold` the best entry is the answer; between `suggest_threshold`
and `threshold` the search is unsure and offers its best few entries to choose from; below that
the question is "not in the knowledge base".
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from knowledge.bm25 import BM25
from knowledge.embedding_cache import EmbeddingCache, encode_cached
from knowledge.encoders import get_encoder
from knowledge.kb import Entry
from knowledge.prototypes import cached_prototypes

MAX_QUERY_CHARS = 500


@dataclass(frozen=True)
class SearchConfig:
    encoder: str = "e5+use"
    scoring: str = "prototype"  # or "max"
    prototype_scale: float = 30.0
    keyword_weight: float = 0.0
    threshold: float = 1.2
    suggest_threshold: float | None = None  # default: 85% of threshold


@dataclass(frozen=True)
class Hit:
    entry: Entry
    score: float


@dataclass(frozen=True)
class SearchResult:
    """`confident`: hits[0] answers the question. Otherwise hits are suggestions (maybe none)."""

    hits: list[Hit]
    confident: bool


class KnowledgeIndex:
    def __init__(self, entries: list[Entry], config: SearchConfig, cache: EmbeddingCache | None = None) -> None:
        self.entries, self.config = entries, config
        self.encoder = get_encoder(config.encoder)
        cache = cache if cache is not None else EmbeddingCache()  # the shared on-disk cache
        texts: list[str] = []
        owners: list[int] = []
        phrasing: list[bool] = []  # the title and alternates, as opposed to title + answer text
        for i, entry in enumerate(entries):
            for text in dict.fromkeys((entry.title, *entry.alternates)):
                texts.append(text)
                owners.append(i)
                phrasing.append(True)
            texts.append(entry.searchable)
            owners.append(i)
            phrasing.append(False)
        self.owners = np.asarray(owners, dtype=np.int64)
        self.vectors = encode_cached(self.encoder, texts, "passage", cache)
        self._phrasing_slots = _slots(self.owners[np.asarray(phrasing)], len(entries))
        self._phrasing_rows = np.flatnonzero(phrasing)
        self.prototypes = None
        if config.scoring == "prototype" and entries:
            self.prototypes = cached_prototypes(self.vectors[self._phrasing_rows], self.owners[self._phrasing_rows],
                                                len(entries), config.prototype_scale)
        language = entries[0].language if entries else "zh"
        self.bm25 = BM25([" ".join((e.searchable, *e.alternates)) for e in entries], language)

    def scores(self, query: str) -> np.ndarray:
        query = query[:MAX_QUERY_CHARS]
        query_vector = self.encoder.encode([query], "query")[0]
        cosines = self.vectors @ query_vector
        if self.prototypes is not None:
            per_entry = np.concatenate([cosines[self._phrasing_rows], [-np.inf]])[self._phrasing_slots]
            best_two = -np.partition(-per_entry, 1, axis=1)[:, :2] if per_entry.shape[1] > 1 else per_entry
            best_two = np.where(np.isfinite(best_two), best_two, best_two[:, :1])  # one phrasing: use it twice
            semantic = best_two.mean(1) + self.prototypes @ query_vector
        else:
            semantic = np.full(len(self.entries), -np.inf, dtype=np.float32)
            np.maximum.at(semantic, self.owners, cosines)
        if self.config.keyword_weight:
            keyword = self.bm25.scores(query)
            semantic = semantic + self.config.keyword_weight * keyword / (keyword.max() + 1.0)
        return semantic

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def suggest_threshold(self) -> float:
        configured = self.config.suggest_threshold
        return configured if configured is not None else 0.85 * self.config.threshold

    def lookup(self, query: str, k: int = 3, kind: str | None = None) -> SearchResult:
        """The best entries (of `kind` only, when given) and whether the first one answers confidently."""
        if not query.strip() or not self.entries:
            return SearchResult([], False)
        scores = self.scores(query)
        if kind:
            scores = np.where([e.kind == kind for e in self.entries], scores, -np.inf)
        order = np.argsort(-scores)[:k]
        best = float(scores[order[0]])
        if best >= self.config.threshold:
            return SearchResult([Hit(self.entries[i], float(scores[i])) for i in order], True)
        floor = self.suggest_threshold
        return SearchResult([Hit(self.entries[i], float(scores[i])) for i in order if scores[i] >= floor], False)

    def search(self, query: str, k: int = 3) -> list[Hit]:
        """The k best entries, best first; empty unless the best one answers confidently."""
        result = self.lookup(query, k)
        return result.hits if result.confident else []

    def timed_search(self, query: str, k: int = 3) -> tuple[list[Hit], float]:
        start = time.perf_counter()
        hits = self.search(query, k)
        return hits, (time.perf_counter() - start) * 1000


def _slots(owners: np.ndarray, entries: int) -> np.ndarray:
    """[entries, most phrasings] positions into the phrasing rows, padded with -1 (-> -inf)."""
    width = int(np.bincount(owners, minlength=entries).max()) if len(owners) else 1
    slots = np.full((entries, width), -1, dtype=np.int64)
    fill = np.zeros(entries, dtype=np.int64)
    for position, owner in enumerate(owners):
        slots[owner, fill[owner]] = position
        fill[owner] += 1
    return slots


# Chosen per language by `python -m knowledge.evaluate` (docs/knowledge.md has the comparison).
DEFAULT_CONFIG = {
    "zh": SearchConfig(encoder="e5-small", scoring="prototype", threshold=1.853),
    "en": SearchConfig(encoder="e5-small", scoring="prototype", threshold=1.776),
}
