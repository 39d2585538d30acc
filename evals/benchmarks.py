"""External benchmarks from ../shared/data: SQuAD as open retrieval, and BEIR (SciFact) retrieval.

    python -m evals.benchmarks squad --version 1.1 --articles 24-47 --limit 1000
    python -m evals.benchmarks squad --version 2.0 --limit 1000
    python -m evals.benchmarks squad --version 1.1 --articles 24-47 --limit 1000 --left-out
    python -m evals.benchmarks squad --version 2.0 --titles heldout --follow-ups
    python -m evals.benchmarks squad --version 1.1 --articles 24-47 --fragments
    python -m evals.benchmarks squad --version 2.0 --titles heldout --short
    python -m evals.benchmarks beir --split test [--baseline]

Each paragraph (SQuAD) or abstract (BEIR) becomes a file of its own, ingested through the normal pipeline
into an index under build/bench/ (re-runs reuse it: unchanged files are skipped). Questions are asked
against the whole index, so the gold paragraph must be found among all of them. With ``--left-out``, each v1.1
question is asked without its own paragraph (the search leaves that file out, as "ask within chosen files" does),
so the documents do not answer it: questions whose answer another paragraph also holds are dropped. With
``--follow-ups``, consecutive questions of a paragraph are asked as a conversation, the second naming what the two
share "it" (``evals.conversations``), beside the same second questions asked as written; with ``--fragments``,
the second question of two that differ in one place is asked as the fragment that swaps it ("and the NFC?"); with
``--short``, a short question that names nothing ("Who was the hostage?") is asked after the question before it in
its paragraph, and after a question of another article (a conversation moving on).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant import Assistant, IndexMismatch, Settings
from assistant.eval_engines import cross_check
from assistant.evaluation import AssistantSystem, Dialogue, GoldItem, evaluate
from assistant.exports import read_back_trec, trec_qrels, trec_run
from assistant.reports import file_name, table, write_reports
from assistant.scoring import auc, ndcg, normalize_answer
from assistant.types import Answer
from evals.squad_official import write_official

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DATA = PROJECT_ROOT.parent / "shared" / "data"
BUILD = PROJECT_ROOT / "build" / "bench"
PUBLISHED = {  # ../shared/data/README.md
    "scifact": [
        ("BM25, BEIR paper", 0.665),
        ("BM25, Anserini", 0.679),
        ("all-MiniLM-L6-v2 dense, MTEB", 0.645),
        ("ColBERT, BEIR paper", 0.671),
        ("BM25 + cross-encoder, BEIR paper", 0.688),
    ],
}


def progress_bar(label: str):  # type: ignore[no-untyped-def]
    from tqdm import tqdm

    bar = tqdm(desc=label, file=sys.stderr, dynamic_ncols=True)

    def update(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    return update


def write_corpus(folder: Path, docs: dict[str, tuple[str, str]]) -> None:
    """One file per document (name -> (title, text)); files already there with the same text are left alone."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, (title, text) in docs.items():
        path = folder / f"{name}.txt"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        meta = folder / f"{name}.txt.meta.json"
        if title and not meta.exists():
            meta.write_text(json.dumps({"title": title}), encoding="utf-8")


def assistant_for(name: str, judge: str | None = None, verifier: bool | None = None) -> Assistant:
    """The assistant over a benchmark index (ingested or brought up to date); ``judge`` and ``verifier`` override
    the settings."""
    root = BUILD / name
    settings = Settings(corpus_dir=root / "corpus", data_dir=root / "data")
    if judge:
        settings.retrieval.judge = judge  # type: ignore[assignment]
    if verifier is not None:
        settings.verifier.enabled = verifier
    assistant = Assistant(settings)
    began = time.perf_counter()
    try:
        report = assistant.ingest(progress=progress_bar(f"ingest {name}"))
    except IndexMismatch as exc:  # a cached benchmark index from older settings: it is only a cache, rebuild it
        print(f"{name}: {exc}; rebuilding the benchmark index", file=sys.stderr)
        report = assistant.ingest(rebuild=True, progress=progress_bar(f"rebuild {name}"))
    print(f"{name}: {report.summary()} ({time.perf_counter() - began:.0f} s)", file=sys.stderr)
    return assistant


def paragraph_name(article: int, paragraph: int) -> str:
    """The file name (without .txt) of a SQuAD paragraph in a benchmark index."""
    return f"a{article:02d}_p{paragraph:03d}"


