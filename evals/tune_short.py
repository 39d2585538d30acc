"""Choose how the short answer is picked, on SQuAD training questions, never on the gold set.

    python -m evals.tune_short                 # about 4 minutes on 2 cores (builds the SQuAD index on first run)
    python -m evals.tune_short --judge rules   # the same, with the sentences scored by the rules
    python -m evals.tune_short --bands         # how often answers are right by the judge's probability


Each question of SQuAD v1.1 articles 20-23 (training data, ../shared/data/README.md, that the reader did not
learn from: it trains on 0-19) is asked once against the open
index of all SQuAD v1.1 paragraphs (build/bench/, built by ``python -m evals.benchmarks squad``). The span reader
reads the best supported sentences, as the engine scores them (the learned judge's probabilities, or the rule
score: the best setting differs); the choice is then replayed for each setting on a grid: how many sentences
the reader may take its answer from, how much the sentence's evidence score weighs against the span's own score,
how long (as a share of its sentence) a span may be and still be shown as the short answer, and how confident
the reader must be (P(start) x P(end)) for it to be shown. Scored as the
benchmark scores: EM and F1 of the short answer, or of the whole answer when there is none; declined questions
score 0. The best setting by F1 then EM is printed with the current one.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
from collections.abc import Sequence
from typing import Any

from assistant.answer import Bar, extractive_choice, supported
from assistant.backends.finetuned import ARTIFACT_DIR, artifact_meta
from assistant.judge import JUDGE_VERSION
from assistant.kinds import question_kind
from assistant.reader import SHORT_CONFIDENCE, SHORT_SENTENCES, SHORT_SHARE, SHORT_WEIGHT
from assistant.scoring import contains, exact_match, token_f1

from .benchmarks import DATA, assistant_for, progress_bar, squad_corpus
from .tune_thresholds import questions


def collect(
    rows: list[tuple[str, tuple[str, ...], bool]], most: int, judge: str, version: str = "1.1"
) -> list[dict[str, Any]]:
    assistant = assistant_for(squad_corpus(version), judge)
    engine = assistant.engine
    assert engine.span_reader is not None
    settings = assistant.settings.retrieval
    # the sentences' evidence scores are what the engine weighs them by: the judge's probabilities, or the rule score
    bar_ = engine.judge.bar if engine.judge else Bar.of_rules(settings)
    ratio = engine.judge.runner_up_ratio if engine.judge else settings.runner_up_ratio
    below = dataclasses.replace(bar_, min_score=-math.inf)  # the nearest sentence of a declined question too
    bar = progress_bar("short answers")
    cases = []
    for n, (question, answers, _) in enumerate(rows, 1):
        query = engine.retriever.correct(question)
        evidence = engine.evidence(query)
        candidates = supported(query, evidence, bar_)
        nearest = supported(query, evidence, below)[:1]
        top = candidates[:most]
        spans = engine.span_reader.spans(query, [c.text for c in top])
        cited = extractive_choice(candidates, settings.max_citations, ratio) if top else []
        cases.append(
            {
                "answers": answers,
                "phrase": question_kind(question).phrase,
                "factoid": question_kind(question).name == "factoid",
                "whole": " ".join(c.text for c in cited),
                "sentences": [(c.text, c.score, s) for c, s in zip(top, spans, strict=True)],
                "nearest": [(c.score, contains(c.text, answers)) for c in nearest],
            }
        )
        bar(n, len(rows))
    return cases


def replay(
    cases: list[dict[str, Any]], sentences: int, weight: float, share: float, kinds: str, confidence: float
) -> tuple[float, float, float, float]:
    """(EM, F1, share of questions shown a short answer, share of shown short answers that are right: F1 >= 0.5)."""
    em = f1 = shown = right = 0.0
    for case in cases:
        said = case["whole"]
        if case["sentences"] and case[kinds]:
            options = [(text, score, span) for text, score, span in case["sentences"][:sentences] if span]
            if options:
                text, _, span = max(options, key=lambda o: weight * o[1] + o[2].score)
                if span.end - span.start <= share * len(text) and span.probability >= confidence:
                    said, shown = text[span.start : span.end], shown + 1
                    right += token_f1(said, case["answers"]) >= 0.5
        em += exact_match(said, case["answers"]) if said else 0.0
        f1 += token_f1(said, case["answers"]) if said else 0.0
    n = max(1, len(cases))
    return 100 * em / n, 100 * f1 / n, shown / n, right / max(1, shown)


def right_share(
    answerable: Sequence[tuple[float, bool]], unanswerable: Sequence[float], low: float, high: float, share: float
) -> float | None:
    """Of the answers given from a best sentence scored in [low, high), the share that hold a gold answer, with
    ``share`` of the questions unanswerable (each kind weighed by that, not by its count). ``answerable`` holds each
    answerable question's score and whether its answer holds a gold answer; None when no answer falls in the band."""
    given = [right for score, right in answerable if low <= score < high]
    shown = (1 - share) * len(given) / max(1, len(answerable))
    shown += share * sum(low <= score < high for score in unanswerable) / max(1, len(unanswerable))
    return (1 - share) * sum(given) / max(1, len(answerable)) / shown if shown else None


