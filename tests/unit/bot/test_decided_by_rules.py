"""When bot.decided_by_rules says the rules decide, Rasa's own ensemble picks the same prediction whatever the
skipped policy would have predicted: checked over random predictions of MemoizationPolicy and TEDPolicy beside
the rules', certain and not, "no user" predictions, end-to-end ones and a rejected last action (the cases the
trained model's stories rarely reach; tests/bot/test_decided_by_rules.py walks those)."""

from __future__ import annotations

import copy
import random

from rasa.core.policies.ensemble import DefaultPolicyPredictionEnsemble
from rasa.core.policies.policy import PolicyPrediction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActionExecutionRejected, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.decided_by_rules import rules_decide

DOMAIN = Domain.from_dict({"intents": ["greet", "query_policy"],
                           "actions": ["action_greet", "action_handle_request", "identity_form"]})
RULES, MEMOIZATION, TED = ("RulePolicy", 6), ("MemoizationPolicy", 3), ("TEDPolicy", 1)


def tracker(rejected: bool) -> DialogueStateTracker:
    events = [ActionExecuted("action_listen"), UserUttered("你好", intent={"name": "greet", "confidence": 0.9})]
    if rejected:
        events += [ActionExecuted("identity_form"), ActionExecutionRejected("action_greet")]
    return DialogueStateTracker.from_events("someone", events, DOMAIN.slots)


def prediction(rng: random.Random, policy: tuple[str, int], peak: float, **flags: bool) -> PolicyPrediction:
    probabilities = [rng.random() * min(peak, 0.2) for _ in DOMAIN.action_names_or_texts]
    probabilities[rng.randrange(len(probabilities))] = peak
    return PolicyPrediction(probabilities, policy[0], policy[1], **flags)


def skipped(policy: tuple[str, int]) -> PolicyPrediction:
    """What a skipped policy answers instead of running."""
    return PolicyPrediction([0.0] * len(DOMAIN.action_names_or_texts), policy[0], policy[1])


def picked(predictions: list[PolicyPrediction], conversation: DialogueStateTracker) -> PolicyPrediction:
    return DefaultPolicyPredictionEnsemble().combine_predictions(copy.deepcopy(predictions), conversation, DOMAIN)


def test_when_the_rules_decide_the_skipped_policy_cannot_change_the_pick():
    rng = random.Random(7)
    outcomes = {True: 0, False: 0}
    for _ in range(3000):
        ted_reads_text = rng.random() < 0.2
        conversation = tracker(rejected=rng.random() < 0.2)
        rules = prediction(rng, RULES, rng.choice([1.0, 1.0, 0.3, 0.9, 0.0]), is_no_user_prediction=rng.random() < 0.2)
        memoization = prediction(rng, MEMOIZATION, rng.choice([1.0, 0.0]))
        ted = prediction(rng, TED, rng.choice([1.0, rng.random()]),
                         is_end_to_end_prediction=ted_reads_text and rng.random() < 0.5)
        predictions = [memoization, rules, ted]
        for index, policy, reads_text in ((0, MEMOIZATION, False), (2, TED, ted_reads_text)):
            decided = rules_decide(rules, policy[1], reads_text, conversation)
            outcomes[decided] += 1
            if decided:
                without = [skipped(policy) if i == index else p for i, p in enumerate(predictions)]
                assert picked(without, conversation) == picked(predictions, conversation)
    assert outcomes[True] > 500 and outcomes[False] > 500, outcomes


def test_the_rules_do_not_decide_where_the_other_policies_could_win():
    certain = PolicyPrediction([0.0, 1.0], *RULES)
    unsure = PolicyPrediction([0.0, 0.3], *RULES)
    assert rules_decide(certain, TED[1], False, tracker(rejected=False))
    assert not rules_decide(unsure, TED[1], False, tracker(rejected=False))  # no rule applies: core fallback
    assert not rules_decide(certain, RULES[1], False, tracker(rejected=False))  # a policy ranked like the rules
    assert not rules_decide(certain, TED[1], True, tracker(rejected=False))  # TED trained on text
    assert not rules_decide(certain, TED[1], False, tracker(rejected=True))  # the ensemble zeroes the rejected
