"""The recogniser's Mandarin slips learned from the training sentences spoken through the line
(voice/tools/slip_mining.py) and applied to transcripts (voice/recognition/heard_slips.py)."""

from __future__ import annotations

import pytest

from voice.line.codec import to_whisper, ulaw_decode
from voice.recognition.asr import SpeechRecognizer
from voice.recognition.domain_lm import units
from voice.recognition.edit_distance import edit_distance
from voice.recognition.heard_slips import TABLE, HeardSlips, Slip, heard_slips, load_table, sentence_log_likelihood
from voice.recognition.lexicon import nlu_examples
from voice.settings import ROOT
from voice.tools import testset
from voice.tools.slip_mining import mine, slips_in


def test_a_slip_is_learned_with_the_word_it_was_heard_in():
    assert ("细保", "续保") in set(slips_in("细保怎么弄？", "续保怎么弄啊"))
    assert set(slips_in("我要查保单", "我要查保单")) == set()
    # Heard as something else altogether (more than four characters with nothing in common): not a slip.
    assert set(slips_in("维持一个很长的句子", "嗯嗯好的")) == set()


def test_mining_counts_how_often_the_heard_words_were_really_said():
    pairs = [("细保怎么弄", "续保怎么弄"), ("我要细保", "我要续保"), ("员工客服", "人工客服"),
             ("我们员工很多", "我们员工很多")]
    slips = {(s["heard"], s["said"]): s for s in mine(pairs)}
    assert slips[("细保", "续保")]["times"] == 2 and slips[("细保", "续保")]["heard_correctly"] == 0
    assert slips[("员工", "人工")]["times"] == 1 and slips[("员工", "人工")]["heard_correctly"] == 1


def test_only_slips_that_are_evidence_are_applied():
    slips = HeardSlips([
        Slip("细保", "续保", times=4, heard_correctly=0),
        Slip("员工", "人工", times=2, heard_correctly=3),  # heard right more often than wrong
        Slip("到七", "到期", times=1, heard_correctly=0),  # heard so once: chance
        Slip("上海", "伤害", times=5, heard_correctly=0),  # the training sentences say it: trusted
        Slip("细保单", "续保单", times=2, heard_correctly=0),
    ], known={"上海"})
    assert slips.correct("细保怎么弄") == "续保怎么弄"
    assert slips.correct("细保单到七了") == "续保单到七了"  # the longer slip first
    assert slips.correct("我们员工去上海") == "我们员工去上海"
    assert len(slips) == 2


def test_a_slip_applies_only_where_the_correction_reads_like_what_callers_say():
    # 是一 was heard for 续一 (续一下) in the mined speech; in 还是一年算 the heard words are the likelier.
    slips = HeardSlips([Slip("是一", "续一", times=4, heard_correctly=0)], set(), sentence_log_likelihood)
    assert slips.correct("我要是一下保单") == "我要续一下保单"
    assert slips.correct("免赔额是每次算还是一年算") == "免赔额是每次算还是一年算"


def test_the_learned_table_leaves_what_callers_say_correctly_alone():
    """Every held-out sentence (never trained on, never mined) goes through unchanged: a slip is only
    ever something the recogniser wrote, not what people say."""
    assert TABLE.exists(), "run python -m voice.tools.slip_mining"
    assert len(load_table(TABLE)) > 50 and len(heard_slips()) > 50
    held_out = [text for text, _ in nlu_examples(ROOT / "tests" / "nlu" / "zh_heldout.yml")]
    changed = [(text, heard_slips().correct(text)) for text in held_out if heard_slips().correct(text) != text]
    assert changed == []


@pytest.fixture(scope="module")
def heard_test_set() -> list[tuple[str, str]]:
    """(said, what Whisper wrote) for the Mandarin test set: real Whisper on the phone-line audio."""
    recognizer = SpeechRecognizer()
    return [(u.text, recognizer.transcribe(to_whisper(ulaw_decode(testset.audio(u))), "zh").raw)
            for u in testset.load("zh")]


def test_the_learned_slips_bring_test_transcripts_closer_to_what_was_said(heard_test_set, monkeypatch):
    """The test set's sentences were never mined; its transcripts cleaned with and without the table."""
    from voice.recognition import vocabulary

    def errors() -> int:
        return sum(edit_distance(units(said, "zh"), units(vocabulary.clean_transcript(raw, "zh"), "zh"))
                   for said, raw in heard_test_set)

    with_table = errors()
    monkeypatch.setattr(vocabulary, "heard_slips", lambda: HeardSlips([], set()))
    without = errors()
    total = sum(len(units(said, "zh")) for said, _ in heard_test_set)
    print(f"character errors on the Mandarin test set: {with_table} with the learned slips, {without} without, of {total}")
    assert with_table < without, (with_table, without, total)
