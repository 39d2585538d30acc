"""Choose the refusal thresholds on the dev half of the gold set: ``python -m evals.calibrate``.

Evidence is computed once per question; each threshold setting then replays the same decision code the
assistant uses (``supported`` and ``extractive_choice``), so what is tuned here is what runs.
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path

from assistant import Assistant
from assistant.answer import extractive_choice, supported
from assistant.config import RetrievalSettings
from assistant.eval_cli import DEFAULT_GOLD
from assistant.evaluation import contains, load_gold


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dataset", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--split", default="dev")
    parser.add_argument(
        "--try",
        dest="tries",
        nargs=3,
        type=float,
        action="append",
        default=[],
        metavar=("SCORE", "COVERAGE", "SIMILARITY"),
        help="also print the rates of these thresholds",
    )
    args = parser.parse_args()
    assistant = Assistant()
    assistant.ensure_index()
    base = assistant.settings.retrieval
    items = [g for g in load_gold(args.dataset) if args.split == "all" or g.split == args.split]
    cases = []
    for item in items:
        chunks = [c for c, _ in assistant.retriever.retrieve(item.question, base.top_k)]
        cases.append((item, assistant.retriever.evidence(item.question, chunks)))

    def rates(settings: RetrievalSettings) -> tuple[float, float]:
        answer_ok = refusal_ok = 0
        for item, evidence in cases:
            candidates = supported(item.question, evidence, settings)
            if item.answerable:
                chosen = (
                    extractive_choice(candidates, settings.max_evidence, settings.runner_up_ratio) if candidates else []
                )
                answer_ok += bool(chosen) and contains(" ".join(e.text for e in chosen), item.answers)
            else:
                refusal_ok += not candidates
        n_answerable = sum(i.answerable for i, _ in cases) or 1
        return answer_ok / n_answerable, refusal_ok / ((len(cases) - n_answerable) or 1)

    grid = itertools.product(
        [x / 100 for x in range(30, 62, 2)], [x / 20 for x in range(0, 12)], [x / 20 for x in range(0, 12)]
    )
    scored = []
    for min_score, min_coverage, min_similarity in grid:
        settings = base.model_copy(
            update={"min_score": min_score, "min_coverage": min_coverage, "min_similarity": min_similarity}
        )
        answer, refusal = rates(settings)
        # the weaker of the two rates decides; ties go to the lower (more answering) thresholds
        scored.append(
            (min(answer, refusal), answer + refusal, -min_score, -min_coverage, -min_similarity, answer, refusal)
        )
    scored.sort(reverse=True)
    print(
        f"{len(cases)} {args.split} questions; current: score>={base.min_score} coverage>={base.min_coverage} "
        f"similarity>={base.min_similarity} -> answer {rates(base)[0]:.3f}, refusal {rates(base)[1]:.3f}"
    )
    for min_score, min_coverage, min_similarity in args.tries:
        tried = base.model_copy(
            update={"min_score": min_score, "min_coverage": min_coverage, "min_similarity": min_similarity}
        )
        print(
            f"  tried score>={min_score} coverage>={min_coverage} similarity>={min_similarity} -> "
            f"answer {rates(tried)[0]:.3f}, refusal {rates(tried)[1]:.3f}"
        )
    print("best settings (answer accuracy, refusal accuracy):")
    for row in scored[:8]:
        print(
            f"  min_score={-row[2]:.2f} min_coverage={-row[3]:.2f} min_similarity={-row[4]:.2f}"
            f" -> answer {row[5]:.3f}, refusal {row[6]:.3f}"
        )


if __name__ == "__main__":
    main()
