"""Semantic + keyword search over the knowledge base.

Each entry is embedded as its title (the FAQ question), as each of its alternates (other ways
customers ask it) and as title + text; a query's semantic score for an entry is the best cosine
over those. BM25 over words can add a keyword score (weight `keyword_weight`, 0 turns it off).

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

MAX_QUERY_CHARS = 500


@dataclass(frozen=True)
class SearchConfig:
    encoder: str = "e5+use"
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
        texts: list[str] = []
        owners: list[int] = []
        for i, entry in enumerate(entries):
            for text in dict.fromkeys((entry.title, *entry.alternates, entry.searchable)):
                texts.append(text)
                owners.append(i)
        self.owners = np.asarray(owners, dtype=np.int64)
        self.vectors = encode_cached(self.encoder, texts, "passage", cache)
        language = entries[0].language if entries else "zh"
        self.bm25 = BM25([" ".join((e.searchable, *e.alternates)) for e in entries], language)

    def scores(self, query: str) -> np.ndarray:
        query = query[:MAX_QUERY_CHARS]
        query_vector = self.encoder.encode([query], "query")[0]
        semantic = np.full(len(self.entries), -np.inf, dtype=np.float32)
        np.maximum.at(semantic, self.owners, self.vectors @ query_vector)
        if self.config.keyword_weight:
            keyword = self.bm25.scores(query)
            semantic = semantic + self.config.keyword_weight * keyword / (keyword.max() + 1.0)
        return semantic

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


# Chosen per language by `python -m knowledge.evaluate` (docs/knowledge.md has the comparison).
DEFAULT_CONFIG = {
    "zh": SearchConfig(encoder="e5+use", keyword_weight=0.0, threshold=1.171),
    "en": SearchConfig(encoder="e5-small", keyword_weight=0.0, threshold=0.853),
}
