"""Calibrate the IntentGate threshold on development data, never on held-out or independent data: the generated dev
split (tests/nlu/dev/, our own phrasing) and the set written apart from us (tests/nlu/dev_apart2/, other people's).
The first set written apart (tests/nlu/dev_apart/) is left out: training data was written from its errors, so the
model is sure of its sentences by construction and would pull the threshold down. Each development sentence also
gets its robustness variant (nlu_gen.variants: typo, homophone, traditional characters, mixed languages, emoji,
short, long), as the test of the held-out set does: customers write that way, and a threshold chosen on tidy text
alone turned long messages into clarifying questions (English long variants of the held-out set: 7/69 kept at 0.85).

For each candidate threshold, on the model's parses of the development data (the ranking before the gate):
* `kept`: in-scope transactional requests taken as their own intent (the rest get a clarifying question,
  or are wrong);
* `asked`: in-scope transactional requests that would get a clarifying question instead;
* `misrouted`: messages that are not transactional (out of scope, general questions, small talk) taken
  as a transactional intent, i.e. an identity check, a payment or a claim started for nothing.

The threshold chosen is the one with the lowest cost, summed over the languages: a request not kept
counts 1 (the customer clicks a button, or rephrases), a misroute counts MISROUTE_COST (an identity check
started for "book me a flight": the customer must notice, cancel and ask again, and was asked for personal
data for nothing). On a tie, the lower threshold.
Writes the curve into docs/nlu.md and prints the choice; config.yml is edited by hand.

    .venv/bin/python -m bench.nlu_calibrate
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bench import nlu
from devstack import services
from nlu_gen.examples import read_examples
from nlu_gen.variants import training_texts, variants

NLU_TESTS = services.ROOT / "tests" / "nlu"
# From the fallback's own threshold in config.yml (below it the gate has nothing left to decide) to 0.95.
_LOWEST = nlu.fallback_threshold()
THRESHOLDS = [round(_LOWEST + 0.05 * i, 2) for i in range(round((0.95 - _LOWEST) / 0.05) + 1)]
MISROUTE_COST = 3.0
BEGIN, END = "<!-- threshold:begin -->", "<!-- threshold:end -->"
FALLBACK = "nlu_fallback"


def development_files(language: str) -> list[Path]:
    return [*sorted((NLU_TESTS / "dev").glob(f"{language}_*.yml")), NLU_TESTS / "dev_apart2" / f"{language}.yml"]


@dataclass(frozen=True)
class Parsed:
    wanted: str
    top: str  # the model's best intent before any fallback
    confidence: float


@dataclass(frozen=True)
class Point:
    threshold: float
    kept: float
    asked: float
    misrouted: float
    transactional_count: int
    other_count: int


def before_gate(result: dict) -> tuple[str, float]:
    """The best intent the classifier gave, whatever the fallback or the gate made of it."""
    top = next((r for r in result.get("intent_ranking") or [] if r["name"] != FALLBACK), result["intent"])
    return top["name"], float(top.get("confidence") or 0.0)


def curve(parsed: list[Parsed], transactional: frozenset[str], fallback_threshold: float = _LOWEST) -> list[Point]:
    requests = [p for p in parsed if p.wanted in transactional]
    others = [p for p in parsed if p.wanted not in transactional]
    points = []
    for threshold in THRESHOLDS:
        def taken(p: Parsed, threshold: float = threshold) -> bool:
            return p.top in transactional and p.confidence >= max(threshold, fallback_threshold)
        kept = sum(taken(p) and p.top == p.wanted for p in requests)
        asked = sum(p.top in transactional and not taken(p) for p in requests)
        misrouted = sum(taken(p) for p in others)
        points.append(Point(threshold, kept / len(requests), asked / len(requests), misrouted / len(others),
                            len(requests), len(others)))
    return points


def cost(point: Point) -> float:
    return (1 - point.kept) + MISROUTE_COST * point.misrouted


def choose(curves: dict[str, list[Point]]) -> float:
    costs = [sum(cost(points[i]) for points in curves.values()) for i in range(len(THRESHOLDS))]
    return THRESHOLDS[costs.index(min(costs))]


def table(curves: dict[str, list[Point]], chosen: float) -> str:
    languages = list(curves)
    header = "| threshold | " + " | ".join(f"{lang} kept | {lang} asked | {lang} misrouted" for lang in languages) + " | cost |"
    lines = [header, "|---|" + "---|---|---|" * len(languages) + "---|"]
    for i, threshold in enumerate(THRESHOLDS):
        mark = f"**{threshold:.2f}** (chosen)" if threshold == chosen else f"{threshold:.2f}"
        cells = " | ".join(f"{curves[lang][i].kept:.3f} | {curves[lang][i].asked:.3f} | {curves[lang][i].misrouted:.3f}"
                           for lang in languages)
        total = sum(cost(curves[lang][i]) for lang in languages)
        lines.append(f"| {mark} | {cells} | {total:.3f} |")
    counts = ", ".join(f"{lang}: {curves[lang][0].transactional_count} transactional requests, "
                       f"{curves[lang][0].other_count} other messages" for lang in languages)
    return "\n".join(lines) + f"\n\nDevelopment data (dev split and dev_apart2, each sentence and its variant): {counts}."


def calibrate(rasa_url: str) -> tuple[dict[str, list[Point]], float]:
    """The curve per language on the development data, parsed by the Rasa at rasa_url, and the threshold chosen."""
    transactional = nlu.transactional_intents() - {"inform"}
    trained = frozenset(training_texts())
    curves = {}
    for language in nlu.LANGUAGES:
        written = [e for path in development_files(language) for e in read_examples(path)]
        examples = written + [(text, intent) for _, text, intent in variants(written, language, exclude=trained)]
        results = nlu.parse_all(rasa_url, [text for text, _ in examples])
        parsed = [Parsed(wanted, *before_gate(result)) for (_, wanted), result in zip(examples, results, strict=True)]
        curves[language] = curve(parsed, transactional)
    return curves, choose(curves)


def main() -> None:
    with nlu.parsing_rasa() as rasa_url:
        curves, chosen = calibrate(rasa_url)
    body = table(curves, chosen)
    nlu.write_block(nlu.DOC, BEGIN, END, body)
    print(body)
    print(f"chosen threshold: {chosen} (lowest cost, a misroute counting {MISROUTE_COST:g} requests not kept)")


if __name__ == "__main__":
    main()
