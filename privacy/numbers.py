"""Personal numbers in free text, found by a spaCy pipeline and masked: `mask_text`.

What is found (labels of `doc.ents`):
- PHONE: a mainland mobile number, 1[3-9] and 9 more digits, with an optional 86 / 0086 prefix;
- ID_NUMBER: an 18-character resident ID number (17 digits and a digit or X);
- BANK_CARD: 16 to 19 digits;
- EPOLICY_CODE: an e-policy verification code, 8 characters of EPOLICY_CODE_ALPHABET mixing letters
  and digits (see _looks_like_code).
Digit groups may be split by spaces, hyphens or dots (`138 0013 8000`, `6222-0212-3456-7890`), and
full-width forms (`１３８`, `　`) and Chinese digits (`一三八`) count like ASCII: the text is folded
(NFKC) character by character for matching, so every offset still points into the original, which is returned with only the numbers
replaced (`138****8000`, `**************1234`).

The pipeline is a blank `zh` one: its default tokenizer makes every character a token, so the digits
of `手机13800138000` or `call 13800138000` are tokens whatever language surrounds them, and
the patterns are about characters, not words. One `Matcher` holds the patterns; the component keeps
a match only when no digit (or, for codes, no letter or digit) is glued to either end, since a digit
run that goes on is some other, longer number. It is built once per process (`pipeline()`).
Only APIs that spaCy 3.4 (Rasa's venv) and 3.8 (the app venv) share are used.
"""

# No `from __future__ import annotations`: spaCy validates the factory's annotations at run time.
import re
import string
import threading
import unicodedata
from functools import lru_cache
from typing import Any

import spacy
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, Token

from privacy.fields import EPOLICY_CODE_ALPHABET, EPOLICY_CODE_LENGTH

# Between digit groups: one hyphen or dot, or extra spaces (one plain space is not a token in spaCy).
_SEPARATOR: dict[str, Any] = {"TEXT": {"REGEX": r"^(?:\s+|[-.–—])$"}, "OP": "?"}
_DIGIT: dict[str, Any] = {"IS_DIGIT": True}


def _digits(count: int) -> list[dict[str, Any]]:
    """`count` digits, each group of them perhaps split from the next by a separator."""
    pattern: list[dict[str, Any]] = [_DIGIT]
    for _ in range(count - 1):
        pattern += [_SEPARATOR, _DIGIT]
    return pattern


def _literal(digits: str) -> list[dict[str, Any]]:
    return [{"ORTH": digit} for digit in digits]


def _mobile() -> list[dict[str, Any]]:
    return [{"ORTH": "1"}, _SEPARATOR, {"ORTH": {"IN": list("3456789")}}, _SEPARATOR, *_digits(9)]


_PATTERNS: dict[str, list[list[dict[str, Any]]]] = {
    # Order matters only between equally long matches: an 18-digit ID is also an 18-digit card.
    "ID_NUMBER": [[*_digits(17), _SEPARATOR, {"LOWER": {"IN": [*string.digits, "x"]}}]],
    "PHONE": [_mobile(), [*_literal("86"), _SEPARATOR, *_mobile()], [*_literal("0086"), _SEPARATOR, *_mobile()]],
    "BANK_CARD": [_digits(count) for count in range(16, 20)],
    "EPOLICY_CODE": [[{"LOWER": {"IN": list(EPOLICY_CODE_ALPHABET.lower())}}] * EPOLICY_CODE_LENGTH],
}
_PRIORITY = list(_PATTERNS)


def _glued(token: Token | None, neighbour_glued: bool, label: str) -> bool:
    """A digit (for codes: a Latin letter or digit) touching the match, no space between, means the
    match is part of something longer. Chinese characters may touch: 验证码HX7K2M9Q."""
    if token is None or not neighbour_glued:
        return False
    return token.is_digit or (label == "EPOLICY_CODE" and token.text.isascii() and token.text.isalnum())


def _stands_alone(doc: Doc, start: int, end: int, label: str) -> bool:
    before = doc[start - 1] if start > 0 else None
    after = doc[end] if end < len(doc) else None
    if _glued(before, before is not None and not before.whitespace_, label):
        return False
    if _glued(after, not doc[end - 1].whitespace_, label):
        return False
    if label == "EPOLICY_CODE":
        return _looks_like_code(doc[start:end].text)
    return True


