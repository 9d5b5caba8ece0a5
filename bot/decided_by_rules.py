"""Skip the policies that cannot change a prediction the rules have already made (Rasa 3.6).

Rasa runs every policy for every prediction, two or more a turn, and only then lets the ensemble
(`DefaultPolicyPredictionEnsemble._pick_best_policy`) pick one. When RulePolicy predicts an action with
confidence 1.0, no MemoizationPolicy or TEDPolicy prediction can be picked instead: the ensemble takes the
highest confidence, a tie goes to the higher priority (RulePolicy 6, MemoizationPolicy 3, TEDPolicy 1), and
neither policy predicts above 1.0. A rule's "no user" prediction (a form's happy path) overrules every
prediction of theirs whatever its confidence. Yet their work was done: TED's model on every prediction, the
largest single cost of a rule-driven turn such as a greeting or a policy lookup.

Here, when the rules' prediction already decides, those policies answer zeros instead of running (they cannot
win, and the ensemble's choice among the others does not depend on them), so the ensemble picks exactly what it
would have picked. They still run whenever the choice could be theirs:
- the rules are less than certain (no rule applies: the core fallback's 0.3; or RulePolicy configured to use
  the NLU confidence as its score), or a policy is configured with a priority at or above the rules';
- the last action was rejected (the ensemble then zeroes that action in every prediction, the rules' included);
- TED was trained on text as well as intents (end-to-end stories): its text prediction overrules any prediction
  from the intent.
`tests/test_decided_by_rules.py` walks the test and training stories through the trained model both ways.
"""

from __future__ import annotations

from typing import Any

from rasa.core.policies.memoization import MemoizationPolicy
from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.core.policies.rule_policy import RulePolicy
from rasa.core.policies.ted_policy import TEDPolicy
from rasa.core.policies.unexpected_intent_policy import UnexpecTEDIntentPolicy
from rasa.engine.graph import GraphNode, GraphSchema
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.core.events import ActionExecuted, ActionExecutionRejected
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import TEXT

PREDICT = "predict_action_probabilities"
_rasa_build_dask_graph = DaskGraphRunner._build_dask_graph


def can_predict_from_text(policy: Policy) -> bool:
    return isinstance(policy, TEDPolicy) and TEXT in policy.fake_features


def last_action_rejected(tracker: DialogueStateTracker) -> bool:
    for event in reversed(tracker.events):
        if isinstance(event, (ActionExecuted, ActionExecutionRejected)):
            return isinstance(event, ActionExecutionRejected)
    return False


def rules_decide(rules: PolicyPrediction, priority: int, from_text: bool, tracker: DialogueStateTracker) -> bool:
    """Whether the ensemble picks the rules' prediction (or another's) over anything a policy of this priority
    could predict; `from_text`: the policy may predict from the user's text (end-to-end)."""
    if from_text or last_action_rejected(tracker):
        return False
    if rules.is_no_user_prediction:
        return True
    return rules.max_confidence >= 1.0 and rules.policy_priority > priority


def _tracker_in(inputs: tuple[Any, ...]) -> DialogueStateTracker | None:
    """The tracker among a graph node's inputs, each (the name of the node that gave it, the value)."""
    for given in inputs:
        if isinstance(given, tuple) and isinstance(given[1], DialogueStateTracker):
            return given[1]
    return None


class UnlessRulesDecide:
    """A policy's graph task that runs the policy only when the rules' prediction does not decide."""

    def __init__(self, node: GraphNode) -> None:
        self.node = node

    def __call__(self, rules_output: tuple[str, PolicyPrediction], *inputs: Any) -> tuple[str, Any]:
        policy: Policy | None = self.node._component
        tracker = _tracker_in(inputs)
        rules = rules_output[1]
        if policy is None or tracker is None \
                or not rules_decide(rules, policy.priority, can_predict_from_text(policy), tracker):
            return self.node(*inputs)
        return self.node._node_name, policy._prediction([0.0] * len(rules.probabilities))


def _predicting(schema: GraphSchema, policy_class: type | tuple[type, ...],
                not_class: type | tuple[type, ...] = ()) -> list[str]:
    return [name for name, node in schema.nodes.items()
            if node.fn == PREDICT and issubclass(node.uses, policy_class) and not issubclass(node.uses, not_class)]


def _build_dask_graph(self: DaskGraphRunner, schema: GraphSchema) -> dict[str, Any]:
    graph = _rasa_build_dask_graph(self, schema)
    rule_nodes = _predicting(schema, RulePolicy)
    if len(rule_nodes) != 1:
        return graph
    # RulePolicy is a MemoizationPolicy; UnexpecTEDIntentPolicy, a TEDPolicy, has its own rules in the ensemble.
    for name in _predicting(schema, (MemoizationPolicy, TEDPolicy), not_class=(RulePolicy, UnexpecTEDIntentPolicy)):
        node, *needs = graph[name]
        graph[name] = (UnlessRulesDecide(node), rule_nodes[0], *needs)
    return graph


def install() -> None:
    DaskGraphRunner._build_dask_graph = _build_dask_graph  # type: ignore[method-assign]


def uninstall() -> None:
    """Rasa's own graph again (for comparing the two)."""
    DaskGraphRunner._build_dask_graph = _rasa_build_dask_graph  # type: ignore[method-assign]
