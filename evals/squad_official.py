"""SQuAD's official scoring, v1.1 and v2.0, as the official evaluation scripts compute it, plus the files those
scripts read: ``predictions.json`` (question id -> answer text, "" for no answer) and the dataset subset that
was asked, in the official layout. Anyone can then score a run with the official script itself:

    python evaluate-v2.0.py build/bench/squad2.0-heldout-report/dev-subset.json .../predictions.json

Differences from the harness's own EM/F1 (``assistant.scoring``), kept on purpose so the figures match the
published ones: curly quotes are not punctuation here, v1.1 scores an unanswered question 0, and v2.0 counts an
empty prediction right for an unanswerable question.
"""

from __future__ import annotations

import collections
import json
import re
import string
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

_MARKERS = re.compile(r"\s*\[\d+(?:\s*,\s*\d+)*\]")
_PUNCTUATION = set(string.punctuation)


def normalize_answer(s: str) -> str:
    """Lower text and remove punctuation, articles and extra whitespace (the official function)."""
    s = "".join(ch for ch in s.lower() if ch not in _PUNCTUATION)
    s = re.sub(r"\b(a|an|the)\b", " ", s)
    return " ".join(s.split())


def _tokens(s: str) -> list[str]:
    return normalize_answer(s).split() if s else []


def exact(gold: str, prediction: str) -> int:
    return int(normalize_answer(gold) == normalize_answer(prediction))


def f1(gold: str, prediction: str) -> float:
    gold_tokens, predicted = _tokens(gold), _tokens(prediction)
    if not gold_tokens or not predicted:  # v2.0: no answer is right only against no answer
        return float(gold_tokens == predicted)
    same = sum((collections.Counter(gold_tokens) & collections.Counter(predicted)).values())
    if same == 0:
        return 0.0
    precision, recall = same / len(predicted), same / len(gold_tokens)
    return 2 * precision * recall / (precision + recall)


def questions(dataset: Iterable[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
    for article in dataset:
        for paragraph in article["paragraphs"]:
            yield from paragraph["qas"]


def score_v1(dataset: Sequence[Mapping[str, Any]], predictions: Mapping[str, str]) -> dict[str, float]:
    """evaluate-v1.1.py: the best gold answer per question; a missing prediction scores 0; means x100."""
    em = f = 0.0
    total = 0
    for qa in questions(dataset):
        total += 1
        if qa["id"] not in predictions:
            continue
        golds = [a["text"] for a in qa["answers"]]
        prediction = predictions[qa["id"]]
        em += max(exact(g, prediction) for g in golds)
        f += max(_f1_v1(g, prediction) for g in golds)
    return {"exact_match": 100.0 * em / total, "f1": 100.0 * f / total, "total": float(total)}


def _f1_v1(gold: str, prediction: str) -> float:
    # v1.1's f1_score has no special case for empty answers: two empty answers share no token, so score 0
    return f1(gold, prediction) if _tokens(gold) or _tokens(prediction) else 0.0


def score_v2(dataset: Sequence[Mapping[str, Any]], predictions: Mapping[str, str]) -> dict[str, float]:
    """evaluate-v2.0.py without a no-answer probability file: exact, f1 and total over the questions with a
    prediction, and the same for HasAns and NoAns."""
    exact_scores: dict[str, float] = {}
    f1_scores: dict[str, float] = {}
    has_answer: dict[str, bool] = {}
    for qa in questions(dataset):
        has_answer[qa["id"]] = bool(qa["answers"])
        if qa["id"] not in predictions:
            continue
        golds = [a["text"] for a in qa["answers"] if normalize_answer(a["text"])] or [""]
        prediction = predictions[qa["id"]]
        exact_scores[qa["id"]] = max(exact(g, prediction) for g in golds)
        f1_scores[qa["id"]] = max(f1(g, prediction) for g in golds)
    out = _means(exact_scores, f1_scores, list(exact_scores))
    for prefix, wanted in (("HasAns", True), ("NoAns", False)):
        ids = [q for q, has in has_answer.items() if has == wanted]
        if ids:
            out.update({f"{prefix}_{k}": v for k, v in _means(exact_scores, f1_scores, ids).items()})
    return out


def _means(exact_scores: Mapping[str, float], f1_scores: Mapping[str, float], ids: list[str]) -> dict[str, float]:
    total = len(ids)
    return {
        "exact": 100.0 * sum(exact_scores[q] for q in ids) / total,
        "f1": 100.0 * sum(f1_scores[q] for q in ids) / total,
        "total": float(total),
    }


def prediction_text(answer: Mapping[str, Any]) -> str:
    """What the assistant predicted, as a SQuAD prediction: its short answer when it showed one, else its answer
    without citation markers; "" when it declined."""
    if answer["refused"]:
        return ""
    short = answer.get("short_answer")
    return str(short["text"]) if short else _MARKERS.sub("", str(answer["answer"])).strip()


def write_official(dataset: list[Mapping[str, Any]], run: dict[str, Any], directory: Path) -> dict[str, Any]:
    """``predictions.json`` and ``dev-subset.json`` (the articles cut to the questions asked) in ``directory``,
    and the official figures for the dataset's version (``"version"`` in the result)."""
    predictions = {r["id"]: prediction_text(r["answer"]) for r in run["results"]}
    subset = []
    for article in dataset:
        paragraphs = [{**p, "qas": [qa for qa in p["qas"] if qa["id"] in predictions]} for p in article["paragraphs"]]
        paragraphs = [p for p in paragraphs if p["qas"]]
        if paragraphs:
            subset.append({**article, "paragraphs": paragraphs})
    version = "2.0" if any(qa.get("is_impossible") for qa in questions(dataset)) else "1.1"
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "predictions.json").write_text(json.dumps(predictions, ensure_ascii=False), encoding="utf-8")
    layout = {"version": f"v{version}", "data": subset}
    (directory / "dev-subset.json").write_text(json.dumps(layout, ensure_ascii=False), encoding="utf-8")
    figures = score_v2(subset, predictions) if version == "2.0" else score_v1(subset, predictions)
    return {"version": version, **figures}
