"""Train the answer judge: the weights that turn the reader's margin and the evidence into a probability.

    python -m evals.train_judge            # about 5 minutes on 2 cores; writes assistant/models/judge-v3.json
    python -m evals.train_judge --quick    # a few questions, to prove the script works (tests use it)

Each question is asked as a user would, in the open setting: against the index of every paragraph of its SQuAD
file (built by ``python -m evals.benchmarks squad``), the best ``judged_sentences`` sentences by the rule score
read by the span reader. Every sentence is a row (``assistant.judge.features``), labelled 1 when it holds a gold
answer. A logistic regression (Newton's method, a little L2) fits the rows; the threshold is the highest
probability that still answers all but MAX_DECLINED of the answerable questions, so that refusals come from
unanswerable ones.

Data (../shared/data/README.md, training splits only): the questions of SQuAD v1.1 dev articles 20-23 and of the
SQuAD v2.0 dev articles with their titles (about half of those unanswerable). The reader learned from articles
0-19, so its margins here are as on new questions. Nothing here reads the held-out articles 24-47 or the corpus
gold set.
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

from assistant.judge import FEATURES, JUDGE_VERSION, probability, rows_of
from assistant.reader import JUDGE_READER_VERSION, SpanReader
from assistant.scoring import auc, contains

from .benchmarks import BUILD, DATA, assistant_for, progress_bar, write_corpus

MAX_DECLINED = 0.05
MAX_CITATIONS = 3  # as RetrievalSettings.max_citations
SEED = 13


def questions(version: str, titles: set[str]) -> list[tuple[str, tuple[str, ...], bool]]:
    data = json.loads((DATA / "squad" / f"dev-v{version}.json").read_text(encoding="utf-8"))["data"]
    return [
        (qa["question"], tuple(a["text"] for a in qa["answers"]), not qa.get("is_impossible"))
        for article in data
        if article["title"] in titles
        for paragraph in article["paragraphs"]
        for qa in paragraph["qas"]
    ]


def quick_index(version: str, title: str) -> str:
    """A small index for --quick: the paragraphs of one article (the full one takes minutes to build)."""
    data = json.loads((DATA / "squad" / f"dev-v{version}.json").read_text(encoding="utf-8"))["data"]
    article = next(a for a in data if a["title"] == title)
    docs = {f"p{p:03d}": (title, paragraph["context"]) for p, paragraph in enumerate(article["paragraphs"])}
    write_corpus(BUILD / f"judge-quick-{version}" / "corpus", docs)
    return f"judge-quick-{version}"


def collect(index: str, rows: list[tuple[str, tuple[str, ...], bool]]) -> list[dict[str, Any]]:
    """Per question: its feature rows, their labels, and whether it is answerable."""
    assistant = assistant_for(index, "rules")
    engine, settings = assistant.engine, assistant.settings.retrieval
    reader = SpanReader(assistant.settings.embed.cache_dir, version=JUDGE_READER_VERSION)
    out = []
    bar = progress_bar(f"questions {index}")
    for n, (question, answers, answerable) in enumerate(rows, 1):
        query = engine.retriever.correct(question)
        evidence = engine.evidence(query)[: settings.judged_sentences]
        spans = reader.spans(query, [e.text for e in evidence])
        labels = [answerable and contains(e.text, answers) for e in evidence]
        out.append({"rows": rows_of(query, evidence, spans), "labels": labels, "answerable": answerable})
        bar(n, len(rows))
    return out


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1e-2, steps: int = 30) -> tuple[np.ndarray, float]:
    """Weights and bias by Newton's method on the mean log-loss plus ``l2`` times the squared weights."""
    design = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(design.shape[1])
    penalty = np.diag([l2] * x.shape[1] + [0.0])
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-np.clip(design @ w, -30, 30)))
        gradient = design.T @ (p - y) / len(y) + penalty @ w
        hessian = (design.T * (p * (1 - p))) @ design / len(y) + penalty
        w -= np.linalg.solve(hessian, gradient)
    return w[:-1], float(w[-1])


def operating_point(cases: list[dict[str, Any]], best: list[float], threshold: float) -> dict[str, float]:
    """Declined shares and how often the best sentence holds the answer, at ``threshold``."""
    answerable = [(c, b) for c, b in zip(cases, best, strict=True) if c["answerable"]]
    unanswerable = [b for c, b in zip(cases, best, strict=True) if not c["answerable"]]
    return {
        "answerable_declined": round(float(np.mean([b < threshold for _, b in answerable])), 4),
        "unanswerable_declined": round(float(np.mean([b < threshold for b in unanswerable])), 4) if unanswerable else 0,
        "best_sentence_holds_answer": round(
            float(np.mean([b >= threshold and c["top_label"] for c, b in answerable])), 4
        ),
    }


