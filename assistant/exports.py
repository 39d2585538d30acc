"""Evaluation results in the shapes other tools read, and with their uncertainty: per-sample JSONL in the
ragas / DeepEval shape, per-kind slices, and Wilson 95% intervals on every rate."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def wilson(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval of a rate (95% by default); (nan, nan) with no trials."""
    if n == 0:
        return float("nan"), float("nan")
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def _rate(flags: Sequence[bool]) -> dict[str, float]:
    low, high = wilson(sum(flags), len(flags))
    rate = sum(flags) / len(flags) if flags else float("nan")
    return {"rate": rate, "low": low, "high": high, "n": float(len(flags))}


def intervals(results: Sequence[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Each headline rate of a run with its Wilson 95% interval and the number of trials behind it."""
    answerable = [r for r in results if r["answerable"]]
    answered = [r for r in answerable if not r["answer"]["refused"]]
    return {
        "answer_accuracy": _rate([r["correct"] for r in answerable]),
        "refusal_accuracy": _rate([r["correct"] for r in results if not r["answerable"]]),
        "containment": _rate([r["contained"] for r in answerable]),
        "citation_precision": _rate([v for r in answered for v in r["citations_correct"]]),
        "quote_validity": _rate([v for r in results for v in r["quotes_valid"]]),
    }


def by_kind(results: Sequence[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Accuracy per question kind of the gold set (its ``kind`` tag), with intervals."""
    kinds = sorted({r["kind"] for r in results})
    return {k: _rate([r["correct"] for r in results if r["kind"] == k]) for k in kinds}


def sample(result: dict[str, Any]) -> dict[str, Any]:
    """One question in the ragas / DeepEval field names, plus this harness's own verdicts."""
    answer = result["answer"]
    gold_answers = result.get("accepted") or []
    return {
        "user_input": result["question"],
        "response": answer["answer"],
        "retrieved_contexts": [c["quote"] for c in answer.get("citations") or answer.get("nearest") or []],
        "reference": gold_answers[0] if gold_answers else "",
        "id": result["id"],
        "kind": result["kind"],
        "answerable": result["answerable"],
        "refused": answer["refused"],
        "correct": result["correct"],
        "f1": result["f1"],
    }


def write_samples(run: dict[str, Any], path: Path) -> Path:
    """The run's questions as JSONL (dialogue turns included), one sample per line."""
    rows = [sample(r) for r in run["results"] + run["dialogue_turns"]]
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path
