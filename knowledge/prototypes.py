"""One trained prototype vector per entry, learnt from the entry's phrasings (title + alternates).

A softmax over scaled cosines, fitted by plain gradient descent from the phrasings' centroids:
neighbouring entries (waiting period vs. illness during the waiting period) get prototypes that
point at what tells them apart. A few seconds of numpy; cached on disk by the inputs' hash, so the
API rebuilds an index in well under a second when nothing changed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from knowledge.embedding_cache import cache_path


def fit_prototypes(vectors: np.ndarray, labels: np.ndarray, classes: int, scale: float,
                   steps: int = 300, learning_rate: float = 0.5, l2: float = 1e-3) -> np.ndarray:
    weights = np.stack([vectors[labels == c].mean(0) for c in range(classes)]).astype(np.float32)
    rows = np.arange(len(labels))
    for _ in range(steps):
        logits = scale * vectors @ weights.T
        logits -= logits.max(1, keepdims=True)
        probabilities = np.exp(logits)
        probabilities /= probabilities.sum(1, keepdims=True)
        probabilities[rows, labels] -= 1  # gradient of the cross-entropy w.r.t. the logits
        weights -= learning_rate * (scale * probabilities.T @ vectors / len(labels) + l2 * weights)
    return weights


def cached_prototypes(vectors: np.ndarray, labels: np.ndarray, classes: int, scale: float) -> np.ndarray:
    digest = hashlib.sha256(np.ascontiguousarray(vectors, dtype=np.float32).tobytes())
    digest.update(np.ascontiguousarray(labels, dtype=np.int64).tobytes())
    digest.update(f"{classes}:{scale}".encode())
    path: Path = cache_path().parent / "prototypes" / f"{digest.hexdigest()[:24]}.npy"
    if path.exists():
        return np.load(path)
    weights = fit_prototypes(vectors, labels, classes, scale)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npy")
    np.save(tmp, weights)
    tmp.replace(path)
    return weights
