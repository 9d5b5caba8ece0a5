"""The NLU model is trained and served on the same kernels on every x86-64 host (common/numerics_config.py); one
host repeats its own arithmetic exactly (the same kernels are not yet the same sums on another kind of CPU:
docs/nlu.md, `bench.numerics_fingerprint`)."""

from __future__ import annotations

import os
import subprocess

import pytest

from common.numerics_config import PINNED, pinnable
from devstack import services
from voice.native_config import PINNED as VOICE_PINNED

pytestmark = pytest.mark.skipif(not pinnable("NLU_NUMERICS"), reason="NLU_NUMERICS=native, or a host without AVX2")

# numpy 1.23's own account of the AVX-512 loops it may dispatch to, and what oneDNN was told.
REPORT = ("import numpy, os; from numpy.core._multiarray_umath import __cpu_features__ as f; "
          "print(f['AVX512F'], f['AVX512_SKX'], os.environ.get('ONEDNN_MAX_CPU_ISA'), os.environ.get('OPENBLAS_CORETYPE'))")


def rasa_python(code: str, **env: str) -> list[str]:
    # Inherited: the voice gateway's pins, which the tests' own process may hold (numpy 2 names).
    inherited = {**os.environ, "NPY_DISABLE_CPU_FEATURES": VOICE_PINNED["NPY_DISABLE_CPU_FEATURES"], **env}
    result = subprocess.run([services.RASA_PYTHON, "-W", "ignore", "-c", code], cwd=services.ROOT, env=inherited,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.split()


def test_the_rasa_server_runs_numpy_and_onednn_without_avx512():
    # `python -m bot.server` imports the bot package before Rasa, numpy or TensorFlow.
    assert rasa_python(f"import bot; {REPORT}") == ["False", "False", "AVX2", "Haswell"]


def test_training_gets_the_same_kernels():
    script = f'eval "$({services.RASA_PYTHON} -m common.numerics_config)"; {services.RASA_PYTHON} -W ignore -c "{REPORT}"'
    result = subprocess.run(["bash", "-c", script], cwd=services.ROOT, capture_output=True, text=True, timeout=120,
                            env={k: v for k, v in os.environ.items() if k not in PINNED})
    assert result.stdout.split() == ["False", "False", "AVX2", "Haswell"], result.stderr[-2000:]
    train = (services.ROOT / "scripts" / "train.sh").read_text("utf-8")
    assert train.index("common.numerics_config") < train.index("rasa train")
    assert "common/numerics_config.py" in train.split("inputs=")[1].splitlines()[0]  # a change of kernels retrains


def test_the_app_venv_keeps_the_voice_gateways_pins():
    # The tests' own process imports modules of the bot package; its numpy 2 keeps speech's kernel names.
    result = subprocess.run([services.APP_PYTHON, "-c", "import voice, bot, os; print(os.environ['NPY_DISABLE_CPU_FEATURES'])"],
                            cwd=services.ROOT, capture_output=True, text=True, timeout=120,
                            env={k: v for k, v in os.environ.items() if k not in PINNED})
    assert result.stdout.strip() == VOICE_PINNED["NPY_DISABLE_CPU_FEATURES"], result.stderr[-2000:]


def test_an_operator_can_ask_for_each_hosts_own_kernels():
    assert rasa_python("import bot, os; print(os.environ.get('ONEDNN_MAX_CPU_ISA'))", NLU_NUMERICS="native",
                       ONEDNN_MAX_CPU_ISA="AVX512_CORE") == ["AVX512_CORE"]


def test_each_numeric_stage_repeats_exactly_on_one_host():
    """What makes a retraining of the same inputs on this host give the same model, and what another host's
    fingerprint is compared with: every stage hashes the same twice."""
    def fingerprint() -> list[str]:
        result = subprocess.run([services.RASA_PYTHON, "-W", "ignore", "-m", "bench.numerics_fingerprint"],
                                cwd=services.ROOT, capture_output=True, text=True, timeout=300,
                                env={k: v for k, v in os.environ.items() if k not in PINNED})
        assert result.returncode == 0, result.stderr[-2000:]
        return [line for line in result.stdout.splitlines() if not line.startswith("cpu:")]

    first = fingerprint()
    assert [line.split(":")[0] for line in first] == ["encoder", "numpy_matmul", "tf_dense", "tf_sparse_dense",
                                                      "tf_train"]
    assert all(len(line.split(": ")[1]) == 16 for line in first)
    assert fingerprint() == first
