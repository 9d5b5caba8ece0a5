"""`python -m claims.evaluate`: how well `read_invoice` reads the generated test set, field by field, with counts.

Reported on the "report" part (the rules were tuned on "dev": `--split dev` to look at it). A field counts as
right only when it equals the truth exactly (amounts to the cent, the payee character for character); the
plate is scored on the auto repair invoices, including those that print none (then nothing must be read). The
quality verdict is scored on every photo: readable invoices must pass, blurred/dark/other photos must be
refused with the right reason.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from claims import ocr, testset
from claims.findings import InvoiceFindings

FIELDS = ("amount", "amount_in_words", "invoice_date", "payee", "invoice_number", "plate")


@dataclass
class Score:
    right: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, ok: bool, miss: str) -> None:
        self.total += 1
        self.right += ok
        if not ok:
            self.misses.append(miss)

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 0.0


def found(findings: InvoiceFindings, name: str) -> str | None:
    value = getattr(findings, name)
    if value is None:
        return None
    return value.isoformat() if name == "invoice_date" else f"{value:.2f}" if name.startswith("amount") else value


def evaluate(split: str = "report") -> dict[str, Any]:
    photos = testset.verify()
    photos = [p for p in photos if p.split == split]
    ocr.engine()  # built before the clock starts: the figure is one reading, not the model load
    scores = {name: Score() for name in (*FIELDS, "quality")}
    wall_ms, cpu_ms = [], []
    for photo in photos:
        started, cpu = time.perf_counter(), time.process_time()
        findings = ocr.read_invoice(testset.image(photo), photo.kind)  # type: ignore[arg-type]
        if photo.expected_problem is None:
            wall_ms.append((time.perf_counter() - started) * 1000)
            cpu_ms.append((time.process_time() - cpu) * 1000)
        scores["quality"].add(findings.quality_problem == photo.expected_problem,
                              f"{photo.id}: {photo.expected_problem} read as {findings.quality_problem}")
        if photo.expected_problem is not None:
            continue
        for name in FIELDS:
            truth = getattr(photo, name)
            if name == "plate" and photo.kind != "auto_repair_invoice":
                continue
            if name == "amount_in_words" and truth is None:
                continue  # not printed on this one
            scores[name].add(found(findings, name) == truth, f"{photo.id}: {truth} read as {found(findings, name)}")
    return {"split": split, "photos": len(photos), "scores": scores, "wall_ms": wall_ms, "cpu_ms": cpu_ms}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", choices=("report", "dev"), default="report")
    parser.add_argument("--misses", action="store_true", help="list every wrong reading")
    args = parser.parse_args()
    result = evaluate(args.split)
    print(f"{result['photos']} photos of the {args.split} part of claims/testset")
    for name, score in result["scores"].items():
        print(f"{name:16s} {score.right}/{score.total} = {score.accuracy:.3f}")
        if args.misses:
            for miss in score.misses:
                print(f"    {miss}")
    if result["wall_ms"]:
        print(f"one invoice: p50 {statistics.median(result['wall_ms']):.0f} ms wall, "
              f"{statistics.median(result['cpu_ms']):.0f} ms CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
