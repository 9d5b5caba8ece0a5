"""Conversations from Rasa's SQL event broker (table `events`: id, sender_id, data as JSON).

A conversation is one Rasa session of a sender: its events from one `action_session_start` to the
next. Only sessions in which the customer wrote something count (a reminder nobody answered, or a
tracker the hub merely paused, is not a conversation). Slot events before the session's first user
message are the slots Rasa carries over from the previous session and say nothing about this one.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, inspect, text

DEFAULT_LANGUAGE = "zh"  # the `language` slot's initial value in the domain
EXTERNAL_PREFIX = "EXTERNAL: "  # Rasa's text of a user event made by trigger_intent


@dataclass
class Conversation:
    sender_id: str
    started_at: float  # epoch seconds, the session's first event
    language: str = DEFAULT_LANGUAGE
    customer_messages: int = 0
    goals: list[str] = field(default_factory=list)
    handoff_reasons: list[str] = field(default_factory=list)
    resolved_by_bot: bool = False
    csat_score: float | None = None
    csat_skipped: bool = False
    reminder_ids: list[str] = field(default_factory=list)


class _Session:
    """Accumulates one session's events in order."""

    def __init__(self, sender_id: str, started_at: float) -> None:
        self.conv = Conversation(sender_id, started_at)
        self.user_seen = False
        self.carried_language: str | None = None
        self.language: str | None = None
        self.position = 0
        self.last_goal_at = -1
        self.last_handoff_at = -1

    def add(self, event: dict[str, Any]) -> None:
        self.position += 1
        kind = event.get("event")
        if kind == "user":
            self.user_seen = True
            if not _is_external(event):
                self.conv.customer_messages += 1
        elif kind == "slot":
            self._slot(event.get("name"), event.get("value"))

    def _slot(self, name: Any, value: Any) -> None:
        if not self.user_seen:
            if name == "language" and value:
                self.carried_language = str(value)
            return
        if value is None or value == "":
            return
        conv = self.conv
        if name == "language":
            self.language = str(value)
        elif name == "goal_completed":
            conv.goals.append(str(value))
            self.last_goal_at = self.position
        elif name == "handoff_reason":
            conv.handoff_reasons.append(str(value))
            self.last_handoff_at = self.position
        elif name == "csat_score":
            try:
                conv.csat_score = float(value)
            except (TypeError, ValueError):
                pass
        elif name == "csat_skipped" and value in (True, "true", "True"):
            conv.csat_skipped = True
        elif name == "reminder_id":
            conv.reminder_ids.append(str(value))

    def finish(self) -> Conversation:
        conv = self.conv
        conv.language = self.language or self.carried_language or DEFAULT_LANGUAGE
        conv.resolved_by_bot = self.last_goal_at > self.last_handoff_at
        return conv


def _is_external(event: dict[str, Any]) -> bool:
    metadata = event.get("metadata") or {}
    return bool(metadata.get("is_external")) or str(event.get("text") or "").startswith(EXTERNAL_PREFIX)


def _rows(engine: Engine, batch: int = 5000) -> Iterator[tuple[str, str]]:
    """(sender_id, data) in the order Rasa published them, read in batches by id."""
    last_id = 0
    with engine.connect() as conn:
        while True:
            rows = conn.execute(text("SELECT id, sender_id, data FROM events WHERE id > :last ORDER BY id LIMIT :n"),
                                {"last": last_id, "n": batch}).all()
            if not rows:
                return
            for row in rows:
                yield row.sender_id, row.data
            last_id = rows[-1].id


def read_conversations(engine: Engine, since: float, until: float | None = None) -> list[Conversation]:
    """Every conversation that started in [since, until), oldest first. No `events` table yet: none."""
    if not inspect(engine).has_table("events"):
        return []
    open_sessions: dict[str, _Session] = {}
    done: list[Conversation] = []

    def close(sender: str) -> None:
        session = open_sessions.pop(sender, None)
        if session is not None and session.conv.customer_messages:
            done.append(session.finish())

    for sender, raw in _rows(engine):
        try:
            event = json.loads(raw)
        except (TypeError, ValueError):
            continue  # a row that is not an event: skip it, never fail the figures
        if not isinstance(event, dict):
            continue
        sender = sender or str(event.get("sender_id") or "")
        stamp = float(event.get("timestamp") or 0)
        if event.get("event") == "action" and event.get("name") == "action_session_start":
            close(sender)
            open_sessions[sender] = _Session(sender, stamp)
            continue
        session = open_sessions.get(sender)
        if session is None:  # events before any session start (e.g. a tracker created by the API)
            session = open_sessions[sender] = _Session(sender, stamp)
        session.add(event)
    for sender in list(open_sessions):
        close(sender)
    return sorted((c for c in done if c.started_at >= since and (until is None or c.started_at < until)),
                  key=lambda c: c.started_at)
