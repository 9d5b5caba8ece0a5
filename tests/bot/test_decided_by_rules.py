"""Skipping the policies the rules overrule (bot/decided_by_rules.py) changes no prediction: every action
prediction of our test and training stories, made by the trained model with Rasa's own graph and with ours, is
the same (action confidences, policy, events), and TED did not run for the predictions the rules decided."""

from __future__ import annotations

import json
import os
import subprocess

from devstack import services

STORIES = ["tests/stories", "bot/data"]


def test_every_story_prediction_is_the_same_with_and_without_the_skip():
    result = subprocess.run(
        [services.RASA_PYTHON, "-m", "tests.bot.predictions_both_ways", str(services.MODEL), *STORIES],
        cwd=services.ROOT, capture_output=True, text=True, timeout=900,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["predictions"] > 300, summary
    assert summary["different"] == [], summary
    # Both kinds of prediction were walked: some the rules decided, some they left to TED or memoization.
    decided_by_rules = summary["by_policy"].get("RulePolicy", 0)
    assert 0 < decided_by_rules < summary["predictions"], summary
    # Rasa's graph runs TED for every prediction; ours for every one the rules did not win, and not for all.
    assert summary["ted_runs"]["rasa"] == summary["predictions"], summary
    assert summary["predictions"] - decided_by_rules <= summary["ted_runs"].get("ours", 0) < summary["predictions"]
