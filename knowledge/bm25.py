"""Okapi BM25 over words: jieba words for Chinese, lower-cased words for English."""

from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np

_WORD = re.compile(r"[a-z0-9]+|[\u4e00-\u9fff]+")
_STOP_EN = {"the", "a", "an", "is", "are", "do", "does", "i", "my", "me", "to", "of", "for", "in", "on",
            "can", "what", "how", "it", "and", "or", "you", "your", "be", "if", "with", "will", "at"}
_STOP_ZH = {"的", "了", "吗", "吧", "呢", "啊", "我", "你", "是", "在", "有", "怎么", "什么", "可以", "能"}


def tokenize(text: str, language: str) -> list[str]:
    lowered = text.lower()
    if language == "zh":
        import jieba

        words = [w.strip().lower() for w in jieba.cut_for_search(lowered)]
        return [w for w in words if w and _WORD.fullmatch(w) and w not in _STOP_ZH]
    return [w for w in _WORD.findall(lowered) if w not in _STOP_EN]


class BM25:
    def __init__(self, documents: list[str], language: str, k1: float = 1.5, b: float = 0.75) -> None:
        self.language, self.k1, self.b = language, k1, b
        self.docs = [Counter(tokenize(d, language)) for d in documents]
        self.lengths = np.array([sum(d.values()) for d in self.docs], dtype=np.float32)
        self.avg_length = float(self.lengths.mean()) if len(self.docs) else 0.0
        frequency: Counter[str] = Counter(word for doc in self.docs for word in doc)
        n = len(self.docs)
        self.idf = {w: math.log(1 + (n - f + 0.5) / (f + 0.5)) for w, f in frequency.items()}

    def scores(self, query: str) -> np.ndarray:
        result = np.zeros(len(self.docs), dtype=np.float32)
        for word in set(tokenize(query, self.language)):
            idf = self.idf.get(word)
            if idf is None:
                continue
            for i, doc in enumerate(self.docs):
                tf = doc.get(word)
                if tf:
                    norm = tf + self.k1 * (1 - self.b + self.b * self.lengths[i] / self.avg_length)
                    result[i] += idf * tf * (self.k1 + 1) / norm
        return result
