"""Traditional Chinese read as Simplified, so 保單 and 保单 are one word to the NLU.

Customers in Hong Kong, Taiwan and overseas, and phone keyboards set to Traditional, write 我的保單裡寫的等待期;
the training data is mostly Simplified. Jieba then splits the Traditional text into other words and the count
vectors see other characters, so a request the model knows well is misread (`對 是我本人` taken for a claim).
OpenCC's Traditional→Simplified table (the maintained one, not a list of our own) converts the text before it
is tokenized and encoded. The message's own text is kept: entities are read from it by offsets, so a
conversion that changes the length is not used (OpenCC's t2s tables map position for position today; its Taiwan
phrase tables do not, e.g. SQL注入 -> SQL隱碼攻擊, and a future table might not either).
"""

from __future__ import annotations

from functools import lru_cache


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
