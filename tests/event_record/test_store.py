"""store.write against real databases (SQLite and the machine's PostgreSQL): what RabbitMQ delivers
again is stored once, in order, and nothing that is not an event is stored."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from desk_db.engine import make_engine
from devstack import services
from event_record import store
from privacy.rasa_events import events


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'events.db'}"
        made = make_engine(url)
        store.create_tables(made)
        yield made
        made.dispose()
        return
    with services.postgres_database("event_record") as url:
        made = make_engine(url)
        store.create_tables(made)
        yield made
        made.dispose()


def body(sender: str, n: int) -> bytes:
    return json.dumps({"event": "user", "sender_id": sender, "timestamp": 1765000000.0 + n, "text": f"m{n}"}).encode()


def stored(engine: Engine) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(select(events.c.sender_id, events.c.data).order_by(events.c.id)).all()
    return [(row.sender_id, json.loads(row.data)["text"]) for row in rows]


def test_a_batch_delivered_again_after_its_commit_is_not_stored_twice(engine: Engine) -> None:
    first = [body("a", n) for n in range(5)]
    assert store.write(engine, first) == 5
    # The consumer died after the commit, before its ack: RabbitMQ delivers the batch again, with new ones.
    assert store.write(engine, [*first[3:], body("a", 5), body("b", 6)]) == 2
    assert stored(engine) == [("a", f"m{n}") for n in range(6)] + [("b", "m6")]


def test_the_same_event_twice_in_one_batch_is_stored_once(engine: Engine) -> None:
    # Rasa's broker publishes an event again when RabbitMQ's confirm was lost.
    assert store.write(engine, [body("a", 1), body("a", 1), body("a", 2)]) == 2
    assert stored(engine) == [("a", "m1"), ("a", "m2")]


def test_a_turns_events_sent_as_one_message_are_stored_in_order_once(engine: Engine) -> None:
    turn = json.dumps([json.loads(body("a", n)) for n in range(3)]).encode()
    assert store.write(engine, [turn, body("b", 9)]) == 4
    assert store.write(engine, [turn]) == 0  # delivered again
    assert stored(engine) == [("a", "m0"), ("a", "m1"), ("a", "m2"), ("b", "m9")]


def test_a_message_that_is_no_event_is_skipped_and_the_rest_stored(engine: Engine) -> None:
    assert store.write(engine, [b"not json", b"[1, 2]", body("a", 1)]) == 1
    assert stored(engine) == [("a", "m1")]
    # Skipped for good: delivered again, it is not looked at twice, and the event not stored again.
    assert store.write(engine, [b"not json", body("a", 1)]) == 0
