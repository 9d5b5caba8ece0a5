"""Near-homophone correction against the assistant's own Mandarin vocabulary.

Whisper writes what a word sounds like, not always the word: 李培 for 理赔, 陪伏 for 赔付, 车显 for
车险, 到骑 for 到期. The list in voice/recognition/vocabulary.py catches the slips seen so far; this catches the
rest by sound. The vocabulary is every stretch of 2-4 Chinese characters in the Mandarin training data
(nlu_data/zh), indexed by its toneless pinyin. A stretch of a transcript the training data never
contains, that sounds like one it does (same syllables, tones aside), becomes that one: the most
frequent if several sound alike. Characters inside a stretch the training data contains are left as
they are, so a correct transcript is not touched.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from voice.settings import ROOT

logger = logging.getLogger(__name__)

LENGTHS = (4, 3, 2)  # longest first
MIN_COUNT = 2  # a sound-alike replacement must occur at least this often in the training data
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]+\)|\{[^}]+\})")


def _syllables(run: str) -> list[str]:
    """Toneless pinyin, one syllable per character (pypinyin reads phrases, so 还款 is huan kuan)."""
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(run, style=Style.NORMAL, errors=lambda chars: list(chars))
    return syllables if len(syllables) == len(run) else list(run)


@dataclass
class Lexicon:
    known: set[str] = field(default_factory=set)
    by_sound: dict[tuple[str, ...], Counter[str]] = field(default_factory=dict)

    def add(self, text: str) -> None:
        for run in _HAN_RUN.findall(text):
            syllables = _syllables(run)
            for length in LENGTHS:
                for start in range(len(run) - length + 1):
                    stretch = run[start:start + length]
                    self.known.add(stretch)
                    self.by_sound.setdefault(tuple(syllables[start:start + length]), Counter())[stretch] += 1

    def sounds_like(self, stretch: str, syllables: list[str]) -> str | None:
        candidates = self.by_sound.get(tuple(syllables))
        if not candidates:
            return None
        best, count = candidates.most_common(1)[0]
        return best if count >= MIN_COUNT and best != stretch else None

    def correct(self, text: str) -> str:
        return _HAN_RUN.sub(lambda m: self._correct_run(m.group()), text)

    def trusted(self, run: str) -> list[bool]:
        """Per character of a run of Chinese characters: inside a stretch the training data has."""
        trusted = [False] * len(run)
        for length in LENGTHS:
            for start in range(len(run) - length + 1):
                if run[start:start + length] in self.known:
                    trusted[start:start + length] = [True] * length
        return trusted

    def _correct_run(self, run: str) -> str:
        syllables = _syllables(run)
        # Characters inside a stretch the training data has are trusted; only the others may change
        # (so 保单状太查询 becomes 保单状态查询, not 保单状太差询).
        trusted = self.trusted(run)
        out: list[str] = []
        i = 0
        while i < len(run):
            for length in LENGTHS:
                stretch = run[i:i + length]
                if len(stretch) < length or all(trusted[i:i + length]):
                    continue
                replacement = self.sounds_like(stretch, syllables[i:i + length])
                if replacement and all(new == old or not trusted[i + k]
                                       for k, (new, old) in enumerate(zip(replacement, stretch, strict=True))):
                    out.append(replacement)
                    i += length
                    break
            else:
                out.append(run[i])
                i += 1
        return "".join(out)


def nlu_examples(path: Path) -> list[tuple[str, str]]:
    """(text, intent) of a Rasa NLU file, entity annotations reduced to their words."""
    data = yaml.safe_load(path.read_text("utf-8")) or {}
    examples = []
    for block in data.get("nlu") or []:
        for line in str(block.get("examples") or "").splitlines():
            text = _ANNOTATION.sub(r"\1", line.strip().removeprefix("- ").strip())
            if text:
                examples.append((text, block.get("intent", "")))
    return examples


# The NLU's generated breadth (everyday out-of-scope requests, written-text variants: traditional characters,
# long wrappers, emoji) teaches the classifier what is not ours; in the recogniser's lexicon and language model
# it would pull what callers say towards "出门要带伞吗". Only the hand-written sentences model what callers say.
GENERATED_FILES = frozenset({"out_of_scope_generated.yml", "augmented.yml"})


def training_sentences(folder: Path) -> list[str]:
    sentences = [text for path in sorted(folder.glob("*.yml")) if path.name not in GENERATED_FILES
                 for text, _ in nlu_examples(path)]
    if not sentences:  # e.g. an image built without nlu_data/: recognition works, uncorrected
        logger.warning("no training sentences in %s: no sound-alike correction or rescoring", folder)
    return sentences


@lru_cache(maxsize=1)
def mandarin_lexicon() -> Lexicon:
    lexicon = Lexicon()
    for sentence in training_sentences(ROOT / "nlu_data" / "zh"):
        lexicon.add(sentence)
    return lexicon
