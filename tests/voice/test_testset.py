"""The spoken test set is the same bytes on every host: shipped, checked at load, remade only on purpose."""

from __future__ import annotations

import json
import shutil
import wave
from pathlib import Path

import numpy as np
import pytest

from voice.tools import testset


def test_every_host_loads_the_shipped_bytes():
    items = testset.verify()
    manifest = json.loads((testset.TESTSET_DIR / "manifest.json").read_text("utf-8"))
    assert manifest["hash"] == testset.set_hash(items) == testset.shipped_hash()
    for language in ("zh", "en"):
        spoken = testset.load(language)
        assert len(spoken) >= 100 and 0.3 < sum(u.noisy for u in spoken) / len(spoken) < 0.36
        assert all(0 < u.speech_end <= len(testset.audio(u)) for u in spoken)


def test_the_set_speaks_the_heldout_sentences_as_they_are_now():
    # A held-out sentence added, changed or relabelled since the set was made: the figures would not be about
    # the held-out set any more. `make voice-testset-rebuild` makes a new draw, committed on purpose.
    assert testset.stale_utterances() == []


@pytest.fixture
def copied_set(tmp_path: Path) -> Path:
    folder = tmp_path / "testset"
    shutil.copytree(testset.TESTSET_DIR, folder)
    return folder


def test_a_file_that_is_not_the_shipped_one_is_refused_by_name(copied_set):
    victim = copied_set / "audio" / "zh-023.ul"
    data = bytearray(victim.read_bytes())
    data[100] ^= 0x01  # one bit of one sample
    victim.write_bytes(bytes(data))
    with pytest.raises(testset.TestsetMismatch, match="zh-023.ul"):
        testset.verify(copied_set)


def test_a_missing_file_or_a_manifest_edited_by_hand_is_refused(copied_set):
    manifest = copied_set / "manifest.json"
    content = json.loads(manifest.read_text("utf-8"))
    content["utterances"][0]["text"] = "我要退保"  # relabelled without new audio
    manifest.write_text(json.dumps(content, ensure_ascii=False), "utf-8")
    with pytest.raises(testset.TestsetMismatch, match="edited by hand"):
        testset.verify(copied_set)
    shutil.copy(testset.TESTSET_DIR / "manifest.json", manifest)
    (copied_set / "audio" / "en-001.ul").unlink()
    with pytest.raises(testset.TestsetMismatch, match="en-001.ul"):
        testset.verify(copied_set)


def test_the_phone_line_stage_gives_the_same_bytes_every_time(tmp_path):
    # sox draws its noise and its dither from a clock-seeded generator unless told to repeat (-R): without it
    # every build of the set differed, on one host as on another.
    clean = tmp_path / "clean.wav"
    t = np.arange(24000) / 24000
    with wave.open(str(clean), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(24000)
        out.writeframes((np.sin(2 * np.pi * 220 * t) * 8000).astype(np.int16).tobytes())
    made = []
    for run in range(2):
        target = tmp_path / f"line{run}.ul"
        testset.to_phone_line(clean, target, noisy=True)
        made.append(target.read_bytes())
    assert made[0] == made[1] and len(made[0]) == int((1 + testset.LEAD_S + testset.TAIL_S) * 8000)
