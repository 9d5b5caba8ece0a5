"""Off-topic messages never start an identity check: 50 of them (25 zh, 25 en), each in its own new
conversation through Rasa's signed REST channel with the real action server and policy API.

The messages are the dev split of our out-of-scope set (tests/nlu/dev/), which training never sees,
with the hard negatives among them ("帮我交…电费", "track order 2025…", a phone number to top up).
"""

from __future__ import annotations

import httpx
import pytest
import yaml

from devstack import services
from nlu_gen.examples import read_examples

PER_LANGUAGE = 25


def identity_prompts() -> list[str]:
    """Every text with which the assistant asks a customer to identify themselves (both languages)."""
    responses = yaml.safe_load((services.ROOT / "bot" / "domain" / "responses.yml").read_text("utf-8"))["responses"]
    return [variant["text"] for name in ("utter_ask_identity_key", "utter_ask_id_last4") for variant in responses[name]]


def off_topic(language: str) -> list[str]:
    texts = [text for text, _ in read_examples(services.ROOT / "tests" / "nlu" / "dev" / f"{language}_out_of_scope.yml")]
    # Spread over the file (it runs domain by domain), so the 25 cover many domains.
    step = max(1, len(texts) // PER_LANGUAGE)
    return texts[::step][:PER_LANGUAGE]


def test_off_topic_messages_are_taken_from_many_domains():
    for language in ("zh", "en"):
        assert len(set(off_topic(language))) == PER_LANGUAGE


@pytest.mark.parametrize("language", ["zh", "en"])
def test_no_off_topic_message_ends_in_an_identity_prompt(stack, new_chat, language):
    prompts = identity_prompts()
    started = []
    for text in off_topic(language):
        chat = new_chat()
        reply = chat.say(text)
        tracker = httpx.get(f"{stack.rasa_url}/conversations/{chat.sender}/tracker", timeout=10,
                            auth=services.rasa_auth()).json()
        loop = (tracker.get("active_loop") or {}).get("name")
        assert reply.strip(), f"no reply to {text!r}"
        if loop == "identity_form" or any(prompt in reply for prompt in prompts):
            started.append((text, reply))
    assert not started, started


def test_an_unsure_request_gets_one_clarifying_question_with_the_closest_intents(stack, new_chat):
    """A dev request the gate doubted (taken as nlu_fallback, a transactional intent on top) is answered with
    buttons for the closest intents and "something else", not with an identity prompt; a click on the
    right one then starts the request."""
    from tests.test_nlu_gate import gate_config, parse

    transactional = set(gate_config()["transactional"])
    # The dev split first; the held-out variants (typos, mixed scripts) if no dev request happens to be doubted by
    # this training's draw: which sentences fall below the threshold changes with every retrain.
    nlu = services.ROOT / "tests" / "nlu"
    texts = [t for path in [*sorted((nlu / "dev").glob("*.yml")), nlu / "zh_variants.yml", nlu / "en_variants.yml"]
             for t, _ in read_examples(path)]
    def closest(result: dict) -> str:
        return next(r["name"] for r in result["intent_ranking"] if r["name"] != "nlu_fallback")

    doubted = [(text, closest(result)) for text, result in zip(texts, parse(stack.rasa_url, texts), strict=True)
               if result["intent"]["name"] == "nlu_fallback" and not result["question"]
               and closest(result) in transactional]
    assert doubted, "no dev or variant request was doubted: nothing to walk through"
    text, intent = doubted[0]
    chat = new_chat()
    replies = chat.send(text)
    payloads = [button["payload"] for reply in replies for button in reply.get("buttons") or []]
    assert f"/{intent}" in payloads, (text, replies)
    assert "/out_of_scope" in payloads
    assert not any(prompt in r.get("text", "") for r in replies for prompt in identity_prompts())
    chat.click(f"/{intent}")
    tracker = httpx.get(f"{stack.rasa_url}/conversations/{chat.sender}/tracker", timeout=10,
                        auth=services.rasa_auth()).json()
    assert tracker["latest_message"]["intent"]["name"] == intent
    assert any(e.get("event") == "action" and e.get("name") == "action_handle_request" for e in tracker["events"])
