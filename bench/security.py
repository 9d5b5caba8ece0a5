"""Security figures: the attack suite (tests/security/) run against the real processes, merged into
bench/results.json as `security_attacks_total` (every test the suite has: each tries one attack, or
fuzzes one door) and `security_attacks_refused` (the tests that passed: the attack was refused and the
legitimate path still worked). A test that fails, errors or is skipped counts in the total only.

The counts come from pytest's own JUnit report, so they are the suite's, not a list kept here.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from bench.results import merge_results

ROOT = Path(__file__).resolve().parent.parent
SUITE = "tests/security"


@dataclass(frozen=True)
class AttackCounts:
    total: int
    refused: int
    not_refused: list[str]  # the tests that failed, errored or were skipped


def count(junit_xml: Path) -> AttackCounts:
    cases = ET.parse(junit_xml).getroot().iter("testcase")
    total, not_refused = 0, []
    for case in cases:
        total += 1
        if any(child.tag in ("failure", "error", "skipped") for child in case):
            not_refused.append(f"{case.get('classname')}::{case.get('name')}")
    return AttackCounts(total, total - len(not_refused), not_refused)


def run_suite(junit_xml: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "pytest", SUITE, "-q", "-p", "no:cacheprovider",
                             f"--junitxml={junit_xml}"], cwd=ROOT, check=False)
    if result.returncode not in (0, 1):  # 1: some tests failed (counted); anything else: no count at all
        raise SystemExit(f"pytest {SUITE} could not run (exit {result.returncode})")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        junit_xml = Path(tmp) / "security.xml"
        run_suite(junit_xml)
        counts = count(junit_xml)
    print(f"security: {counts.refused} of {counts.total} attacks refused")
    for name in counts.not_refused:
        print(f"  not refused: {name}")
    merge_results({"security_attacks_refused": counts.refused, "security_attacks_total": counts.total})


if __name__ == "__main__":
    main()
