"""Calls through the real Media Streams endpoint of a running voice gateway, to the real Rasa model.

The spoken test set (voice/tools/testset.py) is streamed as a carrier would send it. The full 112 + 112
utterances go through in `make bench` (bench/voice.py); here a representative subset of 20 per
language (every fifth or so, noisy ones included) keeps the suite's time reasonable.
"""

from __future__ import annotations

import asyncio
import base64
import io
import re
import time
import wave

import httpx
import numpy as np
import pytest

from devstack import services
from voice.line.codec import ulaw_decode
from voice.tools import testset
from voice.tools.carrier import one_utterance_call

SUBSET = 20
# Share of the subset whose spoken form must reach the typed form's intent. Measured here (make bench,
# whole set): English about 0.95, Mandarin about 0.75 (Whisper base on synthetic 8 kHz speech, one in three
# noisy). These floors catch a regression; the 0.95 target is the bench's figure, not met for Mandarin yet.
MIN_AGREEMENT = {"zh": 0.5, "en": 0.85}


def subset(language: str) -> list[testset.Utterance]:
    items = testset.load(language)
    step = len(items) / SUBSET
    return [items[int(i * step)] for i in range(SUBSET)]


def parse_intent(rasa_url: str, text: str) -> str:
    return httpx.post(f"{rasa_url}/model/parse", json={"text": text}, timeout=30, auth=services.rasa_auth()).json()["intent"]["name"]


def text_path_reply(rasa_url: str, text: str) -> str:
    sender = f"text-{time.monotonic_ns()}"
    replies = httpx.post(f"{rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60,
                         auth=services.rasa_auth()).json()
    return "\n".join(r["text"] for r in replies if r.get("text"))


def caller_turns(record: dict) -> list[dict]:
    return [t for t in record["turns"] if t["speaker"] == "caller"]


def test_the_test_set_has_100_spoken_utterances_per_language_some_noisy(voice_testset):
    for language in ("zh", "en"):
        items = testset.load(language)
        assert len(items) >= 100
        assert 0.2 <= sum(u.noisy for u in items) / len(items) <= 0.5
        for u in items[:5]:
            audio = testset.audio(u)
            assert 0.8 < len(audio) / 8000 < 15  # seconds of 8 kHz mu-law, one byte a sample
            assert 0 < u.speech_end <= len(audio)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_spoken_requests_reach_the_same_intent_and_answer_as_typed_ones(voice, language):
    """Each utterance is a new call; the assistant must read the same intent as from the typed
    sentence and give the typed sentence's answer, spoken back as audio."""
    agree, same_answer, results = 0, 0, []
    for utterance in subset(language):
        turn = asyncio.run(one_utterance_call(voice.ws_url, testset.audio(utterance), utterance.speech_end, language,
                                          auth_token=voice.twilio_auth_token))
        record = voice.record_of_call(turn.call_sid)
        said = [t for t in caller_turns(record) if t["source"] == "speech"]
        transcript = said[0]["text"] if said else ""
        voice_intent = parse_intent(voice.rasa_url, transcript) if transcript else None
        text_intent = parse_intent(voice.rasa_url, utterance.text)
        bot_reply = [t["text"] for t in record["turns"] if t["speaker"] == "bot" and t["source"] == "assistant"]
        results.append((utterance.text, transcript, text_intent, voice_intent))
        assert len(turn.reply_pcm) > 8000 * 0.5, "the answer must be spoken"
        if voice_intent == text_intent:
            agree += 1
            # Said in the call's language, and the same answer the chat gives.
            assert bot_reply and bool(re.search(r"[\u4e00-\u9fff]", bot_reply[0])) == (language == "zh")
            same_answer += bot_reply[0] == text_path_reply(voice.rasa_url, utterance.text)
    misses = [r for r in results if r[2] != r[3]]
    assert agree / len(results) >= MIN_AGREEMENT[language], misses
    assert same_answer >= 0.9 * agree, results


