"""Scorers: SQuAD answer normalisation, EM, F1 and containment; percentiles; ranking metrics."""

from __future__ import annotations

import math
import re
import string
from collections.abc import Iterable, Sequence

# SQuAD's official normalisation: lower case, no punctuation, no articles, single spaces
_POSSESSIVE = re.compile(r"'s\b")
_QUOTE_MARKS = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def normalize_answer(text: str) -> str:
    text = text.translate(_QUOTE_MARKS).lower()
    text = "".join(ch for ch in text if ch not in set(string.punctuation))
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def exact_match(prediction: str, answers: Iterable[str]) -> float:
    return max((float(normalize_answer(prediction) == normalize_answer(a)) for a in answers), default=0.0)


def token_f1(prediction: str, answers: Iterable[str]) -> float:
    def one(gold: str) -> float:
        pred, ref = normalize_answer(prediction).split(), normalize_answer(gold).split()
        common = sum(min(pred.count(t), ref.count(t)) for t in set(pred) & set(ref))
        if not pred or not ref or common == 0:
            return float(pred == ref)
        precision, recall = common / len(pred), common / len(ref)
        return 2 * precision * recall / (precision + recall)

    return max((one(a) for a in answers), default=0.0)


def contains(prediction: str, answers: Iterable[str]) -> bool:
    """An accepted answer appears in the prediction (after SQuAD normalisation; "Wagner's" contains "Wagner")."""
    padded = f" {normalize_answer(prediction)} "
    without_possessives = _POSSESSIVE.sub("", prediction.translate(_QUOTE_MARKS))
    possessive = f" {normalize_answer(without_possessives)} "
    return any(f" {a} " in padded or f" {a} " in possessive for a in map(normalize_answer, answers) if a)


def phrase_right(said: str, answers: Sequence[str]) -> bool:
    """A short answer is right when it holds an accepted answer or reaches F1 0.5 against one ("11" for
    "11 children")."""
    return contains(said, answers) or token_f1(said, answers) >= 0.5


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else float("nan")


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..1); NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def retrieval_metrics(
    rankings: Sequence[tuple[Sequence[str], Sequence[str]]], k_values: Sequence[int] = (1, 3, 5)
) -> dict[str, float]:
    """Gold-source hit@k, MRR and nDCG@10 over (ranked, de-duplicated sources, gold sources) pairs."""
    rows = [(list(ranked), set(gold)) for ranked, gold in rankings if gold]
    out: dict[str, float] = {}
    for k in k_values:
        out[f"hit@{k}"] = mean([float(any(s in gold for s in ranked[:k])) for ranked, gold in rows])
    out["mrr"] = mean([next((1.0 / (i + 1) for i, s in enumerate(ranked) if s in gold), 0.0) for ranked, gold in rows])
    out["ndcg@10"] = mean([ndcg(ranked[:10], gold) for ranked, gold in rows])
    return out


def ndcg(ranked: Sequence[str], relevant: set[str], k: int = 10) -> float:
    dcg = sum(1.0 / math.log2(i + 2) for i, s in enumerate(ranked[:k]) if s in relevant)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    return dcg / ideal if ideal else 0.0


def auc(scores: Sequence[float], positive: Sequence[bool]) -> float:
    """The chance that a positive scores above a negative, ties counting half (Mann-Whitney, from average ranks)."""
    n_pos = sum(bool(p) for p in positive)
    n_neg = len(positive) - n_pos
    if not n_pos or not n_neg:
        return float("nan")
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    ranks = [0.0] * len(scores)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and scores[order[j + 1]] == scores[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return (sum(r for r, p in zip(ranks, positive, strict=True) if p) - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def risk_coverage(rows: Sequence[tuple[float, bool]]) -> list[tuple[float, float, float]]:
    """(threshold, coverage, accuracy of the answered questions) as the answer threshold moves down.

    ``rows`` holds each question's best sentence score and whether answering with that sentence would be right
    (never, for a question the documents do not answer). Ties are taken together.
    """
    ordered = sorted(rows, key=lambda r: -r[0])
    curve, right = [], 0
    for i, (score, correct) in enumerate(ordered, 1):
        right += correct
        if i == len(ordered) or ordered[i][0] != score:
            curve.append((score, i / len(ordered), right / i))
    return curve
