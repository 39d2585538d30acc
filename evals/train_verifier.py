"""Fit the verifier: how much the chat model's "yes" counts beside the answer judge's probability, and the threshold.

    python -m evals.train_verifier            # about 25 minutes on 2 cores; writes assistant/models/verifier-v1.json
    python -m evals.train_verifier --quick    # a few questions, to prove the script works

Needs the verifier's model (``assistant verifier --fetch``). Each question is asked as the engine asks it, in the
open setting against every paragraph of its SQuAD file: the judge (``judge-v5``) ranks the best sentences, and the
chat model reads the question with the first of them. A logistic regression on the two log-odds (the judge's
probability and the model's "yes") is fitted to whether the question is answerable; the threshold declines
MAX_DECLINED of the answerable questions, as the judge's own does.

Data (../shared/data/README.md, training splits only): SQuAD v2.0 dev questions of the titles of v1.1 articles 20-23
(the judge's training titles, which its reader did not learn from; most are unanswerable) and a sample of the v1.1
questions of those articles, so that questions written without a near miss in mind count too. Nothing here reads
the held-out articles 24-47 or the corpus gold set.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from assistant.scoring import auc, contains
from assistant.verifier import (
    VERIFIER_PACKAGES,
    VERIFIER_SHA256,
    VERIFIER_VERSION,
    YesModel,
    combined,
    default_model_path,
    logit,
)

from .benchmarks import DATA, assistant_for, progress_bar, squad_corpus
from .train_judge import MAX_DECLINED, Question, fit_logistic, questions

SEED = 13
V11_SAMPLE = 150  # v1.1 questions beside the v2.0 ones: each costs the chat model's reading, about 2 s


def collect(index: str, asked: list[Question], model: YesModel) -> list[dict[str, Any]]:
    """Per question: the judge's probability for its best sentence, the model's "yes" for it, and the labels."""
    assistant = assistant_for(index)
    engine = assistant.engine
    out = []
    bar = progress_bar(f"questions {index}")
    for n, question in enumerate(asked, 1):
        query = engine.retriever.correct(question.text)
        evidence = engine.evidence(query)
        best = evidence[0] if evidence else None
        yes = model.says_yes(query, best.text, best.title) if best else 0.0
        out.append(
            {
                "judged": best.score if best else 0.0,
                "yes": yes,
                "answerable": question.answerable,
                "holds_answer": bool(best and question.answerable and contains(best.text, question.answers)),
            }
        )
        bar(n, len(asked))
    return out


def figures(cases: list[dict[str, Any]], scores: list[float], threshold: float) -> dict[str, float]:
    answerable = [s for c, s in zip(cases, scores, strict=True) if c["answerable"]]
    unanswerable = [s for c, s in zip(cases, scores, strict=True) if not c["answerable"]]
    held = [c["holds_answer"] and s >= threshold for c, s in zip(cases, scores, strict=True) if c["answerable"]]
    return {
        "auc_answerable_vs_not": round(auc(scores, [c["answerable"] for c in cases]), 4),
        "answerable_declined": round(float(np.mean([s < threshold for s in answerable])), 4),
        "unanswerable_declined": round(float(np.mean([s < threshold for s in unanswerable])), 4),
        "best_sentence_holds_answer": round(float(np.mean(held)), 4),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a few questions: proves the script runs")
    parser.add_argument("--model", type=Path, help="the verifier's GGUF (default: where --fetch puts it)")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "assistant" / "models")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    from assistant.config import Settings

    model = YesModel(args.model or default_model_path(Settings().embed.cache_dir))
    v11 = json.loads((DATA / "squad" / "dev-v1.1.json").read_text(encoding="utf-8"))["data"]
    titles = {a["title"] for a in v11[20:24]}
    rng = random.Random(SEED)
    asked = {"2.0": questions("2.0", titles), "1.1": rng.sample(questions("1.1", titles), V11_SAMPLE)}
    if args.quick:
        asked = {v: rng.sample(rows, 12) for v, rows in asked.items()}
    cases = [c for version, rows in asked.items() for c in collect(squad_corpus(version), rows, model)]

    x = np.array([[logit(c["judged"]), logit(c["yes"])] for c in cases], float)
    y = np.array([c["answerable"] for c in cases], float)
    weights, bias = fit_logistic(x, y)
    scores = [combined(weights.tolist(), bias, c["judged"], c["yes"]) for c in cases]
    answerable = sorted(s for c, s in zip(cases, scores, strict=True) if c["answerable"])
    threshold = answerable[int(MAX_DECLINED * len(answerable))]
    judge_alone = [c["judged"] for c in cases]
    judge_threshold = sorted(j for c, j in zip(cases, judge_alone, strict=True) if c["answerable"])
    meta = {
        "version": VERIFIER_VERSION,
        "sha256": VERIFIER_SHA256,
        "model": "Qwen2.5-Coder-1.5B-Instruct Q4_K_M GGUF, joined from " + ", ".join(VERIFIER_PACKAGES[:1]) + " .. 22",
        "features": ["logit(judge probability of the best sentence)", "logit(verifier's yes)"],
        "weights": [round(float(w), 6) for w in weights],
        "bias": round(bias, 6),
        "threshold": round(float(threshold), 6),
        "max_declined": MAX_DECLINED,
        "seed": SEED,
        "data": "SQuAD v2.0 dev questions of the titles of v1.1 dev articles 20-23 and "
        f"{V11_SAMPLE} v1.1 questions of those articles, open setting"
        if not args.quick
        else "quick slice",
        "questions": {"answerable": int(y.sum()), "unanswerable": int(len(y) - y.sum())},
        "figures_on_the_training_questions": figures(cases, scores, threshold),
        "judge_alone_on_the_same_questions": figures(
            cases, judge_alone, judge_threshold[int(MAX_DECLINED * len(judge_threshold))]
        ),
        "seconds": round(time.perf_counter() - began),
        "command": "python -m evals.train_verifier" + (" --quick" if args.quick else ""),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"verifier-v{VERIFIER_VERSION}.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(meta, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
