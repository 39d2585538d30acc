"""Choose the rule thresholds (MIN_SCORE, MIN_COVERAGE) on SQuAD training data, never on the gold set.

    python -m evals.tune_thresholds            # about 5 minutes on 2 cores (builds the SQuAD indexes on first run)

Each training question is asked once against the open index of its SQuAD version (build/bench/, built by
``python -m evals.benchmarks squad``); its evidence sentences are kept with their scores, and the refusal
decision is replayed for every pair of thresholds on a grid. Questions: SQuAD v1.1 articles 0-23 and SQuAD v2.0
questions of the same titles (training splits, ../shared/data/README.md). The rule: among thresholds that decline
at most 10% of the answerable questions (v1.1 and v2.0 together), take the one that declines the most v2.0
unanswerable questions; ties go to the one with the most answers containing a gold answer.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from typing import Any

from assistant.answer import Bar, extractive_choice, supported
from assistant.scoring import contains

from .benchmarks import DATA, assistant_for, progress_bar, squad_corpus, squad_titles

MAX_DECLINED = 0.10


def questions(version: str, titles: set[str], limit: int, seed: int) -> list[tuple[str, tuple[str, ...], bool]]:
    data = json.loads((DATA / "squad" / f"dev-v{version}.json").read_text(encoding="utf-8"))["data"]
    rows = [
        (qa["question"], tuple(a["text"] for a in qa["answers"]), not qa.get("is_impossible"))
        for article in data
        if article["title"] in titles
        for paragraph in article["paragraphs"]
        for qa in paragraph["qas"]
    ]
    random.Random(seed).shuffle(rows)
    return rows[:limit]


def collect(version: str, rows: list[tuple[str, tuple[str, ...], bool]]) -> list[dict[str, Any]]:
    assistant = assistant_for(squad_corpus(version), "rules")
    engine = assistant.engine
    out = []
    bar = progress_bar(f"evidence v{version}")
    for n, (question, answers, answerable) in enumerate(rows, 1):
        query = engine.retriever.correct(question)
        vector = engine.retriever.embed_query(query)
        chunks = [c for c, _ in engine.retriever.retrieve(query, assistant.settings.retrieval.top_k, vector)]
        evidence = engine.retriever.evidence(query, chunks, vector)
        out.append({"query": query, "answers": answers, "answerable": answerable, "evidence": evidence})
        bar(n, len(rows))
    return out


def replay(cases: list[dict[str, Any]], bar: Bar, ratio: float, limit: int) -> tuple[float, float, float]:
    """(answerable declined, answerable with a gold answer in the answer, unanswerable declined)."""
    declined = contained = refused_unanswerable = 0
    answerable = [c for c in cases if c["answerable"]]
    unanswerable = [c for c in cases if not c["answerable"]]
    for case in cases:
        candidates = supported(case["query"], case["evidence"], bar)
        if not candidates:
            declined += case["answerable"]
            refused_unanswerable += not case["answerable"]
            continue
        if case["answerable"]:
            text = " ".join(e.text for e in extractive_choice(candidates, limit, ratio))
            contained += contains(text, case["answers"])
    return (
        declined / max(1, len(answerable)),
        contained / max(1, len(answerable)),
        refused_unanswerable / max(1, len(unanswerable)),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=500, help="questions per SQuAD version")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    titles = squad_titles("train")
    cases = collect("1.1", questions("1.1", titles, args.limit, args.seed))
    cases += collect("2.0", questions("2.0", titles, args.limit, args.seed))
    settings = assistant_for(squad_corpus("1.1"), "rules").settings.retrieval
    results = []
    for score in [x / 100 for x in range(30, 62, 2)]:
        for coverage in [x / 100 for x in range(0, 62, 5)]:
            declined, contained, unanswerable = replay(
                cases, Bar(score, coverage), settings.runner_up_ratio, settings.max_citations
            )
            results.append((score, coverage, declined, contained, unanswerable))
    allowed = [r for r in results if r[2] <= MAX_DECLINED]
    best = max(allowed, key=lambda r: (r[4], r[3])) if allowed else min(results, key=lambda r: r[2])
    current = replay(
        cases, Bar(settings.min_score, settings.min_coverage), settings.runner_up_ratio, settings.max_citations
    )
    n_ans = sum(c["answerable"] for c in cases)
    print(f"{len(cases)} training questions ({n_ans} answerable, {len(cases) - n_ans} unanswerable)")
    print("| min_score | min_coverage | answerable declined | gold answer contained | unanswerable declined |")
    print("|---|---|---|---|---|")
    print(
        f"| {settings.min_score} (now) | {settings.min_coverage} (now) | {current[0]:.3f} | {current[1]:.3f} | "
        f"{current[2]:.3f} |"
    )
    print(f"| **{best[0]}** | **{best[1]}** | {best[2]:.3f} | {best[3]:.3f} | {best[4]:.3f} |")
    for r in sorted(results, key=lambda r: (-r[4], -r[3]))[:8]:
        print(f"| {r[0]} | {r[1]} | {r[2]:.3f} | {r[3]:.3f} | {r[4]:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
