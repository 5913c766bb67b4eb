"""How good are the weights: accuracy, confusion, mistakes, precision/recall/F1 (at any threshold),
the ROC curve and its area, and calibration (a reliability diagram and the Brier score)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Rates:
    precision: float  # of the images called the larger digit, the share that are
    recall: float  # of the images that are the larger digit, the share called so
    f1: float


def rates(p1: Sequence[float], labels: Sequence[int], threshold: float = 0.5) -> Rates:
    counts = confusion(p1, labels, threshold)
    called, actual, hits = counts["0-1"] + counts["1-1"], counts["1-0"] + counts["1-1"], counts["1-1"]
    precision = hits / called if called else 0.0
    recall = hits / actual if actual else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Rates(precision, recall, f1)


def roc_curve(p1: Sequence[float], labels: Sequence[int]) -> list[tuple[float, float]]:
    """(false positive rate, true positive rate) as the threshold sweeps from above 1 down to 0."""
    positives = sum(1 for y in labels if y == 1)
    negatives = len(labels) - positives
    points, tp, fp = [(0.0, 0.0)], 0, 0
    ordered = sorted(zip(p1, labels), reverse=True)
    for k, (p, y) in enumerate(ordered):
        tp, fp = tp + (y == 1), fp + (y != 1)
        if k + 1 == len(ordered) or ordered[k + 1][0] != p:  # tied scores move together
            points.append((fp / (negatives or 1), tp / (positives or 1)))
    return points


def auc(p1: Sequence[float], labels: Sequence[int]) -> float:
    """Area under the ROC curve, exactly: the chance that a random positive scores above a random
    negative, ties counting one half (the Mann-Whitney statistic)."""
    ordered = sorted(zip(p1, labels))
    rank_sum, start = 0.0, 0
    while start < len(ordered):
        end = start + 1  # at least one: a NaN equals nothing, itself included
        while end < len(ordered) and ordered[end][0] == ordered[start][0]:
            end += 1
        mean_rank = (start + 1 + end) / 2  # ranks start at 1; a tie shares its mean rank
        rank_sum += mean_rank * sum(1 for _, y in ordered[start:end] if y == 1)
        start = end
    positives = sum(1 for y in labels if y == 1)
    negatives = len(labels) - positives
    if not positives or not negatives:
        return float("nan")
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def brier(p1: Sequence[float], labels: Sequence[int]) -> float:
    """Mean squared gap between the probability and what happened (0 is perfect)."""
    return sum((p - y) ** 2 for p, y in zip(p1, labels)) / len(labels)


def reliability(p1: Sequence[float], labels: Sequence[int], bins: int = 10) -> list[tuple[float, float, int]]:
    """Per probability bin with images in it: (mean predicted p, observed share of the larger digit, count)."""
    sums = [[0.0, 0, 0] for _ in range(bins)]
    for p, y in zip(p1, labels):
        if not 0 <= p <= 1:  # not a probability (NaN): in no bin
            continue
        cell = sums[min(int(p * bins), bins - 1)]
        cell[0] += p
        cell[1] += y == 1
        cell[2] += 1
    return [(total / count, hits / count, count) for total, hits, count in sums if count]