def squad_docs(data: list[dict[str, Any]]) -> dict[str, tuple[str, str]]:
    """Every paragraph of a SQuAD file as a benchmark document: file name -> (title, text)."""
    return {
        paragraph_name(a, p): (article["title"].replace("_", " "), paragraph["context"])
        for a, article in enumerate(data)
        for p, paragraph in enumerate(article["paragraphs"])
    }


def squad_corpus(version: str) -> str:
    """The benchmark index of every paragraph of SQuAD dev ``version``, its files written if missing: its name for
    ``assistant_for``."""
    data = json.loads((DATA / "squad" / f"dev-v{version}.json").read_text(encoding="utf-8"))["data"]
    write_corpus(BUILD / f"squad{version}" / "corpus", squad_docs(data))
    return f"squad{version}"


def squad(args: argparse.Namespace) -> dict[str, Any]:
    data = json.loads((DATA / "squad" / f"dev-v{args.version}.json").read_text(encoding="utf-8"))["data"]
    docs = squad_docs(data)
    items: list[GoldItem] = []
    first, last = (int(x) for x in args.articles.split("-")) if args.articles else (0, len(data) - 1)
    titles = squad_titles(args.titles)
    for a, article in enumerate(data):
        for p, paragraph in enumerate(article["paragraphs"]):
            name = paragraph_name(a, p)
            if not first <= a <= last or (titles and article["title"] not in titles):
                continue
            for qa in paragraph["qas"]:
                answers = tuple(dict.fromkeys(x["text"] for x in qa["answers"]))
                impossible = bool(qa.get("is_impossible"))
                items.append(
                    GoldItem(
                        qa["id"],
                        qa["question"],
                        answers,
                        (f"{name}.txt",),
                        not impossible,
                        "unanswerable" if impossible else "squad",
                    )
                )
    if args.follow_ups or args.fragments or args.short or args.clauses:
        return follow_ups(args, data, docs, titles)
    random.Random(args.seed).shuffle(items)
    items = items[: args.limit] if args.limit else items
    items = left_out(items, docs) if args.left_out else items
    items = reworded(items, docs, random.Random(args.seed)) if args.reworded else items
    items = mistyped_items(items, docs, random.Random(args.seed)) if args.typos else items
    items = asked_indirectly(items, docs, random.Random(args.seed)) if args.indirect else items
    items = opened_items(items, random.Random(args.seed)) if args.opening else items
    items = [dataclasses.replace(i, question=i.question.lower()) for i in items] if args.lowercase else items
    write_corpus(BUILD / f"squad{args.version}" / "corpus", docs)
    assistant = assistant_for(f"squad{args.version}", args.judge)
    corpus_dir = assistant.settings.corpus_dir
    system = LeftOut(assistant, items) if args.left_out else AssistantSystem(assistant, "extractive")
    run = evaluate(system, items, [], corpus_dir, progress_bar("questions"))
    judge = assistant.engine.judge.name if assistant.engine.judge else "rules"
    judge += f"+{assistant.engine.verifier.name}" if assistant.engine.verifier else ""
    run["system"] = f"assistant extractive, SQuAD v{args.version}"
    print(
        f"SQuAD v{args.version} open retrieval: {len(docs)} paragraphs indexed, {len(items)} questions "
        f"(articles {first}-{last}{', ' + args.titles + ' titles' if titles else ''}, seed {args.seed}"
        f"{', each without its own paragraph' if args.left_out else ''}"
        f"{', in other words' if args.reworded else ''}{', with a typing slip' if args.typos else ''}"
        f"{', asked indirectly' if args.indirect else ''}{', opened with and/but/so' if args.opening else ''}"
        f"{', typed in lower case' if args.lowercase else ''}), "
        f"judge {judge}"
    )
    print(table([run]))
    variant = "".join(
        f"-{v}"
        for v in ("left-out", "reworded", "typos", "indirect", "opening", "lowercase")
        if getattr(args, v.replace("-", "_"))
    )
    report = BUILD / f"squad{args.version}-{args.titles or 'all'}{variant}-report"
    write_reports([run], report, f"SQuAD v{args.version} open retrieval, {len(items)} questions, judge {judge}")
    if args.left_out:  # no question is answerable: no answer to score, no paragraph to find
        print(f"declined without their paragraph {_refused_share(run):.3f} (report: {report / 'report.html'})")
        return run
    s = run["summary"]
    print(
        f"paragraph hit@1 {s['hit@1']:.3f}  hit@5 {s['hit@5']:.3f}  EM {s['exact_match']:.1f}  F1 {s['f1']:.1f}  "
        f"containment {s['containment']:.3f}  answered {1 - _refused_share(run):.3f}"
    )
    print(f"HTML report with the risk-coverage curve: {report / 'report.html'}")
    run["official"] = write_official(data, run, report)
    print(f"official SQuAD v{args.version} scoring of {report / 'predictions.json'}: {_figures(run['official'])}")
    system = AssistantSystem(assistant, "extractive")
    run["cross_check"] = cross_check(run, system.ranked_sources, items, report)
    answerable = [r for r in run["results"] if r["answerable"]]
    print(f"answerable declined {sum(r['answer']['refused'] for r in answerable) / max(1, len(answerable)):.3f}")
    if "short_share" in s:  # the phrase said first: answer accuracy counts the whole answer, this the phrase alone
        print(f"short answers said first for {s['short_share']:.3f} of the answered, right {s['short_accuracy']:.3f}")
    if args.version == "2.0":
        print(
            f"unanswerable declined (refusal recall) {s['refusal_recall']:.3f}, "
            f"refusal precision {s['refusal_precision']:.3f}, "
            f"answerable-vs-unanswerable AUC of the best sentence's score {best_score_auc(run):.3f}"
        )
    return run


