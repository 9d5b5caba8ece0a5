"""Rasa's server moves the loaded model out of the collector's full passes once it has started (bot/heap.py),
and objects a turn creates afterwards are still collected: freezing must not turn into a leak."""

from __future__ import annotations

import asyncio
import gc
import weakref
from collections.abc import Iterator
from typing import Any

import pytest
import rasa.server

from bot import heap, server


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


@pytest.fixture
def unfrozen_afterwards() -> Iterator[None]:
    yield
    gc.unfreeze()


def test_what_was_loaded_before_start_is_frozen(unfrozen_afterwards: None) -> None:
    model = [[index] for index in range(50_000)]  # stands for the loaded model's long-lived objects
    asyncio.run(heap.freeze_after_start(None, None))
    assert gc.get_freeze_count() >= len(model)


def test_cycles_created_after_start_are_still_collected(unfrozen_afterwards: None) -> None:
    asyncio.run(heap.freeze_after_start(None, None))
    first, second = Node(), Node()
    first.other, second.other = second, first  # a turn's garbage: unreachable only as a cycle
    gone = weakref.ref(first)
    del first, second
    gc.collect()
    assert gone() is None


class RecordingApp:
    """What the wrapper asks of Rasa's app: listeners and exception handlers, recorded."""

    def __init__(self) -> None:
        self.registered: list[tuple[Any, str]] = []

    def register_listener(self, listener: Any, event: str) -> Any:
        self.registered.append((listener, event))
        return listener

    def exception(self, *exceptions: type[Exception]) -> Any:
        return lambda handler: handler


def test_rasa_server_freezes_after_it_has_loaded_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    app = RecordingApp()
    monkeypatch.setattr(rasa.server, "create_app", lambda *args, **kwargs: app)
    server._extend_rasa_app()
    assert rasa.server.create_app() is app
    # Rasa loads the model in a before_server_start listener; the freeze must come after it.
    assert (heap.freeze_after_start, "after_server_start") in app.registered