def test_a_short_reply_ending_at_the_first_pause_still_reaches_the_assistant(voice):
    # Recognition starts at the first 100 ms pause; on that cut Whisper took 不是不是 for no speech. The whole
    # utterance then gets its own run, so the caller's "no" is not lost (the assistant reads a refusal).
    utterance = next(u for u in testset.load("zh") if u.text == "不是不是")
    turn = asyncio.run(one_utterance_call(voice.ws_url, testset.audio(utterance), utterance.speech_end, "zh",
                                          auth_token=voice.twilio_auth_token))
    said = [t["text"] for t in caller_turns(voice.record_of_call(turn.call_sid)) if t["source"] == "speech"]
    assert said and parse_intent(voice.rasa_url, said[0]) == "deny", said


def test_keypad_menu_language_number_entry_with_read_back_and_masked_transcript(voice):
    """No language given: the caller presses 2 for English, keys a phone number, confirms the read-back
    with 1; the assistant gets the number and asks for the ID digits; the stored transcript masks it."""

    async def scenario() -> str:
        async with voice.carrier() as carrier:
            await carrier.wait_for("mark", 1)  # the bilingual menu
            await carrier.press("2")
            await carrier.wait_for("mark", 2)  # English welcome
            await carrier.press("13900139000#")
            await carrier.wait_for("mark", 3)  # "You keyed 1 3 9 ... Press 1 if that's right"
            await carrier.press("1")
            await carrier.wait_for("mark", 4)
            return carrier.call_sid

    call_sid = asyncio.run(scenario())
    record = voice.record_of_call(call_sid)
    texts = [(t["speaker"], t["source"], t["text"]) for t in record["turns"]]
    assert record["language"] == "en"
    assert any("For English, press 2" in text for _, _, text in texts)
    # The read-back ("You keyed 1 3 9 0 0 …") and the confirmed number are stored masked.
    assert any(source == "prompt" and "You keyed 139****9000" in text for _, source, text in texts), texts
    assert ("caller", "confirmed", "139****9000") in texts
    assert not any("13900139000" in text for _, _, text in texts)
    tracker = httpx.get(f"{voice.rasa_url}/conversations/{voice.call_id_of(call_sid)}/tracker", timeout=10,
                        auth=services.rasa_auth()).json()
    assert [e["text"] for e in tracker["events"] if e["event"] == "user"] == ["13900139000"]
    last_bot = [t for t in record["turns"] if t["speaker"] == "bot"][-1]["text"]
    assert "last 4" in last_bot.lower() or "id" in last_bot.lower(), last_bot


def test_a_spoken_phone_number_is_read_back_before_the_assistant_gets_it(voice):
    utterance = next(u for u in testset.load("zh", extras=True) if "13800138000" in u.text)

    async def scenario() -> str:
        async with voice.carrier(language="zh") as carrier:
            await carrier.wait_for("mark", 1)
            await carrier.send_audio(testset.audio(utterance), realtime=True, realtime_from=utterance.speech_end)
            await carrier.send_silence(1.0)
            await carrier.wait_for("mark", 2, timeout=60)  # the read-back
            await carrier.press("1")
            await carrier.wait_for("mark", 3, timeout=60)
            return carrier.call_sid

    call_sid = asyncio.run(scenario())
    record = voice.record_of_call(call_sid)
    read_back = [t["text"] for t in record["turns"] if t["source"] == "prompt" and "我听到的号码是" in t["text"]]
    assert len(read_back) == 1, record["turns"]
    tracker = httpx.get(f"{voice.rasa_url}/conversations/{voice.call_id_of(call_sid)}/tracker", timeout=10,
                        auth=services.rasa_auth()).json()
    user_texts = [e["text"] for e in tracker["events"] if e["event"] == "user"]
    assert len(user_texts) == 1, user_texts
    heard = "".join(c for c in user_texts[0] if c.isdigit())
    assert len(heard) >= 6  # recognition may miss a digit: that is what the read-back is for
    # Confirmed with 1: the assistant gets the number that was read back. The stored transcript masks
    # it when it is a phone (the read-back too), else keeps the digits as read (幺 三 八 …).
    if len(heard) == 11 and heard[0] == "1":
        assert f"{heard[:3]}****{heard[-4:]}" in read_back[0], (read_back, heard)
        assert not any(heard in t["text"] for t in record["turns"])
    else:
        read = "".join(str("零幺二三四五六七八九".index(c)) for c in read_back[0] if c in "零幺二三四五六七八九")
        assert read == heard, (read_back, heard)


