"""IntentGate: a request that would start an identity check, a payment or a claim needs evidence.

Runs after DIET and the FallbackClassifier. Its rules:

* A transactional intent (config `transactional`) predicted below `threshold` becomes `nlu_fallback`,
  ranking kept: the dialogue then asks one clarifying question with the closest intents as buttons,
  or answers from the knowledge base when the message is a question (actions/handoff.py). A wrong
  guess there costs the customer one click; a wrong guess here starts an identity check for "book
  me a flight". The threshold is calibrated on a dev split (bench/nlu_calibrate.py, docs/nlu.md).
* `inform` is an answer to what the bot asked, or a bare number/code. A message that asks something
  ("我买的保险50万保额够吗") is not one, whatever its numbers: it takes the next intent in the ranking,
  its confidence read as a share of what `inform` left when the classifier was sure of `inform`.
* A statement carrying one of our identifiers, found by pattern, is `inform` when the classifier wavered
  with `inform` as its best reading.

Every message also carries `question: true|false` in its parse data, so actions can tell a question
("is 500k enough?") from a request ("pay my premium") without judging the words again.
"""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from common.character_forms import plain_forms

QUESTION_KEY = "question"
# Entities our regexes find (nlu_data/regex.yml): a policy, claim or phone number.
IDENTIFIER_ENTITIES = frozenset({"policy_number", "claim_number", "phone"})
INFORM = "inform"
# Question words and particles. Chinese asks with particles and question words anywhere in the
# sentence; English mostly with a question mark or an opening question word.
ZH_QUESTION = re.compile(r"[?？]|吗|呢|什么|怎么|怎样|如何|多少|几[天年岁个次号点月钱份张]|够不够|能不能|可不可以|是不是|有没有"
                         r"|要不要|会不会|哪|为什么|为啥|咋|啥|靠谱|划算|值不值")
EN_QUESTION = re.compile(r"\?|^\s*(?:what|what's|whats|how|why|when|where|which|who|is|are|am|can|could|do|does|did"
                         r"|should|will|would|may|has|have|isn't|aren't|won't)\b|\bor not\b", re.IGNORECASE)


def is_question(text: str) -> bool:
    """True when the message asks something (a question mark, a question word or particle)."""
    if text.strip().startswith("/"):  # a button payload
        return False
    # Traditional characters as Simplified: 嗎, 什麼 and 為什麼 ask as 吗, 什么 and 为什么 do; ｗｈａｔ as what.
    text = plain_forms(text)
    return bool(ZH_QUESTION.search(text) or EN_QUESTION.search(text))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class IntentGate(GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"threshold": 0.0, "transactional": []}

    def __init__(self, config: dict[str, Any]) -> None:
        self.threshold = float(config["threshold"])
        self.transactional = frozenset(config["transactional"])

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> GraphComponent:
        return cls(config)

    def process_training_data(self, training_data: Any) -> Any:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            question = is_question(message.get(TEXT) or "")
            message.set(QUESTION_KEY, question, add_to_output=True)
            intent = message.get(INTENT) or {}
            name, confidence = intent.get(INTENT_NAME_KEY), intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0
            if question and self._read_as_inform(message, name):
                unsure = name == DEFAULT_NLU_FALLBACK_INTENT_NAME
                name, confidence = self._next_best(message, exclude={INFORM, DEFAULT_NLU_FALLBACK_INTENT_NAME})
                # A question cannot be `inform`: when the classifier was sure of inform, the other intents are
                # read given "not inform", as shares of what it left. "住院花了3000块怎么理赔" is inform 0.98 /
                # claim_guidance 0.02 in one training and 0.51 / 0.49 in another: claim_guidance either way.
                # When it was torn (the fallback), the raw confidence must reach the threshold itself.
                if not unsure:
                    confidence = min(1.0, confidence / max(1e-9, 1.0 - self._confidence_of(message, INFORM)))
                if name and not (unsure and confidence < self.threshold):
                    message.set(INTENT, {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence},
                                add_to_output=True)
            elif not question and self._an_identifier_given(message, name):
                name, confidence = self._next_best(message, exclude={DEFAULT_NLU_FALLBACK_INTENT_NAME})
                message.set(INTENT, {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}, add_to_output=True)
            if name in self.transactional and confidence < self.threshold:
                # Confidence of the fallback as the FallbackClassifier gives it: the threshold not reached.
                message.set(INTENT, {INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME,
                                     PREDICTED_CONFIDENCE_KEY: self.threshold}, add_to_output=True)
        return messages

    def _read_as_inform(self, message: Message, name: str | None) -> bool:
        """The classifier's best reading is `inform`: predicted outright, or the fallback's only because
        `inform` and a close second were too near to call ("住院花了3000块怎么理赔": inform 0.51, claim 0.49)."""
        if name == INFORM:
            return True
        best, _ = self._next_best(message, exclude={DEFAULT_NLU_FALLBACK_INTENT_NAME})
        return name == DEFAULT_NLU_FALLBACK_INTENT_NAME and best == INFORM

    def _an_identifier_given(self, message: Message, name: str | None) -> bool:
        """A statement carrying one of our identifiers (found by pattern, not by the classifier) that the
        classifier could not call, with `inform` its best reading: the answer the bot asked for ("我的保单号是
        AU20240002"). One training's DIET calls that inform at 0.99, another's falls just below the fallback's
        threshold; the identifier is the evidence either way."""
        if name != DEFAULT_NLU_FALLBACK_INTENT_NAME or not self._read_as_inform(message, name):
            return False
        return any(entity.get("entity") in IDENTIFIER_ENTITIES and entity.get("extractor") == "RegexEntityExtractor"
                   for entity in message.get(ENTITIES) or [])

    @staticmethod
    def _confidence_of(message: Message, intent: str) -> float:
        return next((c.get(PREDICTED_CONFIDENCE_KEY) or 0.0 for c in message.get(INTENT_RANKING_KEY) or []
                     if c.get(INTENT_NAME_KEY) == intent), 0.0)

    @staticmethod
    def _next_best(message: Message, exclude: set[str]) -> tuple[str | None, float]:
        for candidate in message.get(INTENT_RANKING_KEY) or []:
            if candidate.get(INTENT_NAME_KEY) not in exclude:
                return candidate[INTENT_NAME_KEY], candidate.get(PREDICTED_CONFIDENCE_KEY) or 0.0
        return None, 0.0