def follow_ups(
    args: argparse.Namespace, data: list[dict[str, Any]], docs: dict[str, tuple[str, str]], titles: set[str]
) -> dict[str, Any]:
    """Two-turn conversations (``evals.conversations``): each follow-up asked after its first question, and the
    same question asked alone as SQuAD wrote it, in one run."""
    from .conversations import clause_pairs, fragment_pairs, pairs, short_pairs

    first, last = (int(x) for x in args.articles.split("-")) if args.articles else (0, len(data) - 1)
    rng = random.Random(args.seed)
    if args.fragments:  # "and the NFC?" after "Which team represented the AFC…?"
        made = fragment_pairs(data[: last + 1], titles, paragraph_name, rng)
    elif args.short:  # "Who was the hostage?" after a question of its paragraph, or of another article
        made = short_pairs(data[: last + 1], titles, paragraph_name, rng)
    elif args.clauses:  # "What is the ABC affiliate that serves Lima, Ohio?" after either
        made = clause_pairs(data[: last + 1], titles, paragraph_name, rng)
    else:
        made = pairs(data[: last + 1], titles, paragraph_name, rng, args.turns)
    made = [p for p in made if int(p.source[1:3]) >= first][: args.limit or None]
    if args.short or args.clauses:  # each question follows two first questions: told apart by what they share
        made = [dataclasses.replace(p, id=f"{p.id}-{p.shared}") for p in made]
    written = [GoldItem(p.id, p.written, p.answers, (p.source,), bool(p.answers), p.shared) for p in made]
    dialogues = [Dialogue(p.id, ((p.first, p.first_answers), (p.follow_up, p.answers))) for p in made]
    # in conversations of three, the same last question also asked after a second follow-up
    first_turns = {p.id: (p.first, p.first_answers) for p in made}
    for p in made:
        if p.middle:
            dialogues.append(Dialogue(f"{p.id}~3", (first_turns[p.id], p.middle, (p.follow_up, p.answers))))
    write_corpus(BUILD / f"squad{args.version}" / "corpus", docs)
    assistant = assistant_for(f"squad{args.version}", args.judge)
    run = evaluate(AssistantSystem(assistant, "extractive"), written, dialogues, assistant.settings.corpus_dir)
    last_turns = [r for r in run["dialogue_turns"] if r["id"].endswith((".2", "~3.3")) and "~3.2" not in r["id"]]
    second = [dict(r, id=r["id"].removesuffix(".2")) for r in last_turns if not r["id"].endswith("~3.3")]
    third = [dict(r, id=r["id"].removesuffix("~3.3")) for r in last_turns if r["id"].endswith("~3.3")]
    print(
        f"SQuAD v{args.version} open retrieval: {len(made)} conversations of {args.turns} turns "
        + (
            "(the second a fragment of the first; "
            if args.fragments
            else f"({sum(p.shared == 'same' for p in made)} after a question of its paragraph, the others after one of "
            "another article; "
            if args.short or args.clauses
            else f"({sum(p.shared == 'subject' for p in made)} on the first question's subject, the others on its "
            "answer; "
        )
        + f"{sum(not p.answers for p in made)} follow-ups unanswerable), seed {args.seed}"
    )
    rounds = [("asked alone as written", run["results"]), ("asked as follow-ups", second)]
    rounds += [("asked third, after another", third)] if third else []
    for label, rows in rounds:
        for shared in (
            ("same", "switch", None)
            if args.short or args.clauses
            else ("subject", "answer", None)
            if not args.fragments
            else (None,)
        ):
            kept = [r for r in rows if shared is None or _shared(made, r) == shared]
            answerable = [r for r in kept if r["answerable"]]
            unanswerable = [r for r in kept if not r["answerable"]]
            print(
                f"{label:24} {shared or 'all':8} n={len(kept):4}  contained "
                f"{sum(r['contained'] for r in answerable) / max(1, len(answerable)):.3f}  answerable declined "
                f"{sum(r['answer']['refused'] for r in answerable) / max(1, len(answerable)):.3f}  unanswerable "
                f"declined {sum(r['answer']['refused'] for r in unanswerable) / max(1, len(unanswerable)):.3f}"
            )
    return run


