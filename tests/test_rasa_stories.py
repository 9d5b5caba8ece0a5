"""Dialogue tests in Rasa's own format: `rasa test core` on tests/stories must predict every action."""

from __future__ import annotations

import os
import subprocess

from devstack import services


def test_test_stories_have_no_prediction_errors(tmp_path):
    result = subprocess.run(
        [services.RASA, "test", "core", "--stories", str(services.ROOT / "tests" / "stories"),
         "--model", str(services.MODEL), "--out", str(tmp_path), "--fail-on-prediction-errors",
         "--no-plot"],
        cwd=services.ROOT, capture_output=True, text=True, timeout=900,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
    )
    failed = (tmp_path / "failed_test_stories.yml")
    report = failed.read_text() if failed.exists() else ""
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:] + report
