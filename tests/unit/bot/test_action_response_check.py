"""Rasa's check of an action server's response, done one event kind per event (bot/rasa_speedups.py), accepts
and refuses exactly what Rasa's own `jsonschema.validate` does: on each kind of event, on broken responses, and
on two thousand random mutations of a real one."""

from __future__ import annotations

import copy
import random
from typing import Any

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from bot.rasa_speedups import validate_response

SPEC = RemoteAction.action_response_format_spec()
KINDS = [kind["properties"]["event"]["const"] for kind in SPEC["properties"]["events"]["items"]["oneOf"]]

# What the action server sends back after a policy lookup, and a user event with parse data.
LOOKUP: dict[str, Any] = {
    "events": [{"event": "slot", "timestamp": None, "name": "next_step", "value": "done"},
               {"event": "slot", "timestamp": 1.5, "name": "goal_completed", "value": "policy_lookup"},
               {"event": "user", "text": "查保单", "parse_data": {
                   "intent": {"name": "query_policy", "confidence": 0.9},
                   "entities": [{"entity": "policy_number", "value": "HL20240001", "start": 0, "end": 10}]}},
               {"event": "action", "name": "action_listen", "policy": None, "confidence": None}],
    "responses": [{"text": "您名下共有 2 份保单", "buttons": [], "custom": {}}],
}
# Values a mutation puts anywhere: each type the schemas name, and the wrong ones.
VALUES: list[Any] = [None, "slot", "user", "bot", "nonsense", 3, 2.5, True, [], [1], {}, {"name": 1},
                     {"event": "slot"}, "", -1]


RASA_CHECK = jsonschema.validators.validator_for(SPEC)(SPEC)


def rasa_accepts(result: Any) -> bool:
    """jsonschema.validate(result, SPEC) without checking SPEC itself again each time (that is what is slow)."""
    return RASA_CHECK.is_valid(result)


def ours_accepts(result: Any) -> bool:
    try:
        validate_response(result)
        return True
    except jsonschema.ValidationError:
        return False


def test_every_event_kind_has_its_own_name():
    assert len(set(KINDS)) == len(KINDS) == 23


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_of_event_is_accepted_as_rasa_accepts_it(kind: str):
    for event in ({"event": kind}, {"event": kind, "name": "x", "value": 1, "entities": []}):
        result = {"events": [event], "responses": []}
        assert ours_accepts(result) == rasa_accepts(result), event


@pytest.mark.parametrize("result", [
    {}, {"events": []}, {"events": None}, {"events": "slot"}, {"events": [None]}, {"events": [{}]},
    {"events": [{"event": "slot"}]}, {"events": [{"event": "slot", "name": "a"}]},
    {"events": [{"event": "slot", "name": 3, "value": 1}]}, {"events": [{"event": "sloth", "value": 1}]},
    {"events": [{"event": 7}]}, {"events": [{"event": "bot", "timestamp": "now"}]},
    {"events": [{"event": "entities", "entities": [{"entity": "x"}]}]}, {"responses": [1]}, {"responses": {}},
    [], "events",
])
def test_broken_responses_are_judged_alike(result: Any):
    assert ours_accepts(result) == rasa_accepts(result)


def _mutate(value: Any, rng: random.Random) -> Any:
    """The value with one randomly chosen field, item or leaf replaced by one of VALUES, or removed."""
    if isinstance(value, dict) and value and rng.random() < 0.8:
        key = rng.choice(sorted(value))
        if rng.random() < 0.15:
            return {k: v for k, v in value.items() if k != key}
        return {**value, key: _mutate(value[key], rng)}
    if isinstance(value, list) and value and rng.random() < 0.8:
        index = rng.randrange(len(value))
        return [*value[:index], _mutate(value[index], rng), *value[index + 1:]]
    return copy.deepcopy(rng.choice(VALUES))


def test_random_mutations_of_a_real_response_are_judged_alike():
    rng = random.Random(20261206)
    verdicts = {True: 0, False: 0}
    for _ in range(2000):
        result = _mutate(LOOKUP, rng)
        assert ours_accepts(result) == rasa_accepts(result), result
        verdicts[rasa_accepts(result)] += 1
    assert min(verdicts.values()) > 300  # both verdicts were really exercised
