"""Finding an event's class by its name, remembered (bot/rasa_speedups.py): the same class as Rasa's own walk
finds for every kind of event, and Rasa's own answer for names no class has."""

from __future__ import annotations

import pytest
from rasa.shared.core.events import Event, SlotSet, UserUttered
from rasa.shared.utils.common import all_subclasses

from bot.rasa_speedups import _rasa_resolve_by_type, resolve_event_class

NAMES = sorted({cls.type_name for cls in all_subclasses(Event)})


@pytest.mark.parametrize("name", NAMES)
def test_each_name_finds_the_class_rasa_finds(name: str):
    for _ in range(2):  # found, then remembered
        assert resolve_event_class(name) is _rasa_resolve_by_type(name)


def test_names_no_class_has_get_rasas_answer():
    assert resolve_event_class("topic") is None
    assert resolve_event_class("no_such_event", default=SlotSet) is SlotSet
    with pytest.raises(ValueError, match="Unknown event name"):
        resolve_event_class("no_such_event")


def test_events_read_back_are_of_their_kind(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(Event, "resolve_by_type", staticmethod(resolve_event_class))  # as install() does
    events = [Event.from_parameters({"event": "user", "text": "你好", "parse_data": {"intent": {"name": "greet"}}}),
              Event.from_parameters({"event": "slot", "name": "language", "value": "zh"})]
    assert [type(event) for event in events] == [UserUttered, SlotSet]