def _looks_like_code(text: str) -> bool:
    """Codes are printed in upper case and mix letters and digits at random. Typed in lower case, a run
    counts only when letters and digits alternate more than once: `card2582` is a word and a number.
    A code is one word: spaces (which spaCy keeps out of the tokens) end it."""
    if any(char.isspace() for char in text):
        return False
    if text.isupper():
        return any(c.isdigit() for c in text)
    switches = sum(a.isdigit() != b.isdigit() for a, b in zip(text, text[1:], strict=False))
    return text.islower() and switches >= 2


class PersonalNumbers:
    """The pipeline component: `doc.ents` = the personal numbers, longest first, none overlapping."""

    def __init__(self, nlp: Language) -> None:
        self.matcher = Matcher(nlp.vocab)
        for label, patterns in _PATTERNS.items():
            self.matcher.add(label, patterns)

    def __call__(self, doc: Doc) -> Doc:
        found = []
        for match_id, start, end in self.matcher(doc):
            label = doc.vocab.strings[match_id]
            if _stands_alone(doc, start, end, label):
                found.append((end - start, -_PRIORITY.index(label), start, end, label))
        taken: set[int] = set()
        spans = []
        for _, _, start, end, label in sorted(found, reverse=True):
            if taken.isdisjoint(range(start, end)):
                taken.update(range(start, end))
                spans.append(Span(doc, start, end, label=label))
        doc.ents = sorted(spans, key=lambda span: span.start)
        return doc


@Language.factory("personal_numbers")
def _make_personal_numbers(nlp: Language, name: str) -> PersonalNumbers:
    return PersonalNumbers(nlp)


# One pipeline per process, shared by threads (the hub's record writer, the voice gateway's workers):
# making a Doc adds to the shared vocabulary, so calls take turns. A call takes well under a millisecond.
_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def pipeline() -> Language:
    """Built once: a blank Chinese pipeline (character tokens) with the personal-number matcher."""
    nlp = spacy.blank("zh")
    nlp.add_pipe("personal_numbers")
    return nlp


# Numbers read out or typed as Chinese digits (一三八零…, 幺 for 1 when reading a phone aloud): the
# voice gateway's transcripts have them, and so do some typed messages.
_CHINESE_DIGITS = str.maketrans("零〇一幺二三四五六七八九", "001123456789")


def fold(text: str) -> str:
    """NFKC per character, where that keeps one character (full-width digits, letters, spaces), and
    Chinese digits as ASCII: the folded text has the original's length, so offsets carry over."""
    if unicodedata.is_normalized("NFKC", text):  # the usual case, and a fast check
        return text.translate(_CHINESE_DIGITS)
    return "".join(folded if len(folded := unicodedata.normalize("NFKC", char)) == 1 else char
                   for char in text).translate(_CHINESE_DIGITS)


def _render(label: str, text: str) -> str:
    kept = "".join(char for char in text if char.isalnum()).upper()
    if label == "PHONE":
        prefix, mobile = kept[:-11], kept[-11:]
        return f"{prefix + ' ' if prefix else ''}{mobile[:3]}****{mobile[-4:]}"
    if label == "EPOLICY_CODE":
        return "*" * (len(kept) - 2) + kept[-2:]
    return "*" * (len(kept) - 4) + kept[-4:]  # ID numbers and cards: the last 4, as on a receipt


# What every pattern needs, as one regular expression over the folded text: eleven digits with only
# separators between them (the shortest phone; IDs and cards are longer), or a run of exactly
# EPOLICY_CODE_LENGTH Latin letters and digits, with a digit, that no other letter or digit touches (a code).
# A looser test than the matcher's, never a stricter one: text without such a run (most chat lines, and the
# dates, amounts and policy numbers of a policy lookup's reply) cannot hold a personal number and skips spaCy.
_CANDIDATE = re.compile(r"\d(?:[\s.\-–—]*\d){10}"
                        rf"|(?<![A-Za-z0-9])(?=[A-Za-z]*\d)[A-Za-z0-9]{{{EPOLICY_CODE_LENGTH}}}(?![A-Za-z0-9])")


def find(text: str) -> list[tuple[int, int, str]]:
    """(start, end, label) of each personal number in `text` (offsets into `text` itself)."""
    folded = fold(text)
    if not _CANDIDATE.search(folded):
        return []
    nlp = pipeline()
    with _LOCK:
        doc = nlp(folded)
    return [(span.start_char, span.end_char, span.label_) for span in doc.ents]


def mask_text(text: str) -> str:
    """`text` with each personal number masked (138****8000, **************1234) and all else intact."""
    if not text:
        return text
    out, last = [], 0
    for start, end, label in find(text):
        out += [text[last:start], _render(label, fold(text[start:end]))]
        last = end
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)
