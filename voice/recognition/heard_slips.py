"""What the recogniser writes for what Mandarin callers say, learned from the assistant's own sentences.

`python -m voice.tools.slip_mining` speaks every Mandarin training sentence through the phone line (as the
test set is made, from other sentences), transcribes it as a call would, lines up what was heard with
what was said and counts each slip with a character of agreeing context: 细保 for 续保, 员工 for 人工,
先请 for 申请. The slips it kept are in voice/recognition/data/zh_heard_slips.json; this applies them to a
transcript after the hand-made list and the sound-alike lexicon (vocabulary.py, lexicon.py).

A slip is applied only where it is evidence: heard so at least twice, more often than the same
characters were heard where they were really said, never itself part of the training sentences, and
only where the corrected sentence is much likelier under the model of the training sentences
(domain_lm.py) than the one heard: 是一 was heard for 续一 (续一下) four times, but in 还是一年算 the
heard words are the likelier ones. So a transcript of what a caller says correctly is left as it is.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from voice.recognition.domain_lm import domain_model, units
from voice.recognition.lexicon import mandarin_lexicon
from voice.settings import ROOT

TABLE = ROOT / "voice" / "recognition" / "data" / "zh_heard_slips.json"
MIN_HEARD = 2  # times a slip must have been heard to be applied
# How much likelier (natural log) the corrected sentence must be: e^3, about 20 times; less lets 是一 -> 续一
# into 还是一年算.
LIKELIER_BY = 3.0


@dataclass(frozen=True)
class Slip:
    heard: str
    said: str
    times: int  # heard so, for said
    heard_correctly: int  # the heard characters in a transcript where they were also said

    @property
    def is_evidence(self) -> bool:
        return self.times >= MIN_HEARD and self.times > self.heard_correctly


class HeardSlips:
    def __init__(self, slips: list[Slip], known: set[str],
                 log_likelihood: Callable[[str], float] | None = None) -> None:
        chosen: dict[str, Slip] = {}
        for slip in sorted(slips, key=lambda s: -s.times):  # several meanings heard alike: the commonest
            if slip.is_evidence and slip.heard not in known and slip.heard not in chosen:
                chosen[slip.heard] = slip
        self.slips = chosen
        self.log_likelihood = log_likelihood
        self._longest_first = sorted(chosen, key=len, reverse=True)

    def correct(self, text: str) -> str:
        for heard in self._longest_first:
            if heard in text:
                corrected = text.replace(heard, self.slips[heard].said)
                if (self.log_likelihood is None
                        or self.log_likelihood(corrected) >= self.log_likelihood(text) + LIKELIER_BY):
                    text = corrected
        return text

    def __len__(self) -> int:
        return len(self.slips)


def load_table(path: Path) -> list[Slip]:
    """Rows of [heard, said, times, heard_correctly]."""
    data = json.loads(path.read_text("utf-8"))
    return [Slip(*row) for row in data["slips"]]


def sentence_log_likelihood(text: str) -> float:
    tokens = units(text, "zh")
    return domain_model("zh").mean_logprob(tokens) * (len(tokens) + 1)  # the model averages over units and </s>


# Whether this process applies the learned table: only slip mining, which makes it, switches it off. A switch
# of the process, not a setting: the table is a process-wide cache read by transcript cleaning far below any
# place a setting could be passed.
_learned_slips_on = True


def without_learned_slips() -> None:
    """Every later transcript of this process is cleaned without the learned table (slip mining itself)."""
    global _learned_slips_on
    _learned_slips_on = False
    heard_slips.cache_clear()


@lru_cache(maxsize=1)
def heard_slips() -> HeardSlips:
    """The learned table; none after without_learned_slips() or when the table is missing."""
    if not _learned_slips_on or not TABLE.exists():
        return HeardSlips([], set())
    return HeardSlips(load_table(TABLE), mandarin_lexicon().known, sentence_log_likelihood)
