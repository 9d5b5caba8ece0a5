"""Sentences the assistant's callers say that sound like what the recogniser wrote (Mandarin).

The sound-alike lexicon (lexicon.py) replaces a stretch only by one with exactly the same
syllables. Whisper base on a phone line slips further: 他楼在不 for 哈喽在不 (t/h), 我要洗一下保单 for
我要续一下保单 (xi/xu), 交一下肺 for 交一下费. This proposes the likeliest sentences, under the model of the
training sentences (domain_lm.py), whose every character sounds like the one heard: same
syllable, or one whose initial and final are close (a commonly confused pair like zh/z or an/ang costs
half, any other near one a whole point, at most MAX_COST a character). Characters inside a stretch the
training data contains are trusted and stay, so a transcript in the assistant's own words has no
proposals at all. Whether a proposal is what was said is for the audio to decide: acoustic_check.py.
"""

from __future__ import annotations

import math
import re
from functools import cache, lru_cache

from voice.recognition.domain_lm import BOS, EOS, domain_model, units
from voice.recognition.edit_distance import edit_distance
from voice.recognition.lexicon import mandarin_lexicon

MAX_COST = 1.5  # per character; more lets unrelated words in (小姐姐 -> 在不在)
COST_WEIGHT = 2.0  # natural-log units of the language model per point of sound difference
BEAM = 30
MIN_CHARACTER_COUNT = 2  # characters the training data has only once are not proposed
# The search grows with the untrusted characters; a request is short (every test-set sentence is under 30
# characters) and a monologue piece is not a sentence the domain model knows.
MAX_UNTRUSTED = 40
CONFUSED_INITIALS = [{"z", "zh"}, {"c", "ch"}, {"s", "sh"}, {"n", "l"}, {"f", "h"}, {"r", "l"}, {"", "y"}, {"", "w"}]
CONFUSED_FINALS = [{"an", "ang"}, {"en", "eng"}, {"in", "ing"}, {"ian", "iang"}, {"uan", "uang"}, {"e", "ei"},
                   {"o", "uo"}, {"e", "en"}]


_PIECE = re.compile(r"[\u4e00-\u9fff]|[^\u4e00-\u9fff]+")


def _is_han(unit: str) -> bool:
    return len(unit) == 1 and "\u4e00" <= unit <= "\u9fff"


@lru_cache(maxsize=8192)
def syllable(character: str) -> tuple[str, str]:
    """(initial, final), toneless: 续 -> ("x", "u"); 要 -> ("y", "ao")."""
    from pypinyin import Style, lazy_pinyin

    initial = lazy_pinyin(character, style=Style.INITIALS, strict=False)[0]
    final = lazy_pinyin(character, style=Style.FINALS, strict=False)[0]
    return initial, final


def _part_cost(a: str, b: str, confused: list[set[str]]) -> float:
    if a == b:
        return 0.0
    if any(a in pair and b in pair for pair in confused):
        return 0.5
    return 1.0 if edit_distance(a, b) <= 2 else 2.0


@cache
def sound_cost(heard: tuple[str, str], other: tuple[str, str]) -> float:
    return _part_cost(heard[0], other[0], CONFUSED_INITIALS) + _part_cost(heard[1], other[1], CONFUSED_FINALS)


@lru_cache(maxsize=1)
def _characters_by_syllable() -> dict[tuple[str, str], list[str]]:
    unigrams = domain_model("zh").counts[0]  # (unit,) -> how often the training sentences have it
    by_syllable: dict[tuple[str, str], list[str]] = {}
    for (character,), count in unigrams.items():
        if _is_han(character) and count >= MIN_CHARACTER_COUNT:
            by_syllable.setdefault(syllable(character), []).append(character)
    return by_syllable


@lru_cache(maxsize=8192)
def _sound_alikes(character: str) -> tuple[tuple[str, float], ...]:
    heard = syllable(character)
    found = [(character, 0.0)]
    for other, characters in _characters_by_syllable().items():
        cost = sound_cost(heard, other)
        if cost <= MAX_COST:
            found += [(c, cost) for c in characters if c != character]
    return tuple(found)


def pieces(text: str) -> list[str]:
    """Each Chinese character alone, everything else (numbers, Latin words, spaces) in runs kept as is."""
    return _PIECE.findall(text)


def trusted(parts: list[str]) -> list[bool]:
    """Per piece: not a Chinese character, or inside a stretch the training data has (lexicon.py)."""
    trust = [not _is_han(p) for p in parts]
    start = 0
    while start < len(parts):
        if trust[start]:
            start += 1
            continue
        end = start
        while end < len(parts) and not trust[end]:
            end += 1
        trust[start:end] = mandarin_lexicon().trusted("".join(parts[start:end]))  # one run of characters
        start = end
    return trust


def proposals(text: str, limit: int = 6) -> list[str]:
    """Up to `limit` sentences that sound like `text`, likeliest first; none if every character is trusted
    or more than MAX_UNTRUSTED are not."""
    parts = pieces(text)
    trust = trusted(parts)
    if all(trust) or trust.count(False) > MAX_UNTRUSTED:
        return []
    model = domain_model("zh")
    # Beam search over the pieces, each hypothesis = (score, the last two units: the trigram's context, pieces so
    # far). Hypotheses that share a context are not merged: that would keep only the best sentence per context,
    # and after two trusted characters every sentence shares one (我的理赔现在傻情况 kept 把情况, lost 啥情况).
    beam: list[tuple[float, tuple[str, ...], list[str]]] = [(0.0, (BOS, BOS), [])]
    for part, keep in zip(parts, trust, strict=True):
        choices = ((part, 0.0),) if keep else _sound_alikes(part)
        grown = []
        for score, context, sentence in beam:
            for choice, cost in choices:
                new, state = score - COST_WEIGHT * cost, context
                for unit in units(choice, "zh"):  # a character, or the units of a run kept as is (none for a space)
                    new += math.log(model.probability(state, unit))
                    state = (state[1], unit)
                grown.append((new, state, [*sentence, choice]))
        beam = sorted(grown, key=lambda item: -item[0])[:BEAM]
    finished = sorted(((score + math.log(model.probability(context, EOS)), "".join(sentence))
                       for score, context, sentence in beam), reverse=True)
    out: list[str] = []
    for _, candidate in finished:
        if candidate != text and candidate not in out:
            out.append(candidate)
    return out[:limit]
