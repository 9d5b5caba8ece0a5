"""Knowledge search figures: top-1 accuracy, unanswerable questions declined, latency.

Figures come from the test part of the evaluation sets (see knowledge/evaluate.py); the decline
threshold is chosen on the dev part. Merged into bench/results.json.
"""

from __future__ import annotations

import statistics

from bench.results import merge_results
from knowledge.evaluate import evaluate
from knowledge.search import DEFAULT_CONFIG


def main() -> None:
    figures = {language: evaluate(language, config) for language, config in DEFAULT_CONFIG.items()}
    for language, (config, f) in figures.items():
        print(f"knowledge [{language}] {config.encoder} {config.scoring} threshold {config.threshold:.3f}: "
              f"top-1 {f.top1:.3f} (target >= 0.90), declined {f.declined:.3f} (target >= 0.90), "
              f"top-3 {f.top3:.3f}, p50 {f.p50_ms:.1f} ms (target < 50)")
    merge_results({
        "faq_top1_zh": round(figures["zh"][1].top1, 3),
        "faq_top1_en": round(figures["en"][1].top1, 3),
        "faq_declined_zh": round(figures["zh"][1].declined, 3),
        "faq_declined_en": round(figures["en"][1].declined, 3),
        "faq_search_p50_ms": round(statistics.median(f.p50_ms for _, f in figures.values()), 1),
    })


if __name__ == "__main__":
    main()
