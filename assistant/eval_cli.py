"""``assistant eval``: the gold-set evaluation from the command line."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import BadInput

# relative to the working directory: a checkout's own gold set (the package itself ships none)
DEFAULT_GOLD = Path("evals") / "gold.jsonl"
DEFAULT_DIALOGUES = Path("evals") / "dialogues.jsonl"
DEFAULT_BROAD = Path("evals") / "broad.jsonl"


def add_eval_parser(sub: Any) -> None:
    p = sub.add_parser("eval", help="measure answer accuracy, refusal, citations and latency on a gold set")
    p.add_argument("--dataset", type=Path, default=DEFAULT_GOLD, help="gold questions (JSONL)")
    p.add_argument(
        "--dialogues",
        type=Path,
        help="multi-turn dialogues (JSONL); default: evals/dialogues.jsonl with the default dataset",
    )
    p.add_argument(
        "--broad",
        type=Path,
        help="broad questions with key facts (JSONL); default: evals/broad.jsonl with the default dataset",
    )
    p.add_argument("--report", type=Path, help="write report.json, report.md and report.html here")
    p.add_argument("--mode", choices=["extractive", "generative", "both"], default="extractive")
    p.add_argument(
        "--baseline", action="store_true", help="also run the llama-index default pipeline (a checkout's evals/)"
    )
    p.add_argument(
        "--engine",
        action="append",
        default=[],
        metavar="MODULE:FACTORY",
        help="also evaluate a llama-index query or chat engine made by FACTORY(corpus_dir), e.g. "
        "evals.engines:vector_index (repeatable)",
    )
    p.add_argument("--split", choices=["dev", "test", "fresh", "all"], default="all")
    p.add_argument("--limit", type=int, help="only the first N questions")
    p.add_argument("--check", type=Path, help="thresholds (JSON); exit 1 when a metric falls below its threshold")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("feedback", help="turn answers marked wrong in the web chat into gold-set candidates")
    p.add_argument("--file", type=Path, help="feedback JSONL (default: DATA_DIR/feedback.jsonl)")
    p.add_argument(
        "--out",
        type=Path,
        default=Path("evals") / "candidates.jsonl",
        help="where the candidates are appended (default: evals/candidates.jsonl)",
    )
    p.set_defaults(func=cmd_feedback)


def cmd_feedback(args: argparse.Namespace) -> int:
    from .config import load_settings
    from .evaluation import feedback_candidates, load_gold

    settings = load_settings()
    source = args.file or settings.web.feedback_file or settings.data_dir / "feedback.jsonl"
    if not source.is_file():
        raise BadInput(f"no feedback file at {source}; thumbs in the web chat write it")
    known = load_gold(DEFAULT_GOLD) if DEFAULT_GOLD.is_file() else []
    rows = feedback_candidates(source, known)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "a", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(
        f"{len(rows)} candidates appended to {args.out}: write their accepted answers, set answerable, "
        "drop needs_review, and move them into the gold set"
    )
    return 0


def _bar(label: str) -> Callable[[int, int], None]:
    from tqdm import tqdm

    bar = tqdm(desc=label, unit="q", file=sys.stderr, dynamic_ncols=True)

    def update(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    return update


def _broad_slice(assistant: Any, path: Path, mode: str) -> dict[str, Any]:
    from .keyfacts import evaluate_key_facts, load_key_facts

    return evaluate_key_facts(lambda q: assistant.ask(q, mode=mode), load_key_facts(path))


def cmd_eval(args: argparse.Namespace) -> int:
    from .assistant import Assistant
    from .evaluation import AssistantSystem, check_thresholds, evaluate, load_dialogues, load_gold
    from .reports import table, write_reports

    if not args.dataset.is_file():
        raise BadInput(f"gold set {args.dataset} not found; run from a checkout of the project or pass --dataset")
    gold = [g for g in load_gold(args.dataset) if args.split == "all" or g.split == args.split][: args.limit]
    dialogue_path = args.dialogues or (DEFAULT_DIALOGUES if args.dataset == DEFAULT_GOLD else None)
    dialogues = load_dialogues(dialogue_path) if dialogue_path and dialogue_path.is_file() else []
    if args.limit is not None:
        dialogues = dialogues[: max(1, args.limit // 8)]
    if (args.baseline or args.engine) and str(Path.cwd()) not in sys.path:
        sys.path.insert(0, str(Path.cwd()))  # the baseline and engine factories live in a checkout's evals/
    from .eval_engines import LlamaIndexSystem, cross_check, load_factory

    factories = {spec: load_factory(spec) for spec in args.engine}  # a wrong name fails before any question
    assistant = Assistant()
    assistant.ensure_index()
    modes = ["extractive", "generative"] if args.mode == "both" else [args.mode]
    runs: list[dict[str, Any]] = []
    systems: list[Any] = []  # each run's system, asked again by the cross-checks
    for mode in modes:
        system = AssistantSystem(assistant, mode)
        systems.append(system)
        runs.append(evaluate(system, gold, dialogues, assistant.settings.corpus_dir, _bar(system.name)))
    if args.baseline:
        try:
            from evals.baseline import LlamaIndexBaseline
        except ImportError as exc:
            raise BadInput(
                f"the baseline needs a checkout of the project and its evals extra (pip install -e '.[evals]'): {exc}"
            ) from exc

        baseline = LlamaIndexBaseline(assistant.settings.corpus_dir.resolve())
        systems.append(baseline)
        runs.append(evaluate(baseline, gold, dialogues, assistant.settings.corpus_dir, _bar(baseline.name)))
    for spec, factory in factories.items():
        corpus = assistant.settings.corpus_dir.resolve()
        engine = LlamaIndexSystem(factory(corpus), corpus, spec.rpartition(":")[2])
        systems.append(engine)
        runs.append(evaluate(engine, gold, dialogues, assistant.settings.corpus_dir, _bar(engine.name)))
    broad_path = args.broad or (DEFAULT_BROAD if args.dataset == DEFAULT_GOLD else None)
    broad = _broad_slice(assistant, broad_path, modes[0]) if broad_path and broad_path.is_file() else None
    title = f"Evaluation on {args.dataset.name} ({len(gold)} questions, {len(dialogues)} dialogues, split {args.split})"
    print(title)
    print(table(runs))
    for run in runs:  # how sure each rate is: a handful of questions moves it a lot
        shown = [
            f"{key.replace('_', ' ')} {r['rate']:.3f} [{r['low']:.2f}, {r['high']:.2f}] n={r['n']:.0f}"
            for key, r in run["intervals"].items()
            if r["n"]
        ]
        print(f"{run['system']}, Wilson 95% intervals: " + "; ".join(shown))
        summary = run["summary"]
        if "verdict_share" in summary:
            polar = sum(1 for r in run["results"] if r.get("polarity") and not r["answer"]["refused"])
            print(
                f"{run['system']}, yes/no questions answered ({polar}): said yes or no for"
                f" {summary['verdict_share']:.2f}, rightly for {summary['verdict_precision']:.2f} of those"
            )
        if "short_share" in summary:
            print(
                f"{run['system']}, short answers said first: {summary['short_share']:.2f} of the answered answerable"
                f" questions, right {summary['short_accuracy']:.2f}"
            )
        if "unsure_share" in summary:
            print(
                f"{run['system']}, answers that say the judge is unsure: {summary['unsure_share']:.2f} of those given,"
                f" right {summary['unsure_accuracy']:.2f} (the others {summary['sure_accuracy']:.2f})"
            )
    if broad:
        from .keyfacts import key_fact_summary

        line = f"{key_fact_summary(broad)}; p50 {broad['p50_ms']:.0f} ms"
        print(f"Broad slice ({len(broad['results'])} questions, {modes[0]}): {line}")
        runs[0]["broad"] = broad
    if args.report:
        for path in write_reports(runs, args.report, title):
            print(f"wrote {path}")
        checks = [
            cross_check(run, system.ranked_sources, gold, args.report)
            for run, system in zip(runs, systems, strict=True)
        ]
        (args.report / "cross-check.json").write_text(json.dumps(checks, indent=2), encoding="utf-8")
    if args.check:
        thresholds = json.loads(args.check.read_text(encoding="utf-8"))
        failures = check_thresholds(runs[0]["summary"], thresholds)
        for line in failures:
            print(f"below threshold: {line}", file=sys.stderr)
        return 1 if failures else 0
    return 0
