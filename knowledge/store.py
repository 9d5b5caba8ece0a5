"""The knowledge base in the database (knowledge_entries): import from knowledge/data/*.yml, read back as entries.

Importing replaces a language's entries with the files' content (added, changed and removed
entries), so editors change the YAML files, run the import, and the running policy API picks the change
up within seconds (policy_api/knowledge_service.py); Rasa is not retrained. The policy API reads the rows;
its import command, its demo seed and the init job write them.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from common.clock import utcnow
from desk_db.tables.policy import KnowledgeEntry
from knowledge.kb import DATA, LANGUAGES, Entry, load_entries


def import_entries(session: Session, language: str, entries: list[Entry]) -> dict[str, int]:
    """Make the stored entries of `language` equal to `entries`; returns added/changed/removed counts."""
    stored = {row.id: row for row in session.scalars(select(KnowledgeEntry).where(KnowledgeEntry.language == language))}
    counts = {"added": 0, "changed": 0, "removed": 0, "unchanged": 0}
    now = utcnow()
    for entry in entries:
        values = {"kind": entry.kind, "topic": entry.topic, "product": entry.product or None,
                  "section": entry.section or None, "title": entry.title, "text": entry.text,
                  "alternates": json.dumps(list(entry.alternates), ensure_ascii=False)}
        row = stored.pop(entry.id, None)
        if row is None:
            session.add(KnowledgeEntry(id=entry.id, language=language, updated_at=now, **values))
            counts["added"] += 1
        elif any(getattr(row, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            row.updated_at = now
            counts["changed"] += 1
        else:
            counts["unchanged"] += 1
    if stored:
        session.execute(delete(KnowledgeEntry).where(KnowledgeEntry.language == language,
                                                     KnowledgeEntry.id.in_(list(stored))))
        counts["removed"] = len(stored)
    return counts


def stored_entries(session: Session, language: str) -> list[Entry]:
    rows = session.scalars(select(KnowledgeEntry).where(KnowledgeEntry.language == language)
                           .order_by(KnowledgeEntry.kind.desc(), KnowledgeEntry.id))
    return [Entry(row.id, row.language, row.kind, row.topic, row.title, row.text,
                  tuple(json.loads(row.alternates or "[]")), row.product or "", row.section or "")
            for row in rows]


def version(session: Session, language: str) -> tuple[int, datetime | None]:
    """Changes when an import adds, changes or removes entries of the language."""
    count, latest = session.execute(
        select(func.count(), func.max(KnowledgeEntry.updated_at)).where(KnowledgeEntry.language == language)).one()
    return int(count), latest


def import_files(session: Session, data_dir: Path = DATA) -> dict[str, dict[str, int]]:
    return {language: import_entries(session, language, load_entries(language, data_dir)) for language in LANGUAGES}
