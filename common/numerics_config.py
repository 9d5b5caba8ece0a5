"""The same floating-point kernels on every x86-64 host, for the libraries that pick theirs by the CPU they find.

numpy (its AVX-512 or AVX2 loops), OpenBLAS inside numpy (SkylakeX, Haswell or Zen kernels) and oneDNN inside
TensorFlow (AVX-512 VNNI, AVX-512 or AVX2 kernels) each sum in another order on another CPU. The NLU model is
trained on both: the sentence encoder's features in numpy, DIET in TensorFlow. Unpinned, the same inputs trained
a different model on an AMD host than on an earlier host (English long variants 18/69 against 33/69), so an
accuracy measured on one machine said little about the next. Pinned to AVX2 (any x86-64 server of
the last decade), each of these libraries runs the same kernels everywhere, a little slower than each host's
fastest. The voice gateway pins the same libraries, and CTranslate2 too (voice/native_config.py).
The same kernels are not yet the same sums for training: TensorFlow's matrix products still block by the cache
sizes of the CPU, and an AMD host trained another model than an Intel one with these pins
(docs/nlu.md; `python -m bench.numerics_fingerprint` shows which stage differs between two hosts).

Each variable is read by its library when it loads (numpy's at `import numpy`, oneDNN's at the first model),
so `pin()` must run before numpy is imported; `python -m common.numerics_config` prints them for a shell
script (scripts/train.sh) to export before `rasa train`.
NLU_NUMERICS=native leaves each library its own choice (or the operator's).
"""

from __future__ import annotations

import os
import platform
import shlex
from pathlib import Path

# numpy's names are those of the Rasa venv's numpy 1.23 (its dispatch targets above AVX2 on servers; Xeon Phi's
# are left out, numpy warns of them on every other CPU); the voice gateway's
# numpy 2 calls the same set X86_V4.
PINNED = {
    "NPY_DISABLE_CPU_FEATURES": "AVX512F AVX512CD AVX512_SKX AVX512_CLX AVX512_CNL AVX512_ICL",
    "OPENBLAS_CORETYPE": "Haswell",
    "ONEDNN_MAX_CPU_ISA": "AVX2",
}


def _has_avx2() -> bool:
    cpuinfo = Path("/proc/cpuinfo")
    return cpuinfo.exists() and " avx2" in cpuinfo.read_text()


def pinnable(switch: str) -> bool:
    """Whether to pin: not when the operator asked for each host's own kernels (`switch`=native), nor on a host
    without AVX2, which has no such kernels to pin to."""
    if os.environ.get(switch, "pinned") == "native":
        return False
    return platform.machine() in ("x86_64", "AMD64") and _has_avx2()


def pin(switch: str = "NLU_NUMERICS") -> dict[str, str]:
    """Set the pinned kernels, over any value inherited: a parent that pinned the voice gateway's numpy 2 names
    (the tests' process, which starts Rasa) would otherwise leave numpy 1.23's AVX-512 loops on. An operator who
    wants other kernels sets `switch` to native and chooses them."""
    if not pinnable(switch):
        return {}
    os.environ.update(PINNED)
    return dict(PINNED)


def main() -> None:
    for name, value in pin().items():
        print(f"export {name}={shlex.quote(value)}")


if __name__ == "__main__":
    main()
