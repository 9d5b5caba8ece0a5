"""Other forms of our characters read as the ones the data knows by the NLU (common/character_forms.py,
MixedTokenizer, the sentence encoder): a customer who writes 保單 is understood as one who writes 保单, ＨＬ２０２４
as HL2024, and what she wrote is what entities are cut from."""

from __future__ import annotations

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu_components import MixedTokenizer
from common import character_forms
from common.character_forms import half_width, plain_forms, simplified
from common.language import detect

PAIRS = [
    ("我的保單裡寫的等待期是多久", "我的保单里写的等待期是多久"),
    ("保費我要怎麼繳", "保费我要怎么缴"),
    ("我的車險有沒有包含涉水", "我的车险有没有包含涉水"),
    ("對 是我本人", "对 是我本人"),
]


@pytest.mark.parametrize(("traditional", "simple"), PAIRS)
def test_traditional_text_becomes_the_simplified_text(traditional: str, simple: str):
    assert simplified(traditional) == simple


def test_english_and_simplified_text_are_left_as_they_are():
    for text in ("what does my policy cover", "HL20240001", "我的保单", "my 保单 please 🙏"):
        assert simplified(text) == text


class _TaiwanPhrases:
    """A converter that rewrites a phrase into a longer one, as OpenCC's Taiwan phrase tables do (SQL注入 ->
    SQL隱碼攻擊)."""

    def convert(self, text: str) -> str:
        return text.replace("SQL注入", "SQL隱碼攻擊")


def test_a_conversion_that_moves_the_offsets_is_not_used(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(character_forms, "_converter", _TaiwanPhrases)
    assert simplified("什麼是SQL注入") == "什麼是SQL注入"


@pytest.fixture(scope="module")
def tokenizer(tmp_path_factory: pytest.TempPathFactory) -> MixedTokenizer:
    storage = LocalModelStorage(tmp_path_factory.mktemp("storage"))
    context = ExecutionContext(GraphSchema({}), node_name="tokenizer")
    return MixedTokenizer.create({**MixedTokenizer.get_default_config()}, storage, Resource("tokenizer"), context)


@pytest.mark.parametrize(("traditional", "simple"), PAIRS)
def test_traditional_and_simplified_messages_get_the_same_words(tokenizer: MixedTokenizer, traditional: str,
                                                                simple: str):
    words = [token.text for token in tokenizer.tokenize(Message(data={TEXT: traditional}), TEXT)]
    assert words == [token.text for token in tokenizer.tokenize(Message(data={TEXT: simple}), TEXT)]


def test_token_offsets_cut_the_customers_own_characters(tokenizer: MixedTokenizer):
    text = "幫我查一下保單HL20240001的狀態"
    tokens = tokenizer.tokenize(Message(data={TEXT: text}), TEXT)
    assert "".join(text[t.start:t.end] for t in tokens) == text.replace(" ", "")
    number = next(t for t in tokens if t.text.startswith("hl"))
    assert text[number.start:number.end] == "HL20240001"


def test_training_data_is_read_as_written(tokenizer: MixedTokenizer):
    """The model learns the data as it is (its Traditional examples too), so a change of the reading at
    inference does not retrain it; customers' messages are read as Simplified again afterwards."""
    data = TrainingData([Message(data={TEXT: "我的保單", INTENT: "query_policy"})])
    tokenizer.process_training_data(data)
    assert "".join(token.text for token in data.training_examples[0].get(TOKENS_NAMES[TEXT])) == "我的保單"
    message = Message(data={TEXT: "我的保單"})
    assert "".join(token.text for token in tokenizer.tokenize(message, TEXT)) == "我的保单"


def test_full_width_letters_and_digits_are_read_as_ascii_and_punctuation_stays():
    assert half_width("我的保单号是ＨＬ２０２４０００１，谢谢") == "我的保单号是HL20240001，谢谢"
    assert plain_forms("ｍｙ ｐｏｌｉｃｙ ｐｌｅａｓｅ？") == "my policy please？"
    assert plain_forms("保單ＨＬ２０２４０００１") == "保单HL20240001"


def test_a_message_typed_in_full_width_gets_the_words_of_its_ascii_twin(tokenizer: MixedTokenizer):
    text = "查一下保单ＨＬ２０２４０００１"
    tokens = tokenizer.tokenize(Message(data={TEXT: text}), TEXT)
    assert [t.text for t in tokens] == [t.text for t in tokenizer.tokenize(Message(data={TEXT: half_width(text)}), TEXT)]
    number = next(t for t in tokens if t.text.startswith("hl"))
    assert text[number.start:number.end] == "ＨＬ２０２４０００１"


def test_full_width_english_is_english_and_a_full_width_number_says_nothing_about_language():
    assert detect("ｍｙ ｐｏｌｉｃｙ ｐｌｅａｓｅ") == "en"
    assert detect("ＨＬ２０２４０００１") is None
