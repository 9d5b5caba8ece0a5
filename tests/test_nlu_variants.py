"""Intent accuracy on the robustness variants of the held-out set (tests/nlu/*_variants.yml, written by
nlu_gen.variants): typos, pinyin slips, traditional characters, mixed languages, emoji, very short and
very long messages, parsed by the running model. Prints the accuracy per rule; long messages are the
weak spot (docs/nlu.md), which the floor allows for."""

from __future__ import annotations

import collections
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from devstack import services
from nlu_gen import variants
from nlu_gen.examples import read_examples
from tests.test_nlu_heldout import ACCURACY

MIN_ACCURACY = 0.80


@pytest.mark.parametrize("language", ["zh", "en"])
def test_variant_intent_accuracy(stack, language):
    rows = variants.variants(read_examples(services.ROOT / "tests" / "nlu" / f"{language}_heldout.yml"), language,
                             exclude=frozenset(variants.training_texts()))
    with httpx.Client(timeout=30, auth=services.rasa_auth()) as client, ThreadPoolExecutor(4) as pool:
        predicted = list(pool.map(
            lambda text: client.post(f"{stack.rasa_url}/model/parse", json={"text": text}).json()["intent"]["name"],
            [text for _, text, _ in rows]))
    right, total = collections.Counter(), collections.Counter()
    for (rule, _, wanted), got in zip(rows, predicted, strict=True):
        total[rule] += 1
        right[rule] += got == wanted
    accuracy = sum(right.values()) / len(rows)
    per_rule = ", ".join(f"{rule} {right[rule]}/{total[rule]}" for rule in total)
    ACCURACY[f"{language} variants"] = f"{accuracy:.3f} on {len(rows)} examples ({per_rule})"
    assert accuracy >= MIN_ACCURACY, per_rule
