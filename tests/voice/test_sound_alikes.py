"""Sound-alike sentences in the assistant's words, and Whisper reading them against the caller's audio:
a slip the audio supports is corrected, a likelier sentence the audio does not support is not.

The rules of the acoustic check are tested on stand-in probabilities (HeardAs); the tests that read the shipped
test set's audio with the real model passed on one AMD EPYC host with the pinned AVX2 kernels and with its own
AVX-512 VNNI ones (VOICE_NUMERICS=native), 2026-12-04."""

from __future__ import annotations

from typing import Any

import pytest
from faster_whisper.audio import pad_or_trim
from faster_whisper.tokenizer import Tokenizer

from voice.line.codec import to_whisper, ulaw_decode
from voice.recognition.acoustic_check import PROPOSALS, AcousticCheck
from voice.recognition.asr import SpeechRecognizer
from voice.recognition.sound_alike_search import proposals, sound_cost, syllable
from voice.tools import testset


def test_close_syllables_cost_less_than_distant_ones():
    assert sound_cost(syllable("洗"), syllable("洗")) == 0
    assert sound_cost(syllable("站"), syllable("张")) == 0.5  # an/ang, a commonly confused pair
    assert sound_cost(syllable("洗"), syllable("续")) == 1  # xi/xu
    assert sound_cost(syllable("洗"), syllable("保")) > 1.5  # nothing alike: never proposed


def test_a_slip_gets_the_assistants_sentence_proposed():
    assert "我要续一下保单" in proposals("我要洗一下保单")
    assert "交一下费" in proposals("交一下肺")


def test_a_sentence_in_the_assistants_own_words_gets_no_proposals():
    for said in ("我想查一下我的保单", "理赔进度怎么查", "你好", "转人工"):
        assert proposals(said) == [], said


def test_numbers_latin_words_and_spaces_stay_as_they_were_heard():
    for candidate in proposals("保单HL20240001我要洗一下 ok"):
        assert "HL20240001" in candidate and candidate.endswith(" ok"), candidate


def test_a_doubtful_character_before_trusted_ones_still_gets_several_readings():
    # 傻 is doubtful, 情况 after it is trusted: every reading ends in the same two characters, and the search must
    # not keep only the likeliest one (Whisper, not the text model, tells 啥 from 把).
    readings = proposals("我的理赔现在傻情况", 3)
    assert len(readings) == 3 and all(r.startswith("我的理赔现在") and r.endswith("情况") for r in readings)


def test_a_long_monologue_piece_is_not_searched():
    # Each piece of a 10-minute monologue pays the search once; past MAX_UNTRUSTED it would cost seconds.
    slips = "我要洗一下保单" * 2
    assert proposals(slips)
    assert proposals(slips * 25) == []  # 50 untrusted characters


@pytest.fixture(scope="module")
def recognizer() -> SpeechRecognizer:
    return SpeechRecognizer()


def check_against(recognizer: SpeechRecognizer, said: str, heard: str, readings: list[str] | None = None) -> str | None:
    """What the acoustic check makes of `heard` for the test set's recording of `said`."""
    [utterance] = [u for u in testset.load("zh") if u.text == said]
    model = recognizer.base
    features = model.feature_extractor(to_whisper(ulaw_decode(testset.audio(utterance))))
    encoder_output = model.encode(pad_or_trim(features))  # 30 s as faster-whisper pads it, then cut short
    tokenizer = Tokenizer(model.hf_tokenizer, True, "transcribe", "zh")
    check = AcousticCheck(model.model.inner, tokenizer)
    return check.better_sentence(encoder_output, [*tokenizer.sot_sequence, tokenizer.no_timestamps], heard, readings)


def test_the_audio_confirms_the_renewal_the_recogniser_misheard(recognizer):
    # 续 (xu) written as 洗 (xi, "wash"): the assistant would look the policy up instead of renewing it.
    assert check_against(recognizer, "我要续一下保单", "我要洗一下保单") == "我要续一下保单"


def test_a_likelier_sentence_the_audio_does_not_support_is_not_taken(recognizer):
    # Whisper wrote 保休洗澡戴啥 for 报销需要带啥; the domain model would like 报销需要多少, which was not said.
    assert proposals("保休洗澡戴啥")
    assert check_against(recognizer, "报销需要带啥", "保休洗澡戴啥") is None


