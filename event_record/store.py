"""Messages from the queue into the `events` table, each stored once.

RabbitMQ delivers at least once: a batch committed just before the consumer died is delivered again,
and Rasa's broker may publish an event twice when a confirm was lost. Each message's digest (SHA-256 of
its body: its events' JSON, timestamps and conversation included, so two distinct messages never share
one) is kept in `event_receipts`, in the same transaction as the event; a body whose digest is there is
skipped. Two consumers racing on one digest meet the primary key: the loser's batch is rolled back
and, redelivered, skipped. Receipts hold no personal data (a hash of a masked event) and are pruned
after RECEIPT_DAYS, long after any redelivery.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Sequence

from sqlalchemy import Column, Engine, Float, MetaData, String, Table, delete, insert, select

from privacy.rasa_events import events
from privacy.rasa_events import metadata as events_metadata

log = logging.getLogger(__name__)

RECEIPT_DAYS = 7
receipts_metadata = MetaData()
receipts = Table("event_receipts", receipts_metadata, Column("digest", String(64), primary_key=True),
                 Column("received_at", Float, nullable=False, index=True))


def create_tables(engine: Engine) -> None:
    """The events table (Rasa's SQL broker's schema) and the receipts, when missing."""
    events_metadata.create_all(engine)
    receipts_metadata.create_all(engine)


def _rows(body: bytes) -> list[dict[str, str]]:
    """The events-table rows of a message: one JSON event, or a list of them (a turn's, as our broker
    sends them). A body that holds no event is logged and skipped: redelivering it would not make it one."""
    try:
        parsed = json.loads(body)
    except ValueError:
        parsed = None
    batch = parsed if isinstance(parsed, list) else [parsed]
    if not batch or not all(isinstance(event, dict) for event in batch):
        log.error("a message of %d bytes on the event queue holds no JSON events: skipped", len(body))
        return []
    return [{"sender_id": str(event.get("sender_id") or ""), "data": json.dumps(event)} for event in batch]


def write(engine: Engine, bodies: Sequence[bytes]) -> int:
    """Store the events of the messages not stored before, in one transaction; how many events were new."""
    by_digest = {hashlib.sha256(body).hexdigest(): body for body in bodies}
    now = time.time()
    with engine.begin() as conn:
        seen = set(conn.execute(select(receipts.c.digest).where(receipts.c.digest.in_(list(by_digest)))).scalars())
        fresh = [(digest, body) for digest, body in by_digest.items() if digest not in seen]
        rows = [row for _, body in fresh for row in _rows(body)]
        if rows:
            conn.execute(insert(events), rows)
        if fresh:
            conn.execute(insert(receipts), [{"digest": digest, "received_at": now} for digest, _ in fresh])
    return len(rows)


def prune_receipts(engine: Engine, days: int = RECEIPT_DAYS) -> int:
    with engine.begin() as conn:
        return conn.execute(delete(receipts).where(receipts.c.received_at < time.time() - days * 86400)).rowcount or 0
