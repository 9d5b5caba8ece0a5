"""Intent accuracy on the held-out set (tests/nlu/), which training never sees.

Parsed by the running model over HTTP (/model/parse). Prints the accuracy per language and the
worst confusions; fails below 0.90.
"""

from __future__ import annotations

import collections
import re
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import yaml

from tests import services

MIN_ACCURACY = 0.90
# Filled by the accuracy test, printed at the end of the run by tests/conftest.py.
ACCURACY: dict[str, str] = {}
ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]+\)|\{[^}]+\})")


def heldout(language: str) -> list[tuple[str, str]]:
    data = yaml.safe_load((services.ROOT / "tests" / "nlu" / f"{language}_heldout.yml").read_text("utf-8"))
    examples = []
    for block in data["nlu"]:
        for line in block["examples"].splitlines():
            text = line.strip().removeprefix("- ").strip()
            if text:
                examples.append((ANNOTATION.sub(r"\1", text), block["intent"]))
    return examples


def training_texts() -> set[str]:
    texts = set()
    for path in (services.ROOT / "nlu_data").rglob("*.yml"):
        for block in (yaml.safe_load(path.read_text("utf-8")) or {}).get("nlu", []):
            for line in (block.get("examples") or "").splitlines():
                texts.add(ANNOTATION.sub(r"\1", line.strip().removeprefix("- ").strip()).lower())
    return texts


@pytest.mark.parametrize("language", ["zh", "en"])
def test_heldout_set_is_not_in_training(language):
    overlap = {text.lower() for text, _ in heldout(language)} & training_texts()
    assert not overlap


def heldout_accuracy(rasa_url: str, language: str) -> tuple[float, collections.Counter]:
    """Intent accuracy of the running model on the held-out set, and its (wanted, got) confusions."""
    examples = heldout(language)
    with httpx.Client(timeout=30, auth=services.rasa_auth()) as client, ThreadPoolExecutor(4) as pool:
        predicted = list(pool.map(
            lambda text: client.post(f"{rasa_url}/model/parse", json={"text": text}).json()["intent"]["name"],
            [text for text, _ in examples]))
    errors = collections.Counter((want, got) for (_, want), got in zip(examples, predicted, strict=True) if want != got)
    return 1 - sum(errors.values()) / len(examples), errors


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
