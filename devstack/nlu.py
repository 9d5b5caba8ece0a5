"""Intent accuracy of a running Rasa on the held-out set (tests/nlu/), parsed over HTTP (/model/parse)."""

from __future__ import annotations

import collections
from concurrent.futures import ThreadPoolExecutor

import httpx

from devstack import services
from nlu_gen.examples import read_examples

NLU_TESTS = services.ROOT / "tests" / "nlu"


def heldout(language: str) -> list[tuple[str, str]]:
    return read_examples(NLU_TESTS / f"{language}_heldout.yml")


def intent_accuracy(rasa_url: str, examples: list[tuple[str, str]]) -> tuple[float, collections.Counter]:
    """Intent accuracy of the running model on (text, intent) examples, and its (wanted, got) confusions."""
    with httpx.Client(timeout=30, auth=services.rasa_auth()) as client, ThreadPoolExecutor(4) as pool:
        predicted = list(pool.map(
            lambda text: client.post(f"{rasa_url}/model/parse", json={"text": text}).json()["intent"]["name"],
            [text for text, _ in examples]))
    errors = collections.Counter((want, got) for (_, want), got in zip(examples, predicted, strict=True) if want != got)
    return 1 - sum(errors.values()) / len(examples), errors


def heldout_accuracy(rasa_url: str, language: str) -> tuple[float, collections.Counter]:
    """Intent accuracy of the running model on the held-out set, and its (wanted, got) confusions."""
    return intent_accuracy(rasa_url, heldout(language))
