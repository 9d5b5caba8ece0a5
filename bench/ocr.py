"""Invoice OCR on the reported part of the generated claim photos (claims/testset): field accuracy and the time
to read one invoice on this CPU. Prints the figures with their counts and merges them into bench/results.json.

The time is wall clock per invoice with the engine already loaded; the CPU time beside it and the host's load
say how much of the wall time was waiting for a core (the figure's target, < 2 s, is for 2 free cores).
"""

from __future__ import annotations

import os
import statistics

from bench.results import merge_results
from claims.evaluate import evaluate


def main() -> None:
    result = evaluate("report")
    scores = result["scores"]
    for name, score in scores.items():
        print(f"ocr {name:16s} {score.right}/{score.total} = {score.accuracy:.3f}")
    wall, cpu = statistics.median(result["wall_ms"]), statistics.median(result["cpu_ms"])
    load = os.getloadavg()[0]
    print(f"ocr one invoice: p50 {wall:.0f} ms wall (target < 2000), {cpu:.0f} ms CPU; "
          f"load average {load:.1f} on {os.cpu_count()} cores")
    merge_results({
        "ocr_amount_accuracy": round(scores["amount"].accuracy, 3),
        "ocr_amount_counts": f"{scores['amount'].right}/{scores['amount'].total}",
        "ocr_date_accuracy": round(scores["invoice_date"].accuracy, 3),
        "ocr_quality_accuracy": round(scores["quality"].accuracy, 3),
        "ocr_invoice_p50_ms": round(wall),
        "ocr_invoice_cpu_p50_ms": round(cpu),
        "ocr_host_load": round(load, 1),
    })


if __name__ == "__main__":
    main()