def test_caller_speech_during_a_reply_clears_the_playing_audio(voice):
    """Barge-in: the carrier has not played the greeting yet (no mark echoed) when the caller talks."""
    utterance = testset.load("en")[0]

    async def scenario() -> tuple[list[str], str]:
        async with voice.carrier(language="en", echo_marks=False) as carrier:
            await carrier.wait_for("media", 1)
            await carrier.send_audio(testset.audio(utterance), realtime=True)
            await carrier.wait_for("clear", 1, timeout=10)
            await carrier.send_silence(1.0)
            await carrier.wait_for("mark", 2, timeout=60)  # the answer to what was said still comes
            return [e.event for e in carrier.events], carrier.call_sid

    events, call_sid = asyncio.run(scenario())
    assert events.index("clear") < len(events) - 1
    assert any(t["source"] == "speech" for t in caller_turns(voice.record_of_call(call_sid)))


def test_a_silent_or_noisy_line_invents_no_text_and_the_call_ends(voice):
    """Silence, then line noise: nothing reaches the assistant; after two prompts the line hangs up."""
    rng = np.random.default_rng(3)
    noise = (rng.normal(0, 300, 8000 * 4)).astype(np.int16)

    async def scenario() -> tuple[str, int | None, float]:
        from voice.line.codec import ulaw_encode

        async with voice.carrier(language="zh") as carrier:
            await carrier.wait_for("mark", 1)
            await carrier.send_silence(2.0, realtime=False)
            await carrier.send_audio(ulaw_encode(noise), realtime=False)
            start = time.monotonic()
            while not carrier.closed.is_set() and time.monotonic() - start < 60:
                await carrier.send_silence(0.5)
            return carrier.call_sid, carrier.close_code, time.monotonic() - start

    call_sid, close_code, waited = asyncio.run(scenario())
    record = voice.record_of_call(call_sid)
    assert caller_turns(record) == []
    assert record["end_reason"] == "silence" and close_code == 1000
    prompts = [t["text"] for t in record["turns"] if t["speaker"] == "bot"]
    assert any("您还在吗" in p for p in prompts) and any("再见" in p for p in prompts)
    tracker = httpx.get(f"{voice.rasa_url}/conversations/{voice.call_id_of(call_sid)}/tracker", timeout=10,
                        auth=services.rasa_auth()).json()
    assert not [e for e in tracker["events"] if e["event"] == "user"]