def _shared(made: list[Any], row: dict[str, Any]) -> str:
    return next(p.shared for p in made if p.id == row["id"])


def _figures(figures: dict[str, Any]) -> str:
    return ", ".join(
        f"{k} {v:.1f}" if k.endswith(("exact", "f1", "match")) else f"{k} {v:.0f}"
        for k, v in figures.items()
        if k != "version"
    )


def left_out(items: list[GoldItem], docs: dict[str, tuple[str, str]]) -> list[GoldItem]:
    """The answerable questions that no other paragraph answers (their answer stands nowhere else), made
    unanswerable: ``LeftOut`` asks each without its own paragraph. Questions asked twice are dropped."""
    texts = {f"{name}.txt": f" {normalize_answer(text)} " for name, (_, text) in docs.items()}
    asked = Counter(i.question for i in items)
    kept = []
    for item in items:
        wanted = [f" {a} " for a in map(normalize_answer, item.answers) if a]
        elsewhere = any(w in text for name, text in texts.items() if name not in item.sources for w in wanted)
        if item.answerable and not elsewhere and asked[item.question] == 1:
            kept.append(dataclasses.replace(item, answerable=False, kind="left out"))
    return kept


def reworded(items: list[GoldItem], docs: dict[str, tuple[str, str]], rng: random.Random) -> list[GoldItem]:
    """The questions that share words with their paragraph, with some of those words swapped for near synonyms of
    the training articles' vocabulary (``evals.paraphrase``): the same questions as people who have not read the
    text might ask them. The others are dropped."""
    from .paraphrase import paraphrased, synonyms

    data = json.loads((DATA / "squad" / "dev-v1.1.json").read_text(encoding="utf-8"))["data"]
    table = synonyms(data[:24]).near  # training articles only
    return rewritten(items, docs, lambda question, paragraph: paraphrased(question, paragraph, table, rng))


def mistyped_items(items: list[GoldItem], docs: dict[str, tuple[str, str]], rng: random.Random) -> list[GoldItem]:
    """The questions with a typing slip in one word they share with their paragraph (``evals.typos``); the others
    (no word of four letters in common) are dropped."""
    from .typos import mistyped

    return rewritten(items, docs, lambda question, paragraph: mistyped(question, paragraph, rng))


def asked_indirectly(items: list[GoldItem], docs: dict[str, tuple[str, str]], rng: random.Random) -> list[GoldItem]:
    """The questions that keep their words' order inside "Can you tell me…", "Do we know…" (``evals.indirect``),
    so asked; the others are dropped."""
    from .indirect import indirect

    return rewritten(items, docs, lambda question, _: indirect(question, rng))


def opened_items(items: list[GoldItem], rng: random.Random) -> list[GoldItem]:
    """The questions opened as a chat's next message often is, "And who…?", "So did…?" (``evals.indirect``)."""
    from .indirect import opened

    return [dataclasses.replace(i, question=opened(i.question, rng)) for i in items]


