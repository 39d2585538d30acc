"""The broad slice of the evals: questions whose good answer holds certain key facts (summaries, overviews,
comparisons, why, yes/no, greetings). A question scores the share of its key facts found in the answer; a fact
is a list of accepted wordings, any one of which counts."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import BadInput
from .scoring import mean, normalize_answer, percentile
from .types import Answer


@dataclass(frozen=True)
class KeyFactItem:
    id: str
    question: str
    kind: str  # the kind a reader would call it (kinds.KINDS)
    facts: tuple[tuple[str, ...], ...]


def load_key_facts(path: Path) -> list[KeyFactItem]:
    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            items.append(KeyFactItem(row["id"], row["question"], row["kind"], tuple(tuple(f) for f in row["facts"])))
        except (ValueError, KeyError, TypeError) as exc:
            raise BadInput(f"{path}:{n}: not a key-fact item ({exc})") from exc
    return items


def fact_share(text: str, facts: Sequence[Sequence[str]]) -> float:
    """The share of facts of which at least one wording is in the text (SQuAD normalisation on both sides; a
    wording must start a word and may end inside one: "Tinzaouat" for both spellings of the town)."""
    said = f" {normalize_answer(text)} "
    return mean([float(any(f" {normalize_answer(w)}" in said for w in fact)) for fact in facts])


def evaluate_key_facts(ask: Callable[[str], Answer], items: Sequence[KeyFactItem]) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    for item in items:
        began = time.perf_counter()
        answer = ask(item.question)
        took = (time.perf_counter() - began) * 1000
        score = 0.0 if answer.refused else fact_share(answer.text, item.facts)
        rows.append(
            {
                "id": item.id,
                "question": item.question,
                "kind": item.kind,
                "answered_as": answer.kind,
                "score": score,
                "refused": answer.refused,
                "ms": took,
                "answer": answer.text,
            }
        )
    kinds = sorted({r["kind"] for r in rows})
    return {
        "key_fact_share": mean([r["score"] for r in rows]),
        "refused": sum(r["refused"] for r in rows),
        "by_kind": {k: mean([r["score"] for r in rows if r["kind"] == k]) for k in kinds},
        "p50_ms": percentile([r["ms"] for r in rows], 50),
        "results": rows,
    }


def key_fact_summary(broad: dict[str, Any]) -> str:
    """One line for an ``evaluate_key_facts`` result: the share, by kind, and how many were refused."""
    by_kind = ", ".join(f"{k} {v:.2f}" for k, v in broad["by_kind"].items())
    return f"key-fact share {broad['key_fact_share']:.3f} ({by_kind}); refused {broad['refused']}"
