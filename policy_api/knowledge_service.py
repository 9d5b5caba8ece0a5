"""Keeps one search index per language in memory, rebuilt when the stored entries change.

Vectors come from the on-disk embedding cache, so a rebuild after an import only embeds the
entries that changed. The first build starts in the background when the API starts.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from knowledge.embedding_cache import EmbeddingCache
from knowledge.kb import LANGUAGES
from knowledge.search import DEFAULT_CONFIG, KnowledgeIndex, SearchConfig, SearchResult
from knowledge.store import stored_entries, version

log = logging.getLogger("policy_api.knowledge")

Version = tuple[int, datetime | None]


class KnowledgeService:
    def __init__(self, session_factory: Callable[[], Session], configs: dict[str, SearchConfig] | None = None,
                 recheck_s: float = 5.0) -> None:
        self._session_factory = session_factory
        self._configs = configs or DEFAULT_CONFIG
        self._recheck_s = recheck_s
        self._indexes: dict[str, tuple[Version, KnowledgeIndex]] = {}
        self._checked_at: dict[str, float] = {}
        self._build_locks = {language: threading.Lock() for language in LANGUAGES}
        self._query_lock = threading.Lock()  # the encoders' native code is not known to be thread-safe
        self._cache: EmbeddingCache | None = None

    def warm_in_background(self) -> None:
        def warm() -> None:
            for language in LANGUAGES:
                try:
                    self.index(language)
                except Exception:  # the database may be down; requests retry later
                    log.exception("knowledge index for %s not built yet", language)
        threading.Thread(target=warm, name="knowledge-warmup", daemon=True).start()

    @property
    def ready(self) -> bool:
        return all(language in self._indexes for language in LANGUAGES)

    def index(self, language: str) -> KnowledgeIndex:
        known = self._indexes.get(language)
        if known and time.monotonic() - self._checked_at.get(language, 0) < self._recheck_s:
            return known[1]
        with self._build_locks[language]:
            with self._session_factory() as session:
                current = version(session, language)
                known = self._indexes.get(language)
                if known is None or known[0] != current:
                    entries = stored_entries(session, language)
                    started = time.perf_counter()
                    self._cache = self._cache or EmbeddingCache()
                    index = KnowledgeIndex(entries, self._configs[language], self._cache)
                    index.scores("warm-up")  # the encoders load their weights on the first query
                    self._indexes[language] = (current, index)
                    log.info("knowledge index %s: %d entries in %.1f s", language, len(entries),
                             time.perf_counter() - started)
            self._checked_at[language] = time.monotonic()
            return self._indexes[language][1]

    def lookup(self, language: str, query: str, k: int, kind: str | None = None) -> SearchResult:
        index = self.index(language)
        with self._query_lock:
            return index.lookup(query, k, kind)

    def entry(self, language: str, entry_id: str):  # noqa: ANN201
        return next((e for e in self.index(language).entries if e.id == entry_id), None)
