"""Semantic + keyword search over the knowledge base.

Each entry is embedded twice, as its title (the FAQ question) and as title + text; a query's
semantic score for an entry is the better of the two cosines. BM25 over words adds a keyword
score (weight `keyword_weight`, 0 turns it off). A best score below `threshold` means "not in
the knowledge base": the assistant then asks again or offers a person instead of guessing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from knowledge.bm25 import BM25
from knowledge.encoders import get_encoder
from knowledge.kb import Entry

MAX_QUERY_CHARS = 500


@dataclass(frozen=True)
class SearchConfig:
    encoder: str = "e5+use"
    keyword_weight: float = 0.0
    threshold: float = 1.2


@dataclass(frozen=True)
class Hit:
    entry: Entry
    score: float


class KnowledgeIndex:
    def __init__(self, entries: list[Entry], config: SearchConfig) -> None:
        self.entries, self.config = entries, config
        self.encoder = get_encoder(config.encoder)
        self.title_vectors = self.encoder.encode([e.title for e in entries], "passage")
        self.full_vectors = self.encoder.encode([e.searchable for e in entries], "passage")
        language = entries[0].language if entries else "zh"
        self.bm25 = BM25([e.searchable for e in entries], language)

    def scores(self, query: str) -> np.ndarray:
        query_vector = self.encoder.encode([query[:MAX_QUERY_CHARS]], "query")[0]
        semantic = np.maximum(self.title_vectors @ query_vector, self.full_vectors @ query_vector)
        if self.config.keyword_weight:
            keyword = self.bm25.scores(query[:MAX_QUERY_CHARS])
            semantic = semantic + self.config.keyword_weight * keyword / (keyword.max() + 1.0)
        return semantic

    def search(self, query: str, k: int = 3) -> list[Hit]:
        """The k best entries, best first; empty when the best is below the threshold."""
        if not query.strip():
            return []
        scores = self.scores(query)
        order = np.argsort(-scores)[:k]
        if scores[order[0]] < self.config.threshold:
            return []
        return [Hit(self.entries[i], float(scores[i])) for i in order]

    def timed_search(self, query: str, k: int = 3) -> tuple[list[Hit], float]:
        start = time.perf_counter()
        hits = self.search(query, k)
        return hits, (time.perf_counter() - start) * 1000


# Chosen per language by `python -m knowledge.evaluate` (docs/knowledge.md has the comparison).
DEFAULT_CONFIG = {
    "zh": SearchConfig(encoder="e5+use", keyword_weight=0.0, threshold=1.171),
    "en": SearchConfig(encoder="e5-small", keyword_weight=0.0, threshold=0.853),
}
