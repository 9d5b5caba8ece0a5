"""The intent as DIET and a logistic regression agree on it (bot/intent_ensemble.py): the regression learns from the
same sentence features, its ranking is averaged with DIET's, and a long message's many words do not outvote the
request in it. On the real model: tests/test_nlu_heldout.py, tests/test_nlu_variants.py (long messages)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.intent_ensemble import IntentEnsemble

# Word features: 0 查 1 保单 2 交 3 保费 4 天气; 5..9 filler words of a long message's context.
VOCABULARY = 10


def _message(words: dict[int, int], intent: str | None = None, diet: list[tuple[str, float]] | None = None) -> Message:
    counts = np.zeros((1, VOCABULARY))
    for index, count in words.items():
        counts[0, index] = count
    message = Message(data={TEXT: "x" * sum(words.values()), **({INTENT: intent} if intent else {})})
    message.set(TOKENS_NAMES[TEXT], [Token("x", i) for i in range(sum(words.values()))])
    message.add_features(Features(scipy.sparse.coo_matrix(counts), FEATURE_TYPE_SENTENCE, TEXT, "words"))
    message.add_features(Features(np.zeros((1, 4)), FEATURE_TYPE_SENTENCE, TEXT, "encoder"))
    if diet is not None:
        message.set(INTENT_RANKING_KEY, [{"name": name, "confidence": c} for name, c in diet])
    return message


TRAINING = [
    *[_message({0: 1, 1: 1}, "query_policy") for _ in range(5)],
    *[_message({2: 1, 3: 1}, "pay_premium") for _ in range(5)],
    *[_message({4: 1}, "out_of_scope") for _ in range(5)],
    # The only examples with context words happen to be payments: raw counts would tie the context to paying.
    *[_message({2: 1, 3: 1, 5: 1, 6: 1, 7: 1}, "pay_premium") for _ in range(2)],
]


@pytest.fixture(scope="module")
def storage(tmp_path_factory: pytest.TempPathFactory) -> LocalModelStorage:
    return LocalModelStorage(tmp_path_factory.mktemp("storage"))


@pytest.fixture(scope="module")
def trained(storage: LocalModelStorage) -> IntentEnsemble:
    context = ExecutionContext(GraphSchema({}), node_name="ensemble")
    ensemble = IntentEnsemble.create({**IntentEnsemble.get_default_config()}, storage, Resource("ensemble"), context)
    ensemble.train(TrainingData(TRAINING))
    return ensemble


def test_the_ranking_is_diets_and_the_regressions_averaged(trained: IntentEnsemble):
    message = _message({0: 1, 1: 1}, diet=[("pay_premium", 0.6), ("query_policy", 0.4)])
    regression = dict(zip(trained.clf.classes_, trained.clf.predict_proba(trained._create_X([message]))[0],
                          strict=True))
    trained.process([message])
    ranking = {r["name"]: r["confidence"] for r in message.get(INTENT_RANKING_KEY)}
    assert ranking["query_policy"] == pytest.approx(0.3 * 0.4 + 0.7 * regression["query_policy"])
    assert ranking["out_of_scope"] == pytest.approx(0.7 * regression["out_of_scope"])  # not in DIET's ranking
    # DIET unsure and wrong, the regression sure: the words 查 保单 are a policy lookup.
    assert message.get(INTENT)["name"] == "query_policy"
    assert message.get(INTENT)["confidence"] == max(ranking.values())


def test_a_long_message_is_read_by_its_words_not_by_its_length(trained: IntentEnsemble):
    """查 保单 wrapped in three words of context (the context, in training, only around payments)."""
    long = _message({0: 1, 1: 1, 5: 3, 6: 3, 7: 3}, diet=[("query_policy", 0.5), ("pay_premium", 0.5)])
    trained.process([long])
    assert long.get(INTENT)["name"] == "query_policy"
    words = trained._create_X([long])[:, :VOCABULARY].toarray()
    assert np.allclose(words[words > 0], 1 / np.sqrt(5))  # present or absent, scaled to length one


def test_training_examples_keep_their_own_intents(trained: IntentEnsemble):
    data = TrainingData([_message({2: 1, 3: 1}, "query_policy")])  # mislabelled on purpose: kept as written
    trained.process_training_data(data)
    assert data.training_examples[0].get(INTENT) == "query_policy"


def test_a_message_without_features_keeps_diets_answer(trained: IntentEnsemble):
    empty = Message(data={TEXT: ""})
    empty.set(INTENT, {"name": "greet", "confidence": 0.9})
    trained.process([empty])
    assert empty.get(INTENT)["name"] == "greet"


def test_the_loaded_component_ranks_as_the_trained_one(trained: IntentEnsemble, storage: LocalModelStorage):
    context = ExecutionContext(GraphSchema({}), node_name="ensemble")
    loaded = IntentEnsemble.load({**IntentEnsemble.get_default_config()}, storage, Resource("ensemble"), context)
    messages = [_message({4: 1}, diet=[("out_of_scope", 0.8)]), _message({2: 1, 3: 1}, diet=[("pay_premium", 0.9)])]
    assert [m.get(INTENT)["name"] for m in loaded.process(messages)] == ["out_of_scope", "pay_premium"]
    assert loaded.diet_weight == trained.diet_weight


def test_the_features_are_rasas_sentence_features_in_rasas_order(trained: IntentEnsemble):
    """The component reads the sentence features itself (Rasa's getter also combines every token's); the columns
    must be those Rasa's getter gives, or a model would be read with another one's columns."""
    message = _message({0: 2, 3: 1})
    message.add_features(Features(scipy.sparse.coo_matrix(np.array([[0, 5, 0]])), FEATURE_TYPE_SENTENCE, TEXT, "regex"))
    message.add_features(Features(scipy.sparse.coo_matrix(np.ones((2, 3))), "sequence", TEXT, "regex"))
    message.add_features(Features(np.full((1, 2), 0.5), FEATURE_TYPE_SENTENCE, TEXT, "second_encoder"))
    rasa_words = message.get_sparse_features(TEXT)[1].features.toarray()
    rasa_sentence = message.get_dense_features(TEXT)[1].features
    ours = trained._create_X([message]).toarray()[0]
    present = (rasa_words[0] > 0).astype(float)
    assert np.allclose(ours[:VOCABULARY + 3], present / np.linalg.norm(present))
    assert np.allclose(ours[VOCABULARY + 3:], rasa_sentence[0])