def _active_calls_drop_to_zero(voice, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while voice.get("/health")["active_calls"] != 0:
        assert time.monotonic() < deadline, "the call was not freed"
        time.sleep(0.2)


@pytest.mark.parametrize("garbage", [
    ["this is not json"] * 12,
    ['{"event": "media", "media": {"payload": "//8="}}'],  # audio before any start: not a call
    [b"\x00\x01\x02" * 100] * 12,  # binary frames
    ['{"event": "start", "start": {}}'] * 12,  # a start without a stream id
])
def test_garbage_on_the_websocket_closes_the_stream_cleanly(voice, garbage):
    async def scenario() -> int | None:
        import websockets

        # Signed as the carrier's: garbage from behind the signature check is what reaches the stream handler.
        async with websockets.connect(voice.ws_url, ping_interval=None, additional_headers=voice.upgrade_headers()) as ws:
            for message in garbage:
                await ws.send(message)
            if len(garbage) == 1:
                await asyncio.sleep(0.2)
                for _ in range(11):
                    await ws.send('{"event": "dtmf", "dtmf": {"digit": "1"}}')
            try:
                await asyncio.wait_for(ws.recv(), timeout=15)
            except websockets.ConnectionClosed as exc:
                return exc.rcvd.code if exc.rcvd else None
        return None

    assert asyncio.run(scenario()) == 1008  # policy violation: what was sent is not Media Streams
    _active_calls_drop_to_zero(voice)
    assert voice.get("/health")["status"] == "ok"


def test_a_caller_who_vanishes_mid_sentence_frees_the_call(voice):
    utterance = testset.load("zh")[3]

    async def scenario() -> str:
        carrier = voice.carrier(language="zh")
        await carrier.__aenter__()
        await carrier.wait_for("mark", 1)
        audio = testset.audio(utterance)
        await carrier.send_audio(audio[: len(audio) // 2], realtime=False)  # half a sentence
        assert voice.get("/health")["active_calls"] >= 1
        await carrier.abort()  # no stop, no close handshake
        if carrier._reader:
            carrier._reader.cancel()
        return carrier.call_sid

    call_sid = asyncio.run(scenario())
    _active_calls_drop_to_zero(voice)
    assert voice.record_of_call(call_sid)["end_reason"] == "caller_gone"


def test_a_ten_minute_monologue_is_cut_into_pieces_with_bounded_memory(voice):
    """Ten minutes without a pause: audio is buffered at most 15 s at a time, the text is capped, and
    the caller is asked to be brief; the call goes on and the memory stays put."""
    clips = []
    for u in testset.load("en")[:40]:
        pcm = ulaw_decode(testset.audio(u))
        loud = np.flatnonzero(np.abs(pcm.astype(int)) > 300)
        clips.append(pcm[loud[0]:loud[-1]] if len(loud) else pcm)
    speech = np.concatenate(clips)
    from voice.line.codec import ulaw_encode

    ten_minutes = ulaw_encode(np.resize(speech, 8000 * 600))
    before = voice.get("/stats")

    async def scenario() -> tuple[str, int]:
        async with voice.carrier(language="en") as carrier:
            await carrier.wait_for("mark", 1)
            await carrier.send_audio(ten_minutes, realtime=False)
            await carrier.send_silence(1.0)
            await carrier.wait_for("mark", 2, timeout=240)
            return carrier.call_sid, carrier.count("mark")

    call_sid, _ = asyncio.run(scenario())
    after = voice.get("/stats")
    assert after["max_buffered_audio_s"] <= 15.5
    assert after["rss_mb"] - before["rss_mb"] < 150, (before, after)
    record = voice.record_of_call(call_sid)
    said = caller_turns(record)
    assert len(said) == 1 and len(said[0]["text"]) > 200  # one message, not forty
    bot = [t["text"] for t in record["turns"] if t["source"] == "assistant"]
    assert bot  # the call goes on: the assistant answered
    if len(said[0]["text"]) > 1000:
        assert "too long" in bot[-1]
    _active_calls_drop_to_zero(voice)


def test_one_recorded_utterance_over_http(voice):
    utterance = next(u for u in testset.load("en") if not u.noisy and u.intent == "claim_status")
    pcm = ulaw_decode(testset.audio(utterance))
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(8000)
        wav.writeframes(pcm.tobytes())
    response = httpx.post(f"{voice.url}/utterance", files={"audio": ("q.wav", out.getvalue(), "audio/wav")},
                          data={"language": "en"}, headers=voice.headers, timeout=120)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["intent"] == parse_intent(voice.rasa_url, utterance.text)
    assert body["reply_text"]
    with wave.open(io.BytesIO(base64.b64decode(body["reply_audio_wav"]))) as wav:
        assert wav.getframerate() == 8000 and wav.getnframes() > 8000
    bad = httpx.post(f"{voice.url}/utterance", files={"audio": ("x.wav", b"not audio at all", "audio/wav")},
                     headers=voice.headers, timeout=30)
    assert bad.status_code == 400 and "decode" in bad.json()["detail"]
