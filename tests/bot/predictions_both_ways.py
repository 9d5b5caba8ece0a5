"""Every action prediction of the given stories made by the trained model twice: with Rasa's own graph and with
bot.decided_by_rules installed. Run in the Rasa venv; prints a JSON summary (see tests/bot/test_decided_by_rules.py).

Usage: python -m tests.bot.predictions_both_ways MODEL STORY_PATH...
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from typing import Any

from rasa.core.agent import Agent
from rasa.core.policies.policy import PolicyPrediction
from rasa.core.policies.ted_policy import TEDPolicy
from rasa.core.processor import MessageProcessor
from rasa.core.test import _create_data_generator
from rasa.engine.constants import PLACEHOLDER_TRACKER
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import decided_by_rules

# How many times TED ran, by whose graph ran it ("rasa", "ours").
ted_runs = Counter[str]()
graph_in_use = "rasa"
_ted_predict = TEDPolicy.predict_action_probabilities
UNSCRIPTED = 3


def _counted_ted_predict(self: TEDPolicy, *args: Any, **kwargs: Any) -> PolicyPrediction:
    ted_runs[graph_in_use] += 1
    return _ted_predict(self, *args, **kwargs)


def predict(processor: MessageProcessor, tracker: DialogueStateTracker, ours: bool) -> PolicyPrediction:
    global graph_in_use
    graph_in_use = "ours" if ours else "rasa"
    (decided_by_rules.install if ours else decided_by_rules.uninstall)()
    target = processor.model_metadata.core_target
    return processor.graph_runner.run(inputs={PLACEHOLDER_TRACKER: tracker}, targets=[target])[target]


def compare(processor: MessageProcessor, tracker: DialogueStateTracker, summary: dict[str, Any]) -> None:
    rasa_own, ours = predict(processor, tracker, ours=False), predict(processor, tracker, ours=True)
    summary["predictions"] += 1
    summary["by_policy"][rasa_own.policy_name] += 1
    if rasa_own != ours:
        summary["different"].append({"conversation": tracker.sender_id, "events": len(tracker.events),
                                     "rasa": rasa_own.policy_name, "ours": ours.policy_name})


def walk(agent: Agent, story_path: str, summary: dict[str, Any]) -> None:
    """Each story's events, predicting before each action the story takes, then taking the story's action.
    The stories are what the rules were written for; so that the predictions the rules leave to TED and
    memoization are compared too, each user turn is also replaced by UNSCRIPTED other intents (the next in
    the domain's order), each followed by one prediction."""
    processor, domain = agent.processor, agent.domain
    assert processor is not None and domain is not None
    for story in _create_data_generator(story_path, agent).generate_story_trackers():
        events = list(story.events)
        partial = DialogueStateTracker.from_events(story.sender_id, events[:1], domain.slots)
        for event in events[1:]:
            if isinstance(event, ActionExecuted):
                compare(processor, partial, summary)
            elif isinstance(event, UserUttered) and event.intent_name in domain.intents:
                at = domain.intents.index(event.intent_name)
                for step in range(1, UNSCRIPTED + 1):
                    other = partial.copy()
                    other.update(UserUttered(intent={"name": domain.intents[(at + step) % len(domain.intents)],
                                                     "confidence": 1.0}))
                    compare(processor, other, summary)
            partial.update(event)


def main(model: str, story_paths: list[str]) -> dict[str, Any]:
    TEDPolicy.predict_action_probabilities = _counted_ted_predict  # type: ignore[method-assign]
    agent = Agent.load(model)
    summary: dict[str, Any] = {"predictions": 0, "by_policy": Counter(), "different": []}
    for path in story_paths:
        walk(agent, path, summary)
    decided_by_rules.install()
    summary["ted_runs"] = dict(ted_runs)
    return summary


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2:])))
