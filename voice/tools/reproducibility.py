"""What a voice figure came from, so runs on different hosts can be compared: the CPU, the matrix
library CTranslate2 runs on, the test set's hash and the hash of what the recogniser heard.

`python -m voice.tools.reproducibility` prints all of them (transcribing the whole test set offline takes
about three minutes); two hosts with the same transcripts hash heard exactly the same words.
"""

from __future__ import annotations

import hashlib
import json
import platform
from pathlib import Path

from voice.native_config import kernel_variables, numpy_pinned
from voice.tools import testset

# Instruction sets CTranslate2 and oneDNN choose kernels by, best first.
_ISA_FLAGS = (("avx512_vnni", "AVX512-VNNI"), ("avx512f", "AVX512"), ("avx2", "AVX2"), ("avx", "AVX"))


def _cpuinfo() -> dict[str, str]:
    info: dict[str, str] = {}
    cpuinfo = Path("/proc/cpuinfo")
    for line in cpuinfo.read_text().splitlines() if cpuinfo.exists() else []:
        key, _, value = line.partition(":")
        info.setdefault(key.strip(), value.strip())
    return info


def cpu_model() -> str:
    return _cpuinfo().get("model name") or platform.processor() or platform.machine()


def cpu_isa() -> str:
    flags = set(_cpuinfo().get("flags", "").split())
    return next((name for flag, name in _ISA_FLAGS if flag in flags), "GENERIC")


def gemm_backend() -> str:
    """The library CTranslate2's int8 matrix products run on: its own rule (src/cpu/backend.cc) is MKL on
    Intel CPUs and oneDNN on any other unless CT2_USE_MKL says otherwise (voice/native_config.py pins oneDNN)."""
    # The library's own variable, as the library reads it: the report says what really ran.
    forced = kernel_variables().get("CT2_USE_MKL", "").strip().lower()
    if forced:
        return "MKL" if forced in ("1", "true", "on", "yes") else "oneDNN"
    return "MKL" if _cpuinfo().get("vendor_id") == "GenuineIntel" else "oneDNN"


def transcripts_hash(transcripts: dict[str, str]) -> str:
    """One hash for what was heard, utterance by utterance."""
    return hashlib.sha256(json.dumps(transcripts, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:16]


def host_description() -> dict[str, str]:
    """The CPU and the kernels recognition runs on (pinned by voice/native_config.py unless VOICE_NUMERICS=native)."""
    kernels = kernel_variables()
    return {"cpu": cpu_model(), "cpu_isa": cpu_isa(), "ct2_gemm": gemm_backend(),
            "onednn_isa": kernels.get("ONEDNN_MAX_CPU_ISA", "auto"),
            "openblas": kernels.get("OPENBLAS_CORETYPE", "auto"),
            "numpy_avx512": "off" if numpy_pinned() else "on"}


def offline_transcripts(language: str) -> dict[str, str]:
    """The recogniser on every utterance of the test set, whole (not streamed), as the gateway would hear it."""
    from voice.line.codec import to_whisper, ulaw_decode
    from voice.recognition.asr import SpeechRecognizer

    recognizer = SpeechRecognizer()
    return {u.id: recognizer.transcribe(to_whisper(ulaw_decode(testset.audio(u))), language).text
            for u in testset.load(language)}


def main() -> None:
    for key, value in host_description().items():
        print(f"{key}: {value}")
    print(f"voice test set: {testset.shipped_hash()}")
    for language in ("zh", "en"):
        heard = offline_transcripts(language)
        Path("var").mkdir(exist_ok=True)
        out = Path("var") / f"voice-transcripts-{language}.json"
        out.write_text(json.dumps(heard, ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8")
        print(f"transcripts {language}: {transcripts_hash(heard)} ({len(heard)} utterances, each in {out})")


if __name__ == "__main__":
    main()
