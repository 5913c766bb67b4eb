"""How good are the weights: accuracy, confusion matrix, the mistakes (at any decision threshold)."""

from __future__ import annotations

from collections.abc import Sequence

from .model import sigmoid
from .sparse import Design


def probabilities(design: Design, w: Sequence[float], b: float) -> list[float]:
    """p(1) for every image of the design."""
    return [sigmoid(z) for z in design.logits(w, b)]


def accuracy(p1: Sequence[float], labels: Sequence[int], threshold: float = 0.5) -> float:
    correct = sum((p >= threshold) == (y == 1) for p, y in zip(p1, labels))
    return correct / len(labels) if labels else 0.0


def confusion(p1: Sequence[float], labels: Sequence[int], threshold: float = 0.5) -> dict[str, int]:
    """Counts keyed "true-predicted": "0-0", "0-1", "1-0", "1-1"."""
    counts = {"0-0": 0, "0-1": 0, "1-0": 0, "1-1": 0}
    for p, y in zip(p1, labels):
        counts[f"{int(y)}-{int(p >= threshold)}"] += 1
    return counts


def misclassified(p1: Sequence[float], labels: Sequence[int], threshold: float = 0.5) -> list[int]:
    """Indices of the images whose predicted digit is not their label."""
    return [i for i, (p, y) in enumerate(zip(p1, labels)) if (p >= threshold) != (y == 1)]
