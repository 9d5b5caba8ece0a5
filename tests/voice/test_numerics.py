"""Recognition runs on the same kernels on every host (voice/native_config.py), tests and gateway alike."""

from __future__ import annotations

import os
import subprocess

import pytest

from devstack.services import APP_PYTHON, ROOT
from voice.native_config import PINNED, numpy_pinned

native = os.environ.get("VOICE_NUMERICS") == "native"


@pytest.mark.skipif(native, reason="VOICE_NUMERICS=native: each library picks its own kernels")
def test_the_tests_hear_with_the_pinned_kernels():
    # The recogniser tests run in this process: numpy must have loaded after the pin, or its AVX-512 loops
    # would make other words than the gateway's.
    assert numpy_pinned()
    assert {name: os.environ[name] for name in PINNED} == PINNED


def run_python(code: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in PINNED and k != "VOICE_NUMERICS"}
    return subprocess.run([APP_PYTHON, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_a_process_that_imports_voice_first_runs_the_pinned_kernels():
    result = run_python("import voice, numpy, os; from voice.native_config import numpy_pinned; "
                        "print(numpy_pinned(), os.environ['ONEDNN_MAX_CPU_ISA'], os.environ['CT2_USE_MKL'])")
    assert result.stdout.split() == ["True", "AVX2", "0"], result.stderr


def test_a_process_that_loaded_numpy_first_is_told_its_words_may_differ():
    result = run_python("import logging; logging.basicConfig(); import numpy, voice")
    assert "numpy was loaded before the recognition numerics were pinned" in result.stderr


def test_an_operator_can_ask_for_each_hosts_own_kernels():
    env_code = "import os; os.environ['VOICE_NUMERICS'] = 'native'; import voice; print('CT2_USE_MKL' in os.environ)"
    assert run_python(env_code).stdout.strip() == "False"
