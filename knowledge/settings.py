"""The knowledge library's settings, from the environment: read by whichever process searches the knowledge
base (the policy API, the bench, the evaluation)."""

from __future__ import annotations

from pathlib import Path

from desk_config.base import DeskSettings, setting


class KnowledgeSettings(DeskSettings):
    embedding_cache: Path = setting(
        "KNOWLEDGE_EMBEDDING_CACHE", Path.home() / ".cache" / "insurance-desk" / "embeddings.sqlite",
        "SQLite file of the embeddings already computed (per encoder and text), shared by the processes that "
        "search the knowledge base; prototype vectors are kept beside it.")
