"""The customer's language: the two we serve, Mandarin the default, and the one rule that reads it from a message
(the assistant's NLU and the hub use it alike, so the bot and the agents' side agree on what a message says)."""

from __future__ import annotations

import re
from typing import Literal

from common.character_forms import half_width

Language = Literal["zh", "en"]
LANGUAGES: tuple[Language, ...] = ("zh", "en")
DEFAULT: Language = "zh"

_CJK = re.compile(r"[\u4e00-\u9fff]")
# Tokens that are numbers customers give (policy, claim, codes: "HL20240001", "CL-2025") say nothing about language.
_IDENTIFIER = re.compile(r"\b[A-Za-z]{0,3}\d[\w-]*\b")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def supported(language: str | None) -> Language:
    """A stored or requested language as one we serve: English when asked for, Mandarin otherwise."""
    return "en" if language == "en" else DEFAULT


def detect(text: str) -> Language | None:
    """"zh" when the text has Chinese characters, "en" when it has an English word, None when it says nothing
    about the customer: only numbers, codes or symbols, or a button payload ("/affirm"). None keeps the
    conversation's language."""
    text = half_width(text)  # ｍｙ ｐｏｌｉｃｙ (a keyboard in full-width mode) is English
    if text.lstrip().startswith("/"):
        return None
    if _CJK.search(text):
        return "zh"
    if _LATIN_WORD.search(_IDENTIFIER.sub(" ", text)):
        return "en"
    return None
