"""Fit the verifier: how much the chat model's "yes" counts beside the answer judge's probability, and the threshold.

    python -m evals.train_verifier            # about 55 minutes on 2 cores; writes assistant/models/verifier-v2.json
    python -m evals.train_verifier --reuse    # refit on the readings the last run saved (build/bench/), in seconds
    python -m evals.train_verifier --quick    # a few questions, to prove the script works

Needs the verifier's model (``assistant verifier --fetch``). Each question is asked as the engine asks it, in the
open setting against every paragraph of its SQuAD file: the judge (``judge-v5``) ranks the best sentences, and the
chat model reads the question with each of the first SENTENCES_READ of them. A logistic regression on the two
log-odds (the judge's probability and the model's "yes") of the judge's best sentence is fitted to whether the
question is answerable; a question's score is the best of its sentences so weighed, and the threshold declines
MAX_DECLINED of the answerable questions, as the judge's own does. The level under which an answer says it is
unsure is read from the same questions.

Data (../shared/data/README.md, training splits only): SQuAD v2.0 dev questions of the titles of v1.1 articles 20-23
(the judge's training titles, which its reader did not learn from; most are unanswerable) and the v1.1 questions of
those articles, so that questions written without a near miss in mind count too. Nothing here reads the held-out
articles 24-47 or the corpus gold set.
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

from .benchmarks import BUILD, DATA, assistant_for, progress_bar, squad_corpus
from .train_judge import MAX_DECLINED, Question, fit_logistic, questions
from .tune_short import right_share

SEED = 13
SENTENCES_READ = 2  # each costs the chat model's reading, about a second
UNSURE_STEP = 0.05  # the bands the unsure level is read from: each holds about 90-400 of the training questions
UNANSWERABLE_SHARE = 0.25  # as for the judge's unsure level (evals/tune_short.py --bands)


def collect(index: str, asked: list[Question], model: YesModel, read: int) -> list[dict[str, Any]]:
    """Per question, for each of the judge's best ``read`` sentences: the judge's probability, the model's "yes"
    and whether it holds a gold answer; and whether the question is answerable."""
    assistant = assistant_for(index, verifier=False)  # the model is read here directly, not loaded twice
    engine = assistant.engine
    out = []
    bar = progress_bar(f"questions {index}")
    for n, question in enumerate(asked, 1):
        query = engine.retriever.correct(question.text)
        sentences = [
            {
                "judged": e.score,
                "yes": model.says_yes(query, e.text, e.title),
                "holds_answer": question.answerable and contains(e.text, question.answers),
            }
            for e in engine.evidence(query)[:read]
        ]
        out.append(
            {"index": index, "question": question.text, "answerable": question.answerable, "sentences": sentences}
        )
        bar(n, len(asked))
    return out


def scored(case: dict[str, Any], weights: list[float], bias: float, read: int) -> tuple[float, bool]:
    """The question's score as the engine sets it, the best weighed of its first ``read`` sentences, and whether that
    sentence holds a gold answer."""
    weighed = [(combined(weights, bias, s["judged"], s["yes"]), s["holds_answer"]) for s in case["sentences"][:read]]
    return max(weighed, key=lambda w: w[0], default=(0.0, False))


def figures(cases: list[dict[str, Any]], chosen: list[tuple[float, bool]], threshold: float) -> dict[str, float]:
    """At ``threshold``: how well ``chosen`` (each question's score and whether its sentence holds the answer) tells
    answerable from unanswerable questions, the declined shares, and how often an answer holds a gold answer."""
    answerable = [s for c, s in zip(cases, chosen, strict=True) if c["answerable"]]
    unanswerable = [score for c, (score, _) in zip(cases, chosen, strict=True) if not c["answerable"]]
    return {
        "auc_answerable_vs_not": round(auc([score for score, _ in chosen], [c["answerable"] for c in cases]), 4),
        "answerable_declined": round(float(np.mean([score < threshold for score, _ in answerable])), 4),
        "unanswerable_declined": round(float(np.mean([score < threshold for score in unanswerable])), 4),
        "chosen_sentence_holds_answer": round(float(np.mean([h and s >= threshold for s, h in answerable])), 4),
    }


def at_max_declined(cases: list[dict[str, Any]], chosen: list[tuple[float, bool]]) -> float:
    """The threshold that declines MAX_DECLINED of the answerable questions."""
    answerable = sorted(score for c, (score, _) in zip(cases, chosen, strict=True) if c["answerable"])
    return answerable[int(MAX_DECLINED * len(answerable))]


def unsure_level(cases: list[dict[str, Any]], chosen: list[tuple[float, bool]], threshold: float) -> float:
    """The probability under which about half of the answers given are wrong, as the judge's ``UNSURE`` is set: the
    top of the highest band (from the threshold up, by UNSURE_STEP) whose answers hold a gold answer at most half
    the time, counting one question in four unanswerable. The threshold itself when no band is that bad."""
    answerable = [s for c, s in zip(cases, chosen, strict=True) if c["answerable"]]
    unanswerable = [score for c, (score, _) in zip(cases, chosen, strict=True) if not c["answerable"]]
    steps = np.arange(UNSURE_STEP, 1.0, UNSURE_STEP)
    edges = [threshold, *(float(e) for e in steps if e > threshold + UNSURE_STEP / 2), 1.01]
    level = threshold
    for low, high in zip(edges, edges[1:], strict=False):
        right = right_share(answerable, unanswerable, low, high, UNANSWERABLE_SHARE)
        if right is not None and right <= 0.5:
            level = high
    return min(level, 1.0)


def ask(args: argparse.Namespace) -> list[dict[str, Any]]:
    """Every training question asked, each read by the chat model with the judge's best ``args.read`` sentences."""
    from assistant.config import Settings

    model = YesModel(args.model or default_model_path(Settings().embed.cache_dir))
    v11 = json.loads((DATA / "squad" / "dev-v1.1.json").read_text(encoding="utf-8"))["data"]
    titles = {a["title"] for a in v11[20:24]}
    rng = random.Random(SEED)
    asked = {"2.0": questions("2.0", titles), "1.1": questions("1.1", titles)}
    if args.quick:
        asked = {v: rng.sample(rows, 12) for v, rows in asked.items()}
    return [c for version, rows in asked.items() for c in collect(squad_corpus(version), rows, model, args.read)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a few questions: proves the script runs")
    parser.add_argument("--model", type=Path, help="the verifier's GGUF (default: where --fetch puts it)")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "assistant" / "models")
    parser.add_argument("--rows", type=Path, default=BUILD / "verifier-rows.jsonl", help="the model's readings")
    parser.add_argument("--reuse", action="store_true", help="fit on the readings in --rows instead of asking again")
    parser.add_argument("--read", type=int, default=SENTENCES_READ, help="sentences read per question")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    if args.reuse:
        cases = [json.loads(line) for line in args.rows.read_text(encoding="utf-8").splitlines()]
    else:
        cases = ask(args)
        args.rows.parent.mkdir(parents=True, exist_ok=True)
        args.rows.write_text("".join(json.dumps(c) + "\n" for c in cases), encoding="utf-8")
    # fitted on the judge's best sentence (which of the two usually answers) to whether the question is answerable,
    # then applied to each sentence read. Five-fold cross-validated on these questions, with the best of two, 52.7%
    # of the unanswerable are declined instead of 42.3% with the first alone (10% of the answerable declined either
    # way), and the chosen sentence holds the answer for 0.808 of the answerable instead of 0.788; fitting each
    # sentence to whether it holds the answer chose better (0.815) but declined fewer of the unanswerable (48.7%)
    first = [c["sentences"][0] if c["sentences"] else {"judged": 0.0, "yes": 0.0} for c in cases]
    x = np.array([[logit(s["judged"]), logit(s["yes"])] for s in first], float)
    y = np.array([c["answerable"] for c in cases], float)
    fitted, bias = fit_logistic(x, y)
    weights = fitted.tolist()
    verified = [scored(c, weights, bias, args.read) for c in cases]
    threshold = at_max_declined(cases, verified)
    judge_alone = [scored(c, [1.0, 0.0], 0.0, 1) for c in cases]  # the judge's probability as it is
    meta = {
        "version": VERIFIER_VERSION,
        "sha256": VERIFIER_SHA256,
        "model": "Qwen2.5-Coder-1.5B-Instruct Q4_K_M GGUF, joined from " + ", ".join(VERIFIER_PACKAGES[:1]) + " .. 22",
        "features": ["logit(judge probability of the sentence)", "logit(verifier's yes)"],
        "weights": [round(w, 6) for w in weights],
        "bias": round(bias, 6),
        "threshold": round(float(threshold), 6),
        "unsure": round(unsure_level(cases, verified, threshold), 6),
        "sentences_read": args.read,
        "max_declined": MAX_DECLINED,
        "seed": SEED,
        "data": "SQuAD v2.0 dev questions of the titles of v1.1 dev articles 20-23 and "
        "the v1.1 questions of those articles, open setting"
        if not args.quick
        else "quick slice",
        "questions": {"answerable": int(y.sum()), "unanswerable": int(len(y) - y.sum())},
        "figures_on_the_training_questions": figures(cases, verified, threshold),
        "judge_alone_on_the_same_questions": figures(cases, judge_alone, at_max_declined(cases, judge_alone)),
        "seconds": round(time.perf_counter() - began),  # with --reuse, the fit alone: the asking is not repeated
        "readings": "reused" if args.reuse else "asked in this run",
        "command": "python -m evals.train_verifier"
        + (" --quick" if args.quick else "")
        + (" --reuse" if args.reuse else ""),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"verifier-v{VERIFIER_VERSION}.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(meta, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
