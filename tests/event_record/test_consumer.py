"""The event record process against the machine's RabbitMQ: killed (SIGKILL) with events delivered
but not yet committed, it loses none and doubles none once restarted."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pika
import pytest

from devstack import services

EVENTS = 300


def publish(route: services.EventRoute, count: int, start: int = 0) -> None:
    """As Rasa's broker does: JSON events, persistent, to the fanout exchange the queue is bound to."""
    params = pika.ConnectionParameters("127.0.0.1", services.RABBITMQ_PORT,
                                       credentials=pika.PlainCredentials(route.user, route.password))
    with pika.BlockingConnection(params) as connection:
        channel = connection.channel()
        channel.exchange_declare(route.exchange, exchange_type="fanout", durable=False)
        channel.queue_declare(route.queue, durable=True)
        channel.queue_bind(route.queue, route.exchange)
        channel.confirm_delivery()
        for n in range(start, start + count):
            event = {"event": "user", "sender_id": f"conv-{n % 7}", "timestamp": time.time(), "text": f"message {n}"}
            channel.basic_publish(route.exchange, "", json.dumps(event).encode(),
                                  pika.BasicProperties(delivery_mode=pika.DeliveryMode.Persistent))


def stored_texts(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [json.loads(data)["text"] for (data,) in conn.execute("SELECT data FROM events ORDER BY id")]


@pytest.mark.timeout(400)
def test_killed_between_delivery_and_commit_nothing_is_lost_or_doubled(tmp_path: Path) -> None:
    db = tmp_path / "rasa-events.db"
    with services.event_route(tmp_path) as route:
        with services.event_record(route):
            publish(route, 10)
            assert services.wait_for_event_record(route.events_url, at_least=10, timeout_s=120) == 10
        publish(route, EVENTS, start=10)
        # The database locked by another writer: the record takes a batch from the queue and waits on
        # the lock with the batch in hand, unacknowledged. Then SIGKILL.
        holder = sqlite3.connect(db, timeout=1, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        with services.event_record(route) as record:
            time.sleep(6)  # connected, consuming, blocked on the lock (a loaded host starts it slowly)
            record.kill()
            record.wait(10)
        holder.execute("ROLLBACK")
        holder.close()
        assert len(stored_texts(db)) == 10  # the killed batch never reached the table
        with services.event_record(route):
            services.wait_for_event_record(route.events_url, at_least=EVENTS + 10, quiet_s=1.5, timeout_s=120)
            texts = stored_texts(db)
    assert len(texts) == EVENTS + 10 and sorted(texts) == sorted(f"message {n}" for n in range(EVENTS + 10))
