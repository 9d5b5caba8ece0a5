"""Rasa's SQL event broker (table `events`: id, sender_id, data as JSON), the conversation record the
service figures read. Rasa only writes it; erasing and retention are ours, on the shared database.

A conversation belongs to a customer when one of its events sets the `customer_id` slot to them
(the bot's verification, or the app token's customer)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, Text, delete, inspect, select

from privacy.records import without_tokens

metadata = MetaData()
# Rasa's own table (rasa.core.brokers.sql.SQLEventBroker.SQLBrokerEvent); declared here to read and delete.
# Rasa creates it: our migrations (desk_db) leave it out and never compare or drop it.
events = Table("events", metadata, Column("id", Integer, primary_key=True), Column("sender_id", String(255)),
               Column("data", Text))
BATCH = 1000


def _exists(engine: Engine) -> bool:
    return inspect(engine).has_table("events")


def _sets_customer(data: dict[str, Any], customer_id: str) -> bool:
    return data.get("event") == "slot" and data.get("name") == "customer_id" and data.get("value") == customer_id


def conversations_of(engine: Engine, customer_id: str) -> set[str]:
    """The sender ids (conversation ids) in which the customer was identified."""
    if not _exists(engine):
        return set()
    quoted = json.dumps(customer_id)  # narrows the scan in SQL; each hit is then read as JSON
    with engine.connect() as conn:
        rows = conn.execute(select(events.c.sender_id, events.c.data).where(events.c.data.contains(quoted)))
        return {row.sender_id for row in rows if _sets_customer(_load(row.data), customer_id)}


def export(engine: Engine, conversation_ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """Every event of these conversations, in order, by conversation."""
    cids = sorted(set(conversation_ids))
    if not cids or not _exists(engine):
        return {}
    out: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as conn:
        for row in conn.execute(select(events).where(events.c.sender_id.in_(cids)).order_by(events.c.id)):
            # An app token rides in message metadata and Rasa copies it into `session_started_metadata`:
            # a credential, never handed out.
            out.setdefault(row.sender_id, []).append(without_tokens(_load(row.data)))
    return out


def erase(engine: Engine, conversation_ids: Iterable[str]) -> int:
    """Delete every event of these conversations; the number deleted."""
    cids = sorted(set(conversation_ids))
    if not cids or not _exists(engine):
        return 0
    with engine.begin() as conn:
        return conn.execute(delete(events).where(events.c.sender_id.in_(cids))).rowcount or 0


def expire(engine: Engine, cutoff_epoch: float, dry_run: bool = False) -> tuple[int, set[str]]:
    """Delete the events older than the cutoff (their own `timestamp`: the table has no time column).
    Returns how many, and the conversations left with no event at all (their trackers can go too)."""
    if not _exists(engine):
        return 0, set()
    old_ids: list[int] = []
    touched: set[str] = set()
    recent: set[str] = set()
    for row_id, sender_id, data in _scan(engine):
        if float(data.get("timestamp") or 0) < cutoff_epoch:
            old_ids.append(row_id)
            touched.add(sender_id)
        else:
            recent.add(sender_id)
    emptied = touched - recent
    if not dry_run and old_ids:
        with engine.begin() as conn:
            for start in range(0, len(old_ids), BATCH):
                conn.execute(delete(events).where(events.c.id.in_(old_ids[start:start + BATCH])))
            # A conversation that spoke again during the scan keeps its tracker.
            emptied -= set(conn.execute(select(events.c.sender_id).distinct()
                                        .where(events.c.sender_id.in_(sorted(emptied)))).scalars())
    return len(old_ids), emptied


def _scan(engine: Engine) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """All rows in id order, a batch at a time (keyset paging: no long-held cursor on a live table)."""
    last = 0
    while True:
        with engine.connect() as conn:
            rows = conn.execute(select(events).where(events.c.id > last).order_by(events.c.id).limit(BATCH)).all()
        if not rows:
            return
        for row in rows:
            yield row.id, row.sender_id, _load(row.data)
        last = rows[-1].id


def _load(raw: str | None) -> dict[str, Any]:
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
