"""Publishing a turn's events without reading the conversation back (bot/rasa_speedups.py): the broker gets
exactly the events Rasa's own way publishes, in the same order, for trackers the store handed out, saved twice,
across a new session, and for copies (which take Rasa's own way), in the in-memory and the SQL tracker store."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Callable

import pytest
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered

from bot import rasa_speedups

DOMAIN = Domain.from_yaml("""
version: "3.1"
intents: [greet, query_policy]
slots:
  language: {type: text, mappings: [{type: custom}]}
responses:
  utter_greet: [{text: hi}]
""")


class RecordingBroker(EventBroker):
    """What the tracker store hands to the broker, in order (the broker's own delivery is not under test)."""

    def __init__(self) -> None:
        self.published: list[dict[str, Any]] = []

    def publish(self, event: dict[str, Any]) -> None:
        self.published.append(event)


def turn(text: str, intent: str, stamp: float) -> list:
    return [UserUttered(text, {"name": intent}, timestamp=stamp),
            ActionExecuted("action_handle_request", timestamp=stamp + 0.1),
            SlotSet("language", "zh", timestamp=stamp + 0.2),
            BotUttered("您的保单", timestamp=stamp + 0.3),
            ActionExecuted("action_listen", timestamp=stamp + 0.4)]


async def converse(store: TrackerStore) -> None:
    tracker = await store.get_or_create_tracker("c1")  # new: created and saved
    for event in turn("你好", "greet", 1):
        tracker.update(event)
    await store.save(tracker)

    tracker = await store.get_or_create_tracker("c1")  # read back
    lookup = turn("查一下我的保单", "query_policy", 2)
    for event in lookup[:2]:
        tracker.update(event)
    await store.save(tracker)  # saved twice in one turn
    for event in lookup[2:]:
        tracker.update(event)
    await store.save(tracker)

    tracker = await store.get_or_create_tracker("c1")
    tracker.update(ActionExecuted("action_session_start", timestamp=3))
    tracker.update(SessionStarted(timestamp=3.1))
    tracker.update(ActionExecuted("action_listen", timestamp=3.2))
    await store.save(tracker)

    copy = (await store.get_or_create_tracker("c1")).copy()  # not handed out by the store: Rasa's own way
    for event in turn("再查一次", "query_policy", 4):
        copy.update(event)
    await store.save(copy)


def in_memory(broker: EventBroker, _: Path) -> TrackerStore:
    return InMemoryTrackerStore(DOMAIN, event_broker=broker)


def sql(broker: EventBroker, directory: Path) -> TrackerStore:
    directory.mkdir()
    return SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(directory / "trackers.db"), event_broker=broker)


def publish_our_way(monkeypatch: pytest.MonkeyPatch) -> None:
    """What bot.rasa_speedups.install() puts in place of Rasa's own, for the test's duration."""
    monkeypatch.setattr(TrackerStore, "get_or_create_tracker", rasa_speedups._get_or_create_tracker)
    monkeypatch.setattr(TrackerStore, "stream_events", rasa_speedups._stream_events)


def published(make_store: Callable[[EventBroker, Path], TrackerStore], directory: Path) -> list[dict[str, Any]]:
    broker = RecordingBroker()
    asyncio.run(converse(make_store(broker, directory)))
    # The store stamps the action_listen it creates a conversation with: the one field that differs between runs.
    return [{key: value for key, value in body.items() if key != "timestamp"} for body in broker.published]


@pytest.mark.parametrize("make_store", [in_memory, sql])
def test_the_broker_gets_what_rasas_own_way_publishes(make_store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    rasas = published(make_store, tmp_path / "rasa")
    publish_our_way(monkeypatch)
    ours = published(make_store, tmp_path / "ours")
    assert len(rasas) == 19  # 1 created + 5 + 2 + 3 + 3 + 5 from the copy: each event once
    assert ours == rasas


def test_a_handed_out_tracker_is_saved_without_reading_the_store(monkeypatch: pytest.MonkeyPatch):
    publish_our_way(monkeypatch)
    store = InMemoryTrackerStore(DOMAIN, event_broker=RecordingBroker())
    reads: list[str] = []
    read = store.retrieve

    async def counted_read(sender_id: str):
        reads.append(sender_id)
        return await read(sender_id)

    async def one_turn() -> None:
        await store.get_or_create_tracker("c2")
        tracker = await store.get_or_create_tracker("c2")
        reads.clear()
        for event in turn("你好", "greet", 1):
            tracker.update(event)
        await store.save(tracker)

    monkeypatch.setattr(store, "retrieve", counted_read)
    asyncio.run(one_turn())
    assert reads == []
    assert [body["event"] for body in store.event_broker.published][-5:] == [
        "user", "action", "slot", "bot", "action"]