class CharacterTokenizer:
    """One token per character: a stand-in for Whisper's tokenizer, so each stand-in probability is one character's."""

    def encode(self, text: str) -> list[int]:
        return [ord(c) for c in text]

    def decode(self, ids: list[int]) -> str:
        return "".join(map(chr, ids))


class HeardAs(AcousticCheck):
    """The acoustic check with Whisper's reading of the audio given: each candidate's character probabilities.
    The rules are tested on these controlled inputs, so no host's arithmetic can move them."""

    def __init__(self, probabilities: dict[str, list[float]]) -> None:
        super().__init__(model=None, tokenizer=CharacterTokenizer())
        self.probabilities = probabilities

    def token_probabilities(self, encoder_output: Any, prompt: list[int], texts: list[str]) -> list[list[float]]:
        return [self.probabilities[text] for text in texts]


def read_alike(heard: str, probabilities: list[float], **others: list[float]) -> HeardAs:
    """Whisper reads `heard` and every sound-alike proposal of it with the same probabilities, unless given."""
    return HeardAs({text: probabilities for text in [heard, *proposals(heard, PROPOSALS)]} | others)


def test_characters_whisper_was_sure_of_are_not_rewritten():
    # 算了算了 ("forget it") written 站了上雷: the domain model would make it 怎么样了 (a claim-status question).
    # Every proposal rewrites the 了 Whisper heard with near certainty, so none is taken, however likely.
    heard = "站了上雷"
    assert proposals(heard)[0] == "怎么样了"
    assert all(p[1] != "了" for p in proposals(heard, PROPOSALS))
    assert read_alike(heard, [0.3, 0.96, 0.3, 0.3]).better_sentence(None, [], heard) is None
    # The rule, not the scores, kept it out: with the same 了 in doubt the domain model's favourite wins.
    assert read_alike(heard, [0.3, 0.6, 0.3, 0.3]).better_sentence(None, [], heard) == "怎么样了"


def test_a_short_reply_whisper_reads_with_replies_as_context_is_confirmed():
    # With a few short replies as its context Whisper reads the same audio as 算了算了. That is acoustic evidence,
    # not the text model's guess: it is weighed without the sure-character rule (here Whisper, read without that
    # context, was sure of 雷) and wins on the domain model (20 nats likelier) though a little less likely to Whisper.
    heard, reading = "站了上雷", "算了算了"
    check = read_alike(heard, [0.3, 0.96, 0.3, 0.95], **{reading: [0.2, 0.9, 0.2, 0.2]})
    assert check.better_sentence(None, [], heard, readings=[reading]) == reading
    # A reading the audio does not support at all stays out, however likely to the domain model.
    check = read_alike(heard, [0.3, 0.96, 0.3, 0.3], **{reading: [0.001, 0.01, 0.001, 0.001]})
    assert check.better_sentence(None, [], heard, readings=[reading]) is None


def test_a_reading_the_domain_model_likes_less_is_not_taken_even_if_whisper_prefers_it():
    # 缴一下费 heard as 交一下费 (in the assistant's words); the reply-context reading 酒一下肺 is likelier to Whisper
    # but not to the domain model: the transcript stays.
    heard, reading = "交一下费", "酒一下肺"
    check = read_alike(heard, [0.5, 0.9, 0.9, 0.5], **{reading: [0.9, 0.9, 0.9, 0.9]})
    for proposal in proposals(heard, PROPOSALS):
        check.probabilities[proposal] = [0.01] * len(proposal)  # the audio does not support these
    assert check.better_sentence(None, [], heard, readings=[reading]) is None


def test_a_reading_further_from_the_assistants_words_is_not_taken(recognizer):
    # 缴一下费 heard as 交一下费 (in the assistant's words); the reply-context reading 酒一下肺 is likelier to Whisper
    # but not to the domain model, so the transcript stays.
    assert check_against(recognizer, "缴一下费", "交一下费", readings=["酒一下肺"]) is None


def test_each_character_gets_the_probability_of_the_tokens_that_spell_it(recognizer):
    model = recognizer.base
    check = AcousticCheck(model.model.inner, Tokenizer(model.hf_tokenizer, True, "transcribe", "zh"))
    text = "我要续一下保单 ok"
    tokens = check.tokenizer.encode(text)
    per_character = check.character_probabilities(text, [0.5] * len(tokens))
    assert len(per_character) == len(text) and all(0 < p <= 0.5 for p in per_character)
