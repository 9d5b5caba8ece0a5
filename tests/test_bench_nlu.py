"""bench/nlu.py: its figures and confusion matrix, on a tiny set of our own (never the independent set)."""

from __future__ import annotations

import json
from pathlib import Path

from bench import nlu
from devstack import services

FIXTURE = services.ROOT / "tests" / "fixtures" / "nlu_set"
TRANSACTIONAL = frozenset({"query_policy", "pay_premium", "inform"})


def test_out_of_scope_counts_as_right_only_when_rejected():
    examples = [("a", "out_of_scope"), ("b", "out_of_scope"), ("c", "out_of_scope"), ("d", "out_of_scope"),
                ("e", "query_policy"), ("f", "query_policy")]
    predicted = ["out_of_scope", "nlu_fallback", "pay_premium", "ask_faq", "query_policy", "nlu_fallback"]
    f = nlu.score(examples, predicted, TRANSACTIONAL)
    results = nlu.as_results("zh", f)
    assert results["nlu_oos_rejected_zh"] == 0.5 and results["nlu_oos_rejected_zh_count"] == "2/4"
    assert results["nlu_oos_transactional_zh"] == 0.25 and results["nlu_oos_transactional_zh_count"] == "1/4"
    # Rejected out-of-scope 2, query_policy right 1; a clarifying question on an in-scope request is not right.
    assert results["nlu_indep_acc_zh_count"] == "3/6"


def test_transactional_intents_come_from_the_gate_in_config():
    transactional = nlu.transactional_intents()
    assert {"query_policy", "pay_premium", "claim_status", "inform"} <= transactional
    assert not {"ask_faq", "out_of_scope", "greet"} & transactional


def test_confusion_block_is_replaced_not_appended(tmp_path: Path):
    doc = tmp_path / "nlu.md"
    doc.write_text("# NLU\n\nintro\n\n<!-- confusion:begin -->\nold\n<!-- confusion:end -->\n\nafter\n")
    f = nlu.score([("x", "greet"), ("y", "out_of_scope")], ["greet", "ask_faq"], TRANSACTIONAL)
    nlu.write_confusion(doc, [nlu.confusion_table("en", f)])
    text = doc.read_text()
    assert "old" not in text and text.count(nlu.BEGIN) == 1 and text.endswith("after\n")
    assert "| out_of_scope | 1 |  |" in text and "| greet |  | **1** |" in text  # a miss off the diagonal, a hit on it


def test_bench_parses_a_set_with_the_running_model(stack, tmp_path: Path):
    results, doc = tmp_path / "results.json", tmp_path / "nlu.md"
    figures = nlu.evaluate(stack.rasa_url, FIXTURE, doc, results)
    merged = json.loads(results.read_text())
    for language in ("zh", "en"):
        assert merged[f"nlu_oos_rejected_{language}_count"].endswith("/2")
        assert merged[f"nlu_indep_acc_{language}_count"].endswith("/3")
        assert figures[language].total == 3
    # The model knows these plain requests: a wrong figure here means the bench reads predictions wrongly.
    assert merged["nlu_indep_acc_zh"] >= 2 / 3 and merged["nlu_indep_acc_en"] >= 2 / 3
    assert nlu.BEGIN in doc.read_text() and "| query_policy |" in doc.read_text()


def test_threshold_weighs_a_misroute_above_a_clarifying_question():
    from bench.nlu_calibrate import Parsed, choose, curve

    transactional = frozenset({"query_policy", "pay_premium"})
    parsed = [Parsed("query_policy", "query_policy", 0.95), Parsed("pay_premium", "pay_premium", 0.62),
              Parsed("pay_premium", "query_policy", 0.58), Parsed("query_policy", "query_policy", 0.9),
              *[Parsed("out_of_scope", "out_of_scope", 0.9)] * 6,
              Parsed("out_of_scope", "pay_premium", 0.66), Parsed("ask_faq", "query_policy", 0.72)]
    points = {p.threshold: p for p in curve(parsed, transactional)}
    assert points[0.45].misrouted == 2 / 8 and points[0.45].kept == 3 / 4
    assert points[0.7].asked == 2 / 4 and points[0.7].misrouted == 1 / 8
    # 0.45: 1/4 + 3*2/8 = 1.0; 0.7: 2/4 + 3*1/8 = 0.875; 0.75: 2/4 + 0 = 0.5; 0.95: 3/4 + 0 = 0.75.
    assert choose({"zh": list(points.values())}) == 0.75
