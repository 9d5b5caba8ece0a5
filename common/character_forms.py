"""Other ways of writing the same characters, read as the forms our data and models know, position for position.

- **Traditional characters.** Customers in Hong Kong, Taiwan and overseas, and phone keyboards set to Traditional,
  write 我的保單裡寫的等待期; the training data is mostly Simplified. Jieba then splits the Traditional text into
  other words and the count vectors see other characters, so a request the model knows well is misread
  (`對 是我本人` taken for a claim); Whisper, too, writes Mandarin in Traditional characters more often than not.
  OpenCC's Traditional→Simplified table (the maintained one, not a list of our own) converts them.
- **Full-width letters and digits.** A Chinese keyboard in full-width mode types ＨＬ２０２４０００１ and
  ｍｙ ｐｏｌｉｃｙ; they are the ASCII ones. Only letters and digits: full-width punctuation (，？！) is how
  Chinese is written, and the data has it as written.

The NLU reads a message in these forms and keeps the message's own text: entities are cut from it by offsets, so
a conversion that changes the length is not used (OpenCC's t2s tables map position for position today; its Taiwan
phrase tables do not, e.g. SQL注入 -> SQL隱碼攻擊, and a future table might not either).
"""

from __future__ import annotations

from functools import lru_cache

# Full-width ０-９, Ａ-Ｚ, ａ-ｚ sit at a fixed distance from their ASCII forms.
_FULL_WIDTH_ALPHANUMERIC = {
    code: code - 0xFEE0
    for first, last in (("０", "９"), ("Ａ", "Ｚ"), ("ａ", "ｚ"))
    for code in range(ord(first), ord(last) + 1)
}


@lru_cache(maxsize=1)
def _converter():  # type: ignore[no-untyped-def]
    from opencc import OpenCC  # opencc-python-reimplemented; imported lazily with its dictionaries

    return OpenCC("t2s")


def simplified(text: str) -> str:
    """The text in Simplified characters, position for position; the text itself when that cannot be."""
    if text.isascii():  # English and numbers: nothing to convert, and no need to pay for the lookup
        return text
    converted = _converter().convert(text)
    return converted if len(converted) == len(text) else text


def half_width(text: str) -> str:
    """Full-width letters and digits as ASCII ones (ＨＬ２０２４ -> HL2024); everything else as it is."""
    return text.translate(_FULL_WIDTH_ALPHANUMERIC)


def plain_forms(text: str) -> str:
    """The text as the NLU reads it: Simplified characters, ASCII letters and digits; same length as the text."""
    return simplified(half_width(text))
