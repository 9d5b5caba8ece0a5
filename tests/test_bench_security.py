"""How `make bench` counts the attack suite (bench/security.py): from pytest's own JUnit report, every
test in the total, only the passing ones refused. Checked on a real pytest run of a small suite."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bench.security import count

SUITE = '''
import pytest

def test_refused():
    assert True

def test_got_through():
    assert False, "the attack worked"

@pytest.mark.skip(reason="not tried")
def test_not_tried():
    pass

@pytest.fixture
def broken():
    raise RuntimeError("the service did not start")

def test_could_not_run(broken):
    pass

@pytest.mark.parametrize("door", ["chat", "console"])
def test_each_door(door):
    assert door
'''


def test_total_counts_every_test_and_refused_only_the_passing(tmp_path: Path) -> None:
    (tmp_path / "test_attacks.py").write_text(SUITE)
    junit = tmp_path / "report.xml"
    subprocess.run([sys.executable, "-m", "pytest", str(tmp_path), "-q", "-p", "no:cacheprovider",
                    f"--junitxml={junit}"], cwd=tmp_path, capture_output=True, check=False)
    counts = count(junit)
    assert (counts.total, counts.refused) == (6, 3)
    assert sorted(name.rsplit("::", 1)[1] for name in counts.not_refused) == [
        "test_could_not_run", "test_got_through", "test_not_tried"]
