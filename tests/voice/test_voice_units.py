"""The voice line's pure parts: mu-law, resampling, end-of-utterance detection, vocabulary fixes,
keypad entries, read-back, spoken options and hold prompts, and the Media Streams messages."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from voice.line import media_streams as ms
from voice.line.assistant import Handoff, reply_of
from voice.line.codec import FRAME_SAMPLES, frames, resample, ulaw_decode, ulaw_encode
from voice.line.dialogue import numbers_to_confirm
from voice.line.hub import QueueTicket
from voice.line.prompts import hold_prompt, spoken_options
from voice.line.tts import sentences, speakable
from voice.line.vad import StreamingVad, VadConfig
from voice.recognition.vocabulary import clean_transcript, keypad_to_text, spell_number

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import audioop  # the reference G.711 codec; gone in Python 3.13, which is why voice/line/codec.py exists


def test_mulaw_decoding_matches_the_reference_codec():
    every_byte = bytes(range(256))
    assert ulaw_decode(every_byte).tobytes() == audioop.ulaw2lin(every_byte, 2)


def test_mulaw_encoding_matches_the_reference_codec_and_round_trips():
    rng = np.random.default_rng(1)
    pcm = np.concatenate([rng.integers(-32768, 32767, 20000), np.array([0, 1, -1, 32767, -32768, 8000, -8000])])
    pcm = pcm.astype(np.int16)
    assert ulaw_encode(pcm) == audioop.lin2ulaw(pcm.tobytes(), 2)
    codes = bytes(c for c in range(256) if c != 0x7F)  # 0x7F and 0xFF are both zero
    assert ulaw_encode(ulaw_decode(codes)) == codes


def test_resampling_keeps_a_tone_and_removes_what_8khz_cannot_carry():
    t = np.arange(22050) / 22050
    tone = (8000 * np.sin(2 * np.pi * 440 * t)).astype(np.int16)
    high = (8000 * np.sin(2 * np.pi * 6000 * t)).astype(np.int16)  # above 4 kHz: must not alias into the band
    out_tone, out_high = resample(tone, 22050, 8000), resample(high, 22050, 8000)
    assert len(out_tone) == 8000
    assert np.sqrt(np.mean(out_tone[200:-200].astype(float) ** 2)) > 5000
    assert np.sqrt(np.mean(out_high[200:-200].astype(float) ** 2)) < 300
    up = resample(out_tone, 8000, 16000)
    assert len(up) == 16000


def test_frames_are_20ms_and_padded_with_silence():
    parts = frames(b"\x00" * 350)
    assert [len(p) for p in parts] == [160, 160, 160]
    assert parts[-1].endswith(b"\xff" * 130)


def _tone(seconds: float, level: int = 6000) -> np.ndarray:
    t = np.arange(int(seconds * 8000)) / 8000
    return (level * np.sin(2 * np.pi * 300 * t) * (1 + 0.3 * np.sin(2 * np.pi * 3 * t))).astype(np.int16)


def _feed(vad: StreamingVad, pcm: np.ndarray) -> list:
    out = []
    for i in range(0, len(pcm), FRAME_SAMPLES):
        started, utterance = vad.feed(pcm[i:i + FRAME_SAMPLES])
        out += ["start"] if started else []
        out += [utterance] if utterance is not None else []
    return out


def test_vad_ends_an_utterance_after_half_a_second_of_quiet():
    vad = StreamingVad()
    rng = np.random.default_rng(0)
    noise = lambda s: (rng.normal(0, 60, int(s * 8000))).astype(np.int16)  # noqa: E731 - quiet line hiss
    events = _feed(vad, np.concatenate([noise(1.0), _tone(1.5), noise(0.3)]))
    assert events == ["start"]  # still inside the pause
    events = _feed(vad, noise(0.3))
    assert events[-1].cut is False and 1.5 <= events[-1].seconds <= 2.5
    assert _feed(vad, noise(3.0)) == []  # hiss alone is never an utterance


def test_vad_drops_clicks_and_cuts_a_monologue_into_bounded_pieces():
    vad = StreamingVad(VadConfig(max_utterance_s=15))
    click = np.concatenate([np.zeros(800, np.int16), _tone(0.08), np.zeros(8000, np.int16)])
    assert [e for e in _feed(vad, click) if e != "start"] == []
    pieces = [e for e in _feed(vad, _tone(40)) if e != "start"]
    assert len(pieces) == 2 and all(p.cut and p.seconds <= 15.0 for p in pieces)
    assert vad.buffered_samples <= 15 * 8000
    ending = [e for e in _feed(vad, np.zeros(8000, np.int16)) if e != "start"]
    assert len(ending) == 1 and not ending[0].cut  # the rest of the monologue ends the utterance


def test_vad_closes_a_monologue_that_stops_exactly_at_a_cut():
    vad = StreamingVad(VadConfig(max_utterance_s=15))
    events = [e for e in _feed(vad, np.concatenate([np.zeros(1600, np.int16), _tone(30)])) if e != "start"]
    assert [e.cut for e in events] == [True, True]
    ending = [e for e in _feed(vad, np.zeros(8000, np.int16)) if e != "start"]
    assert len(ending) == 1 and not ending[0].cut and len(ending[0].pcm) == 0  # flush: send what was said


@pytest.mark.parametrize("heard, meant", [
    ("我想查一下我的宝单", "我想查一下我的保单"),
    ("怎么礼赔", "怎么理赔"),
    ("理陪进度怎么样了", "理赔进度怎么样了"),
    ("我要须保", "我要续保"),
    ("我的保單到期了", "我的保单到期了"),  # Traditional -> Simplified
    ("手机号幺三八零零幺三八零零零", "手机号13800138000"),
    ("保单号 H L 2024 0001", "保单号 HL20240001"),
    ("专人工", "转人工"),
    ("好，就聊到这。", "好 就聊到这"),
    ("大概三点五万", "大概三点五万"),  # an amount, not a digit string: the assistant's parser reads it
])
def test_mandarin_slips_are_corrected(heard, meant):
    assert clean_transcript(heard, "zh") == meant


@pytest.mark.parametrize("heard, meant", [
    ("车显快到骑了", "车险快到期了"),  # 车显/到骑: sound like 车险/到期, which the training data has
    ("我想问一下李培进度", "我想问一下理赔进度"),
    ("这个产品有没有免陪额", "这个产品有没有免赔额"),
    ("医疗险的等待其是多久", "医疗险的等待期是多久"),
    ("保单状太查询", "保单状态查询"),  # not 状太差询: 查询 is a word the assistant knows, it stays
])
def test_mandarin_sound_alikes_become_the_words_the_assistant_knows(heard, meant):
    assert clean_transcript(heard, "zh") == meant


@pytest.mark.parametrize("heard", ["你是真人还是机器人", "我要投诉你们的服务太差了", "今天天气怎么样", "帮我查一下保单"])
def test_a_correct_mandarin_transcript_is_left_alone(heard):
    assert clean_transcript(heard, "zh") == heard


@pytest.mark.parametrize("heard, meant", [
    ("My number is one three nine double oh one three nine triple oh.", "My number is 13900139000"),
    ("Policy H L two zero two four zero zero zero one", "Policy HL20240001"),
    ("What's my claimed status?", "What's my claim status"),
    ("Thanks a bunch.", "Thanks a bunch"),  # Whisper's punctuation made the model read "inform"
    ("About 3.5 thousand, or 1,200 dollars.", "About 3.5 thousand or 1,200 dollars"),  # numbers keep theirs
    ("I have one claim", "I have one claim"),  # a lone number word stays a word
    ("Okay that's everything by.", "Okay that's everything bye"),  # a goodbye, not "affirm"
    ("Can I pay by", "Can I pay by"),  # unfinished: the caller is still choosing how
    ("Ｇ＠", ""),
    ("...", ""),
])
def test_english_numbers_and_slips_are_corrected(heard, meant):
    assert clean_transcript(heard, "en") == meant


def test_keypad_entries_become_what_the_assistant_reads():
    assert keypad_to_text("4520240001") == "HL20240001"  # H=4 L=5 on the keypad
    assert keypad_to_text("2520250002#") == "CL20250002"
    assert keypad_to_text("13800138000") == "13800138000"
    assert keypad_to_text("1234") == "1234"


def test_numbers_are_read_back_digit_by_digit():
    assert spell_number("HL20240001", "en") == "H L 2 0 2 4 0 0 0 1"
    assert spell_number("13800138000", "zh") == "幺 三 八 零 零 幺 三 八 零 零 零"
    assert numbers_to_confirm("我的手机号是13800138000") == ["13800138000"]
    assert numbers_to_confirm("保单HL20240001的保费") == ["HL20240001"]
    assert numbers_to_confirm("住院花了3000块") == []  # amounts are not read back


def test_reply_texts_are_made_speakable():
    text = speakable("✅ 验证通过：保单 HL20240001。链接 https://pay.example/x", "zh")
    assert "✅" not in text and "https" not in text and "H L 二 零 二 四 零 零 零 幺" in text
    assert sentences("您好。请问有什么可以帮您？") == ["您好。 请问有什么可以帮您？"]  # a short one rides along


def test_buttons_become_spoken_options_with_keys():
    assert spoken_options(["好的", "不用了"], "zh") == "请说“好的”或“不用了”，或按1或2。"
    assert spoken_options(["Yes", "No thanks", "Talk to an agent"], "en") == \
        'Say "Yes", "No thanks" or "Talk to an agent", or press 1, 2 or 3.'


def test_hold_prompts_give_the_place_in_the_queue():
    assert "前面还有2位" in hold_prompt("zh", 3, 240) and "4分钟" in hold_prompt("zh", 3, 240)
    assert hold_prompt("en", 2, 30) == ("Transferring you to an agent. There is 1 caller ahead of you, "
                                        "about 1 minute. Please hold.")
    assert "next" in hold_prompt("en", 1, 0)
    assert "95500" in hold_prompt("zh", None, None)  # no hub answer: the hotline


def test_a_handoff_is_read_from_the_replys_payload():
    queued = reply_of([{"recipient_id": "c", "text": "正在为您转接人工客服，请稍候…"},
                       {"recipient_id": "c", "custom": {"type": "handoff", "reason": "request", "queued": True,
                                                        "request_id": "r-1", "position": 3,
                                                        "estimated_wait_s": 240}}])
    assert queued.text == "正在为您转接人工客服，请稍候…" and queued.handoff_reason == "request"
    assert queued.handoff == Handoff("request", QueueTicket("r-1", 3, 240.0))
    hotline = reply_of([{"text": "人工客服热线 95500-8888"},
                        {"custom": {"type": "handoff", "reason": "complaint", "queued": False, "request_id": None,
                                    "position": None, "estimated_wait_s": None}}])
    assert hotline.handoff == Handoff("complaint", None)  # not queued: the reply has given the hotline
    other = reply_of([{"text": "您的保单"}, {"custom": {"type": "policy_summary", "policies": []}}])
    assert other.handoff is None and other.handoff_reason is None and other.custom == [
        {"type": "policy_summary", "policies": []}]


def test_media_stream_messages():
    event, body = ms.parse(json.dumps({"event": "start", "streamSid": "MZ1", "start": {
        "callSid": "CA1", "customParameters": {"language": "en"}, "mediaFormat": {"sampleRate": 8000}}}))
    start = ms.start_of(body)
    assert (event, start.call_sid, start.custom) == ("start", "CA1", {"language": "en"})
    assert ms.media_payload({"media": {"payload": "//8="}}) == b"\xff\xff"
    for garbage in ["not json", "[1,2]", '{"event": 5}', "{" * 100000]:
        with pytest.raises(ms.ProtocolError):
            ms.parse(garbage)
    with pytest.raises(ms.ProtocolError):
        ms.media_payload({"media": {"payload": "!!not base64!!"}})
    with pytest.raises(ms.ProtocolError):
        ms.dtmf_digit({"dtmf": {"digit": "12"}})
    assert json.loads(ms.clear("MZ1")) == {"event": "clear", "streamSid": "MZ1"}