def bands(
    answerable: list[dict[str, Any]], unanswerable: list[dict[str, Any]], threshold: float, share: float = 0.25
) -> None:
    """How often an answer holds a gold answer, by the judge's probability of its best sentence, with ``share`` of
    the questions unanswerable: where ``judge.UNSURE`` comes from. Under the judge's ``threshold`` the question is
    declined; there, how often the nearest passage it shows holds a gold answer (evals/README.md, item 11)."""
    edges = (0.0, 0.05, 0.10, threshold, 0.25, 0.30, 0.35, 0.40, 0.50, 0.60, 1.01)

    def best(case: dict[str, Any]) -> float:
        return case["nearest"][0][0] if case["nearest"] else -math.inf  # no sentence: in no band

    def right(case: dict[str, Any]) -> bool:  # declined: whether the nearest passage holds it
        answered = bool(case["sentences"])
        return contains(case["whole"], case["answers"]) if answered else bool(case["nearest"] and case["nearest"][0][1])

    scored = [(best(c), right(c)) for c in answerable]
    print(f"| best sentence's probability | right answers (or nearest), one question in {1 / share:.0f} unanswerable |")
    print("|---|---|")
    for low, high in zip(edges, edges[1:], strict=False):
        held = right_share(scored, [best(c) for c in unanswerable], low, high, share)
        declined = " (declined: the nearest passage)" if high <= threshold else ""
        print(f"| {low:.2f} to {min(high, 1.0):.2f}{declined} | {held or 0.0:.2f} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=1000, help="questions at most")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--judge", choices=("learned", "rules"), default="learned", help="what scores the sentences (default: learned)"
    )
    parser.add_argument(
        "--bands",
        action="store_true",
        help="also ask SQuAD v2.0's unanswerable questions of the same titles and print how often answers are right "
        "by the judge's probability (where the unsure note's level comes from)",
    )
    args = parser.parse_args(argv)
    v11 = json.loads((DATA / "squad" / "dev-v1.1.json").read_text(encoding="utf-8"))["data"]
    unread = {a["title"] for a in v11[20:24]}  # training articles the reader did not learn from
    cases = collect(questions("1.1", unread, args.limit, args.seed), most=4, judge=args.judge)
    if args.bands:
        rows = [r for r in questions("2.0", unread, 100_000, args.seed) if not r[2]]
        declined_under = float(artifact_meta(ARTIFACT_DIR / f"judge-v{JUDGE_VERSION}.json", "the judge")["threshold"])
        bands(cases, collect(rows, most=4, judge=args.judge, version="2.0"), declined_under)
        return 0
    results = []
    for kinds in ("factoid", "phrase"):  # factoid questions only, or all a phrase can answer (Kind.phrase)
        for sentences in (1, 2, 3, 4):
            for weight in (0.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 1000.0):
                for share in (0.5, 0.7, 0.85, 1.0):
                    em, f1, shown, right = replay(cases, sentences, weight, share, kinds, 0.0)
                    results.append((kinds, sentences, weight, share, 0.0, em, f1, shown, right))
    best = max(results, key=lambda r: (r[6], r[5]))
    for confidence in (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5):  # the reader's confidence, for the best setting
        em, f1, shown, right = replay(cases, best[1], best[2], best[3], best[0], confidence)
        results.append((best[0], best[1], best[2], best[3], confidence, em, f1, shown, right))
    now = replay(cases, SHORT_SENTENCES, SHORT_WEIGHT, SHORT_SHARE, "phrase", SHORT_CONFIDENCE)
    print(f"{len(cases)} training questions (SQuAD v1.1 articles 20-23), sentences scored by the {args.judge} judge")
    print("| kinds | sentences | evidence weight | longest share | confidence | EM | F1 | shown | right when shown |")
    print("|---|---|---|---|---|---|---|---|---|")
    setting = f"| phrase (now) | {SHORT_SENTENCES} | {SHORT_WEIGHT} | {SHORT_SHARE} | {SHORT_CONFIDENCE}"
    print(f"{setting} | {now[0]:.1f} | {now[1]:.1f} | {now[2]:.3f} | {now[3]:.3f} |")
    for r in sorted(results[:-8], key=lambda r: (-r[6], -r[5]))[:8] + results[-8:]:
        print("| " + " | ".join(str(x) for x in r[:5]) + f" | {r[5]:.1f} | {r[6]:.1f} | {r[7]:.3f} | {r[8]:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