def decide(cases: list[dict[str, Any]], weights: np.ndarray, bias: float, names_required: bool) -> dict[str, Any]:
    """The threshold that declines MAX_DECLINED of the answerable questions, and the figures there; with
    ``names_required``, a sentence missing a name or number of the question cannot answer (the rules' hard test)."""
    missing = FEATURES.index("missing")
    sentence_scores: list[float] = []
    for c in cases:
        scores = [probability(weights, bias, row) for row in c["rows"]]
        sentence_scores += scores
        rows = c["rows"]
        allowed = [-1.0 if names_required and row[missing] else p for p, row in zip(scores, rows, strict=True)]
        top = int(np.argmax(allowed)) if allowed else -1
        c["best"] = max(allowed, default=-1.0)  # -1: no sentence may answer, declined at any threshold
        c["allowed"] = allowed
        c["top_label"] = bool(top >= 0 and c["labels"][top])
    best = [c["best"] for c in cases]
    answerable_best = sorted(b for c, b in zip(cases, best, strict=True) if c["answerable"])
    # the names rule alone may decline more than MAX_DECLINED: then no threshold is left to choose (0)
    threshold = max(0.0, answerable_best[int(MAX_DECLINED * len(answerable_best))]) if answerable_best else 0.5
    labels = [bool(label) for c in cases for label in c["labels"]]
    return {
        "threshold": round(threshold, 6),
        "questions": {"answerable": len(answerable_best), "unanswerable": len(cases) - len(answerable_best)},
        "sentences": len(labels),
        "sentence_auc": round(auc(sentence_scores, labels), 4),
        "question_auc_answerable_vs_not": round(auc(best, [c["answerable"] for c in cases]), 4),
        **operating_point(cases, best, threshold),
    }


def runner_up_ratio(cases: list[dict[str, Any]], threshold: float) -> tuple[float, dict[str, Any]]:
    """The share of the best sentence's probability a further sentence needs to be cited too: the one that gives
    the most (answers holding a gold answer + the share of cited sentences that hold one) on answered questions."""
    table = []
    for ratio in [r / 100 for r in range(30, 101, 5)]:
        contained, precise = [], []
        for c in cases:
            p = c["allowed"]
            order = sorted(range(len(p)), key=lambda i: -p[i])
            if not c["answerable"] or not order or p[order[0]] < threshold:
                continue
            top = order[0]
            cited = [top] + [i for i in order[1:MAX_CITATIONS] if p[i] >= threshold and p[i] >= ratio * p[top]]
            labels = [bool(c["labels"][i]) for i in cited]
            contained.append(any(labels))
            precise.append(sum(labels) / len(labels))
        table.append((float(np.mean(contained) + np.mean(precise)), ratio, np.mean(contained), np.mean(precise)))
    _, ratio, contained_share, precision = max(table)
    return ratio, {"contained": round(float(contained_share), 4), "citation_precision": round(float(precision), 4)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a few questions: proves the script runs")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "assistant" / "models")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    v11 = json.loads((DATA / "squad" / "dev-v1.1.json").read_text(encoding="utf-8"))["data"]
    titles = {a["title"] for a in v11[20:24]}
    if args.quick:  # one article's questions against its own paragraphs
        title = v11[20]["title"]
        rng = random.Random(SEED)
        indexes = {v: quick_index(v, title) for v in ("1.1", "2.0")}
        asked = {v: rng.sample(questions(v, {title}), 40) for v in indexes}
    else:
        indexes = {v: f"squad{v}" for v in ("1.1", "2.0")}
        asked = {v: questions(v, titles) for v in indexes}
    cases = [c for version, rows in asked.items() for c in collect(indexes[version], rows)]

    x = np.array([row for c in cases for row in c["rows"]], float)
    y = np.array([label for c in cases for label in c["labels"]], float)
    weights, bias = fit_logistic(x, y)
    figures = decide(cases, weights, bias, names_required=False)
    strict = decide(cases, weights, bias, names_required=True)
    feasible = strict["answerable_declined"] <= MAX_DECLINED + 0.005  # the names rule alone may decline more
    names_required = feasible and strict["unanswerable_declined"] > figures["unanswerable_declined"]
    chosen = decide(cases, weights, bias, names_required)  # the chosen way's probabilities stay on the cases
    ratio, citing = runner_up_ratio(cases, chosen["threshold"])
    meta = {
        "version": JUDGE_VERSION,
        "features": list(FEATURES),
        "weights": [round(float(w), 6) for w in weights],
        "bias": round(bias, 6),
        "threshold": chosen.pop("threshold"),
        "names_required": names_required,
        "runner_up_ratio": ratio,
        "reader": f"reader-v{JUDGE_READER_VERSION}",
        "seed": SEED,
        "max_declined": MAX_DECLINED,
        "data": "SQuAD v1.1 dev articles 20-23 and SQuAD v2.0 dev questions of the same titles, open setting"
        if not args.quick
        else "quick slice",
        "figures_on_the_training_questions": chosen,
        "runner_ups_on_the_training_questions": citing,
        "figures_the_other_way": {"names_required": not names_required, **(figures if names_required else strict)},
        "seconds": round(time.perf_counter() - began),
        "command": "python -m evals.train_judge" + (" --quick" if args.quick else ""),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"judge-v{JUDGE_VERSION}.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(meta, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