def rewritten(
    items: list[GoldItem], docs: dict[str, tuple[str, str]], change: Callable[[str, str], str | None]
) -> list[GoldItem]:
    """Each question as ``change(question, its paragraph's text)`` writes it; those it cannot change are dropped."""
    out = []
    for item in items:
        question = change(item.question, docs[item.sources[0].removesuffix(".txt")][1])
        if question:
            out.append(dataclasses.replace(item, question=question))
    return out


class LeftOut(AssistantSystem):
    """Each question asked within every file but its own paragraph's, as a user would choose files."""

    def __init__(self, assistant: Assistant, items: list[GoldItem]) -> None:
        super().__init__(assistant, "extractive")
        self.own = {i.question: set(i.sources) for i in items}
        self.every = [d["source"] for d in assistant.documents()]

    def answer(self, question: str) -> Answer:
        others = [s for s in self.every if s not in self.own[question]]
        return self.assistant.ask(question, mode=self.mode, sources=others)


def squad_titles(which: str | None) -> set[str]:
    """Titles of SQuAD v1.1 dev articles 0-23 ("train") or 24-47 ("heldout"), the split for v2.0 as well."""
    if not which:
        return set()
    articles = json.loads((DATA / "squad" / "dev-v1.1.json").read_text(encoding="utf-8"))["data"]
    return {a["title"] for a in (articles[:24] if which == "train" else articles[24:])}


def best_score_auc(run: dict[str, Any]) -> float:
    """How well the best sentence's score (the judge's probability) separates answerable from unanswerable."""
    rows = run["results"]
    best = [max((c["score"] for c in r["answer"]["citations"] + r["answer"]["nearest"]), default=0.0) for r in rows]
    return auc(best, [r["answerable"] for r in rows])


def _refused_share(run: dict[str, Any]) -> float:
    rows = run["results"]
    return sum(r["answer"]["refused"] for r in rows) / max(1, len(rows))


