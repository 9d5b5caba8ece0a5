"""Measure the knowledge search on the evaluation sets (knowledge/data/eval_*.yml).

The set is split in two, deterministically: every third question is the dev part, where the
decline threshold is chosen; figures are reported on the other two thirds only.

    python -m knowledge.evaluate            # compare encoders and keyword weights, both languages
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, replace

import numpy as np

from knowledge.embedding_cache import EmbeddingCache
from knowledge.kb import LANGUAGES, EvalQuestion, load_entries, load_eval
from knowledge.search import KnowledgeIndex, SearchConfig

ENCODERS = {
    "zh": ("use-m3", "e5-small", "e5+use"),  # all-MiniLM is English-only
    "en": ("e5-small", "minilm", "e5+minilm"),
}
CANDIDATES = {language: [SearchConfig(encoder, scoring) for encoder in encoders for scoring in ("max", "prototype")]
              for language, encoders in ENCODERS.items()}


@dataclass(frozen=True)
class Figures:
    top1: float  # answerable questions whose best hit is the expected entry (and not declined)
    declined: float  # unanswerable questions declined
    p50_ms: float
    top3: float = 0.0  # answerable questions with the expected entry among the best three (agents' suggestions)


def split(questions: list[EvalQuestion]) -> tuple[list[EvalQuestion], list[EvalQuestion]]:
    dev = [q for i, q in enumerate(questions) if i % 3 == 0]
    test = [q for i, q in enumerate(questions) if i % 3 != 0]
    return dev, test


def _best_and_score(index: KnowledgeIndex, question: EvalQuestion) -> tuple[str, float]:
    scores = index.scores(question.text)
    best = int(np.argmax(scores))
    return index.entries[best].id, float(scores[best])


def choose_threshold(index: KnowledgeIndex, dev: list[EvalQuestion]) -> float:
    """The threshold that gets the most dev questions right (answered correctly or declined)."""
    results = [(_best_and_score(index, q), q.expected) for q in dev]
    candidates = sorted({score for (_, score), _ in results})
    def right(threshold: float) -> int:
        return sum((score >= threshold and best == expected) or (score < threshold and expected is None)
                   for (best, score), expected in results)
    return max(candidates, key=lambda t: (right(t), -t)) if candidates else 0.0


def measure(index: KnowledgeIndex, questions: list[EvalQuestion]) -> Figures:
    answerable = [q for q in questions if q.expected]
    unanswerable = [q for q in questions if not q.expected]
    latencies, correct, declined, in_top3 = [], 0, 0, 0
    for question in questions:
        hits, ms = index.timed_search(question.text, k=3)
        latencies.append(ms)
        if question.expected:
            correct += bool(hits) and hits[0].entry.id == question.expected
            scores = index.scores(question.text)
            in_top3 += question.expected in {index.entries[i].id for i in np.argsort(-scores)[:3]}
        else:
            declined += not hits
    return Figures(correct / max(1, len(answerable)), declined / max(1, len(unanswerable)),
                   statistics.median(latencies), in_top3 / max(1, len(answerable)))


def evaluate(language: str, config: SearchConfig) -> tuple[SearchConfig, Figures]:
    """Tune the threshold on the dev part, report on the test part."""
    entries = load_entries(language)
    dev, test = split(load_eval(language))
    index = KnowledgeIndex(entries, config, EmbeddingCache())
    tuned = replace(config, threshold=choose_threshold(index, dev))
    index.config = tuned
    return tuned, measure(index, test)


def main() -> None:
    print(f"{'lang':4} {'encoder':9} {'scoring':9} {'threshold':>9} {'top-1':>6} {'declined':>8} {'top-3':>6} "
          f"{'p50 ms':>7}")
    for language in LANGUAGES:
        for config in CANDIDATES[language]:
            tuned, figures = evaluate(language, config)
            print(f"{language:4} {tuned.encoder:9} {tuned.scoring:9} {tuned.threshold:9.3f} "
                  f"{figures.top1:6.3f} {figures.declined:8.3f} {figures.top3:6.3f} {figures.p50_ms:7.1f}")


if __name__ == "__main__":
    main()
