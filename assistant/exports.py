"""Evaluation results in the shapes other tools read, and with their uncertainty: per-sample JSONL in the
ragas / DeepEval shape, TREC run and qrels files (trec_eval, ir_measures, ranx), per-kind slices, and Wilson 95%
intervals on every rate."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .scoring import phrase_right


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
    rates = {
        "answer_accuracy": _rate([r["correct"] for r in answerable]),
        "refusal_accuracy": _rate([r["correct"] for r in results if not r["answerable"]]),
        "containment": _rate([r["contained"] for r in answerable]),
        "citation_precision": _rate([v for r in answered for v in r["citations_correct"]]),
        "quote_validity": _rate([v for r in results for v in r["quotes_valid"]]),
    }
    said = [
        (r["answer"]["short_answer"]["text"], r.get("accepted") or [])
        for r in answered
        if r["answer"].get("short_answer")
    ]
    if said:  # the phrase said first, scored on its own
        rates["short_answer_accuracy"] = _rate([phrase_right(text, accepted) for text, accepted in said])
    return rates


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


def trec_run(rankings: Mapping[str, Sequence[str]], tag: str) -> str:
    """A TREC run file: ``qid Q0 docid rank score tag``, one line per retrieved document. Scores fall with the
    rank (readers order by score, not by the rank column)."""
    lines = []
    for qid, ranked in rankings.items():
        depth = len(ranked)
        lines += [f"{qid} Q0 {trec_id(doc)} {rank} {depth - rank + 1} {tag}" for rank, doc in enumerate(ranked, 1)]
    return "".join(line + "\n" for line in lines)


def trec_qrels(qrels: Mapping[str, Mapping[str, int]]) -> str:
    """A TREC qrels file: ``qid 0 docid relevance``."""
    return "".join(f"{qid} 0 {trec_id(doc)} {rel}\n" for qid, docs in qrels.items() for doc, rel in docs.items())


def trec_id(name: str) -> str:
    """A file name as a TREC document id: the format splits on whitespace, so spaces are escaped as in URLs."""
    return quote(name, safe="/#:._-")


def write_trec(run: dict[str, Any], directory: Path, name: str) -> list[Path]:
    """An evaluation run's document rankings and gold sources as ``run-NAME.trec`` and ``qrels.trec`` (answerable
    questions only: an unanswerable one has no relevant document)."""
    judged = [r for r in run["results"] if r["answerable"] and r["gold_sources"]]
    run_path, qrels_path = directory / f"run-{name}.trec", directory / "qrels.trec"
    rankings = {r["id"]: r["ranked_sources"] for r in judged if r["ranked_sources"]}
    run_path.write_text(trec_run(rankings, name), encoding="utf-8")
    qrels_path.write_text(trec_qrels({r["id"]: dict.fromkeys(r["gold_sources"], 1) for r in judged}), encoding="utf-8")
    return [run_path, qrels_path]


HARNESS_MEASURES = {"hit@1": "Success@1", "hit@5": "Success@5", "mrr": "RR", "ndcg@10": "nDCG@10"}


def read_back_trec(
    run_path: Path, qrels_path: Path, measures: Mapping[str, str] = HARNESS_MEASURES
) -> dict[str, float]:
    """The written run scored by ir_measures (trec_eval underneath), an independent reader of the files:
    ``measures`` maps this harness's names to ir_measures' (by default hit@1, hit@5, MRR and nDCG@10)."""
    import ir_measures

    parsed = {ir_measures.parse_measure(theirs): ours for ours, theirs in measures.items()}
    qrels = list(ir_measures.read_trec_qrels(str(qrels_path)))
    run = list(ir_measures.read_trec_run(str(run_path)))
    found = ir_measures.calc_aggregate(list(parsed), qrels, run)
    return {parsed[measure]: float(value) for measure, value in found.items()}