def load_beir(dataset: str, split: str) -> tuple[dict[str, tuple[str, str]], dict[str, str], dict[str, dict[str, int]]]:
    """Documents (file stem -> (title, title + text)), queries, and relevance judgements of one split."""
    folder = DATA / "beir" / dataset
    corpus = [json.loads(line) for line in (folder / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    queries = {q["_id"]: q["text"] for q in map(json.loads, (folder / "queries.jsonl").read_text().splitlines())}
    qrels: dict[str, dict[str, int]] = {}
    for line in (folder / "qrels" / f"{split}.tsv").read_text().splitlines()[1:]:
        qid, did, rel = line.split("\t")
        qrels.setdefault(qid, {})[did] = int(rel)
    docs = {f"d{d['_id']}": (d.get("title", ""), f"{d.get('title', '')}\n\n{d['text']}".strip()) for d in corpus}
    return docs, queries, qrels


def beir_scores(
    rank: Any, queries: dict[str, str], qrels: dict[str, dict[str, int]], trec: Path
) -> tuple[float, float, float]:
    """nDCG@10, recall@100 and p50 ms of a ranker ``rank(query, k) -> file stems`` over the judged queries. The
    ranking and the judgements are written to ``trec`` (run.trec, qrels.trec) and scored again by ir_measures."""
    scores, recalls, took, rankings = [], [], [], {}
    for qid, rels in qrels.items():
        began = time.perf_counter()
        ranked = rank(queries[qid], 100)
        took.append((time.perf_counter() - began) * 1000)
        relevant = {f"d{d}" for d, r in rels.items() if r > 0}
        scores.append(ndcg(ranked[:10], relevant))
        recalls.append(len(relevant & set(ranked[:100])) / len(relevant))
        rankings[qid] = ranked
    took.sort()
    mean_ndcg, mean_recall = sum(scores) / len(scores), sum(recalls) / len(recalls)
    trec.mkdir(parents=True, exist_ok=True)
    (trec / "run.trec").write_text(trec_run(rankings, trec.name), encoding="utf-8")
    judged = {qid: {f"d{d}": r for d, r in rels.items()} for qid, rels in qrels.items()}
    (trec / "qrels.trec").write_text(trec_qrels(judged), encoding="utf-8")
    read = read_back_trec(trec / "run.trec", trec / "qrels.trec", {"ndcg@10": "nDCG@10", "recall@100": "R@100"})
    print(
        f"{trec.name}: nDCG@10 {mean_ndcg:.4f} recall@100 {mean_recall:.4f}; read back from {trec} by ir_measures: "
        f"nDCG@10 {read['ndcg@10']:.4f} recall@100 {read['recall@100']:.4f}"
    )
    return mean_ndcg, mean_recall, took[len(took) // 2]


def beir(args: argparse.Namespace) -> dict[str, Any]:
    docs, queries, qrels = load_beir(args.dataset, args.split)
    write_corpus(BUILD / args.dataset / "corpus", docs)
    rows = []
    assistant = assistant_for(args.dataset)
    systems: list[tuple[str, Any]] = [
        ("assistant hybrid (chunks fused)", assistant_ranker(assistant, 0)),
        ("assistant hybrid + sentence evidence rerank", assistant_ranker(assistant, args.rerank_top)),
    ]
    if args.baseline:
        systems.append(("llama-index default", baseline_ranker(BUILD / args.dataset / "corpus")))
    for name, rank in systems:
        rows.append(
            (name, *beir_scores(rank, queries, qrels, BUILD / f"{args.dataset}-{args.split}-trec" / file_name(name)))
        )
    print(f"BEIR {args.dataset} {args.split}: {len(docs)} documents, {len(qrels)} queries")
    print("| system | nDCG@10 | recall@100 | p50 ms |\n|---|---|---|---|")
    for name, n, r, ms in rows:
        print(f"| {name} | {n:.3f} | {r:.3f} | {ms:.0f} |")
    for name, value in PUBLISHED.get(args.dataset, []):
        print(f"| published: {name} | {value:.3f} | | |")
    return {"rows": rows}


def assistant_ranker(assistant: Assistant, rerank_top: int):  # type: ignore[no-untyped-def]
    def rank(query: str, k: int) -> list[str]:
        return [Path(s).stem for s in assistant.retriever.ranked_sources(query, k, rerank_top)]

    return rank


def baseline_ranker(corpus_dir: Path):  # type: ignore[no-untyped-def]
    from evals.baseline import LlamaIndexBaseline

    baseline = LlamaIndexBaseline(corpus_dir.resolve(), with_llm=False)

    def rank(query: str, k: int) -> list[str]:
        return [Path(s).stem for s in baseline.ranked_sources(query, k)]

    return rank


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="bench", required=True)
    p = sub.add_parser("squad")
    p.add_argument("--version", choices=["1.1", "2.0"], default="1.1")
    p.add_argument("--articles", help="e.g. 24-47 (questions from these articles; all paragraphs are indexed)")
    p.add_argument("--limit", type=int, default=1000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--titles", choices=["train", "heldout"], help="only questions of these articles' titles")
    p.add_argument("--judge", choices=["learned", "rules"], help="default: the setting (ASSISTANT_RETRIEVAL__JUDGE)")
    p.add_argument("--left-out", action="store_true", help="v1.1: ask each question without its own paragraph")
    p.add_argument("--reworded", action="store_true", help="ask the questions with some words swapped for synonyms")
    p.add_argument("--typos", action="store_true", help="ask the questions with a typing slip in one word")
    p.add_argument("--indirect", action="store_true", help="ask the questions inside 'Can you tell me…', 'Do we know…'")
    p.add_argument("--opening", action="store_true", help="ask the questions opened with 'And', 'But', 'So'")
    p.add_argument("--lowercase", action="store_true", help="ask the questions all in lower case, as chat is typed")
    p.add_argument("--follow-ups", action="store_true", help="ask questions as follow-ups naming their subject 'it'")
    p.add_argument(
        "--fragments", action="store_true", help="ask questions as fragments of the one before ('and the NFC?')"
    )
    p.add_argument(
        "--short", action="store_true", help="ask short questions naming nothing after another ('Who was the hostage?')"
    )
    p.add_argument(
        "--clauses",
        action="store_true",
        help="ask questions whose 'that', 'there' or 'it' points at nothing after another ('the base that…')",
    )
    p.add_argument("--turns", type=int, choices=[2, 3], default=2, help="with --follow-ups: conversations this long")
    p = sub.add_parser("beir")
    p.add_argument("--dataset", default="scifact")
    p.add_argument("--split", default="test")
    p.add_argument("--baseline", action="store_true")
    p.add_argument("--rerank-top", type=int, default=6, help="chunks whose sentences rerank the documents")
    args = parser.parse_args()
    run = squad(args) if args.bench == "squad" else beir(args)
    out = (
        BUILD
        / f"{args.bench}-{getattr(args, 'version', getattr(args, 'dataset', ''))}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    )
    out.write_text(json.dumps(run, indent=2, default=str), encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
