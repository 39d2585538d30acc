"""Speed and memory beside the llama-index default pipeline, on the same data and models, in one run.

    python -m evals.perf                  # SQuAD v1.1 dev (2,067 paragraphs) + SciFact (5,183 abstracts), ~15 minutes
    python -m evals.perf --paragraphs 300 --abstracts 0 --scale 300   # a smoke run, a few minutes

Prints one Markdown table (figure, ours, llama-index default, ratio) and writes it with the raw numbers
to build/perf/. Each figure is measured in this run, on this machine, so ratios compare like with like.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from assistant import Assistant, Settings
from assistant.backends.embeddings import MiniLMEmbedder, _model_dir
from assistant.scoring import percentile
from evals.baseline import LlamaIndexBaseline

from .benchmarks import (
    DATA,
    assistant_ranker,
    beir_scores,
    load_beir,
    paragraph_name,
    progress_bar,
    squad_docs,
    write_corpus,
)

PROJECT_ROOT = Path(__file__).resolve().parents[1]
OUT = PROJECT_ROOT / "build" / "perf"


def squad_paragraphs() -> tuple[dict[str, tuple[str, str]], list[tuple[str, str]]]:
    data = json.loads((DATA / "squad" / "dev-v1.1.json").read_text(encoding="utf-8"))["data"]
    questions = [
        (qa["question"], f"{paragraph_name(a, p)}.txt")
        for a, article in enumerate(data)
        for p, paragraph in enumerate(article["paragraphs"])
        for qa in paragraph["qas"]
    ]
    return squad_docs(data), questions


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    began = time.perf_counter()
    result = fn()
    return time.perf_counter() - began, result


def percentiles(values: Sequence[float]) -> tuple[float, float]:
    return statistics.median(values), percentile(values, 0.95)


def child_peak_rss_mb(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of one child process run to completion (GNU time's %M)."""
    began = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-f", "%M", *cmd],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    return time.perf_counter() - began, int(done.stderr.strip().splitlines()[-1]) / 1024


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


Row = tuple[str, float | None, float | None, str]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=int, default=50, help="questions for the latency figures")
    parser.add_argument("--generative", type=int, default=10, help="questions for the generative latency")
    parser.add_argument("--quality", type=int, default=1000, help="SQuAD questions for paragraph hit@1/@5")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--paragraphs", type=int, help="only the first N SQuAD paragraphs (a quick smoke run)")
    parser.add_argument("--abstracts", type=int, help="only the first N SciFact abstracts; 0 skips SciFact")
    parser.add_argument("--scale", type=int, nargs="*", default=[1000, 7000, 20000], help="chunk counts to probe")
    args = parser.parse_args()
    rows: list[Row] = []
    raw: dict[str, Any] = {}
    work = Path(tempfile.mkdtemp(prefix="perf-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH", "")]))
    try:
        squad, asked = squad_stage(args, work, rows)
        sources = [squad]
        if args.abstracts != 0:
            sources.append(scifact_stage(args, work, rows))
        if args.scale:
            rows += scale_stage(args, work, sources, env, raw)
        rows += process_stage(squad, [q for q, _ in asked], work, env)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    table = ["| figure | ours | llama-index default | ratio | notes |", "|---|---|---|---|---|"]
    for name, mine, theirs, note in rows:
        ratio = f"{mine / theirs:.2f}x" if mine and theirs else "—"
        table.append(f"| {name} | {_fmt(mine)} | {_fmt(theirs)} | {ratio} | {note} |")
    text = "\n".join(table)
    print(text)
    OUT.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (OUT / f"perf-{stamp}.md").write_text(text + "\n", encoding="utf-8")
    raw.update({"rows": rows, "args": vars(args)})
    (OUT / f"perf-{stamp}.json").write_text(json.dumps(raw, indent=2, default=str), encoding="utf-8")
    print(f"wrote {OUT / f'perf-{stamp}.md'}", file=sys.stderr)


def ingest_rows(
    label: str, corpus: Path, ours: Assistant, rows: list[Row], torch_floor: bool
) -> tuple[Any, list[str], float]:
    """Our ingest, the bare-encode floor of the same chunks, and the llama-index default, timed on one corpus."""
    MiniLMEmbedder(cache_dir=ours.settings.data_dir / "models").onnx_path()  # the one-time ONNX export
    ingest_s, report = timed(lambda: ours.ingest(progress=progress_bar(f"ingest {label}")))
    texts = [c.text for c in ours.index.all_chunks()]
    print(f"{label}: {report.summary()}", file=sys.stderr)
    onnx = MiniLMEmbedder(cache_dir=ours.settings.data_dir / "models")
    onnx.embed(texts[:8])
    onnx_s, _ = timed(lambda: onnx.embed(texts))
    baseline_s, baseline = timed(lambda: LlamaIndexBaseline(corpus.resolve(), with_llm=False))
    nodes = baseline.node_count()
    rows += [
        (
            f"ingest, {label} (chunks/s)",
            len(texts) / ingest_s,
            nodes / baseline_s,
            f"{len(texts)} chunks in {ingest_s:.0f} s vs {nodes} nodes in {baseline_s:.0f} s",
        ),
        (
            "bare batched encode of the same chunks, onnxruntime (chunks/s)",
            len(texts) / onnx_s,
            None,
            f"ingest / floor = {ingest_s / onnx_s:.2f}x",
        ),
    ]
    if torch_floor:
        from sentence_transformers import SentenceTransformer  # the same weights on torch: the app never uses it

        model = SentenceTransformer(str(_model_dir()), device="cpu", local_files_only=True)
        model.encode(texts[:8])
        torch_s, _ = timed(lambda: model.encode(texts, batch_size=32))
        rows.append(
            (
                "bare batched encode of the same chunks, torch (chunks/s)",
                len(texts) / torch_s,
                None,
                f"onnxruntime is {torch_s / onnx_s:.2f}x faster here",
            )
        )
    return baseline, texts, baseline_s


def squad_stage(args: argparse.Namespace, work: Path, rows: list[Row]) -> tuple[Assistant, list[tuple[str, str]]]:
    docs, questions = squad_paragraphs()
    if args.paragraphs:
        docs = dict(list(docs.items())[: args.paragraphs])
        questions = [(q, gold) for q, gold in questions if gold[: -len(".txt")] in docs]
    corpus = work / "squad" / "corpus"
    write_corpus(corpus, docs)
    # quality on the questions `evals.benchmarks squad --articles 24-47` asks (nothing was tuned on them)
    held_out = [(q, gold) for q, gold in questions if int(gold[1:3]) >= 24]
    random.Random(0).shuffle(held_out)
    random.Random(args.seed).shuffle(questions)
    asked = questions[: args.questions]
    settings = Settings(corpus_dir=corpus, data_dir=work / "squad" / "data")
    ours = Assistant(settings)
    baseline, _, baseline_s = ingest_rows(f"SQuAD v1.1 dev, {len(docs)} paragraphs", corpus, ours, rows, True)

    # re-ingest unchanged, and one document added to the large index
    again_s, again = timed(ours.ingest)
    assert again.chunks_embedded == 0
    (corpus / "zz_new.txt").write_text("A new paragraph about the river port of Mopti and its boats.", encoding="utf-8")
    add_s, _ = timed(ours.ingest)
    rows += [
        ("re-ingest of the unchanged corpus (s)", again_s, baseline_s, "llama-index has no sync: it re-embeds"),
        ("add one document to the index (s)", add_s, None, ""),
    ]

    # warm latency: retrieval only, extractive, generative; the baseline's retrieval and full answer
    ours.ask(asked[0][0])
    retrieval = [timed(partial(ours.retriever.retrieve, q, 6))[0] for q, _ in asked]
    extractive = [timed(partial(ours.ask, q))[0] for q, _ in asked]
    baseline.retriever.similarity_top_k = 2
    base_retrieval = [timed(partial(baseline.retriever.retrieve, q))[0] for q, _ in asked]
    generative_ours = Assistant(settings, mode="generative")
    generative_ours.ask(asked[0][0])
    generative = [timed(partial(generative_ours.ask, q))[0] for q, _ in asked[: args.generative]]
    full_baseline = LlamaIndexBaseline(corpus.resolve())
    full_baseline.answer(asked[0][0])
    base_answer = [timed(partial(full_baseline.answer, q))[0] for q, _ in asked[: args.generative]]
    for label, mine, theirs in [
        ("warm retrieval", retrieval, base_retrieval),
        ("warm full answer, extractive", extractive, base_answer),
        ("warm full answer, generative", generative, base_answer),
    ]:
        (p50, p95), (b50, b95) = percentiles(mine), percentiles(theirs)
        rows.append(
            (
                f"{label} p50 (ms), {len(ours.index.ids())} chunks",
                p50 * 1000,
                b50 * 1000,
                f"p95 {p95 * 1000:.0f} vs {b95 * 1000:.0f} ms; max {max(mine) * 1000:.0f} ms",
            )
        )

    # quality of the same configuration: does the gold paragraph come first / in the top five?
    quality, where = (held_out, "articles 24-47") if held_out else (questions, "all articles")
    quality = quality[: args.quality]
    baseline.retriever.similarity_top_k = 100
    hits1 = hits5 = base1 = base5 = 0
    for q, gold in quality:
        ranked = ours.retriever.ranked_sources(q, 10)
        theirs = baseline.ranked_sources(q, 5)
        hits1, hits5 = hits1 + (ranked[:1] == [gold]), hits5 + (gold in ranked[:5])
        base1, base5 = base1 + (theirs[:1] == [gold]), base5 + (gold in theirs[:5])
    n = len(quality)
    rows += [
        (f"SQuAD v1.1 paragraph hit@1 ({n} questions, {where})", hits1 / n, base1 / n, "same retrieval in both modes"),
        (f"SQuAD v1.1 paragraph hit@5 ({n} questions, {where})", hits5 / n, base5 / n, ""),
    ]
    return ours, asked


def scifact_stage(args: argparse.Namespace, work: Path, rows: list[Row]) -> Assistant:
    docs, queries, qrels = load_beir("scifact", "test")
    if args.abstracts:
        docs = dict(list(docs.items())[: args.abstracts])
        qrels = {q: r for q, r in qrels.items() if any(f"d{d}" in docs for d in r)}
    corpus = work / "scifact" / "corpus"
    write_corpus(corpus, docs)
    ours = Assistant(Settings(corpus_dir=corpus, data_dir=work / "scifact" / "data"))
    baseline, _, baseline_s = ingest_rows(f"SciFact, {len(docs)} abstracts", corpus, ours, rows, False)
    again_s, again = timed(ours.ingest)
    assert again.chunks_embedded == 0
    rows.append((f"re-ingest of unchanged SciFact, {len(docs)} files (s)", again_s, baseline_s, "target ≤ 3 s"))
    baseline.retriever.similarity_top_k = 100
    mine = beir_scores(assistant_ranker(ours, 6), queries, qrels, work / "scifact" / "trec-ours")
    theirs = beir_scores(
        lambda q, k: [Path(s).stem for s in baseline.ranked_sources(q, k)], queries, qrels, work / "scifact" / "trec-li"
    )
    rows += [
        (
            f"SciFact nDCG@10 ({len(qrels)} test queries)",
            mine[0],
            theirs[0],
            f"ranking p50 {mine[2]:.0f} vs {theirs[2]:.0f} ms (100 documents, sentence rerank of the top 6 chunks)",
        ),
        (f"SciFact recall@100 ({len(qrels)} test queries)", mine[1], theirs[1], ""),
    ]
    return ours


def scale_stage(
    args: argparse.Namespace, work: Path, sources: list[Assistant], env: dict[str, str], raw: dict[str, Any]
) -> list[Row]:
    from .perf_scale import build_scaled, measure

    _, squad_questions = squad_paragraphs()
    _, queries, _ = load_beir("scifact", "test")
    mixed = [q for q, _ in squad_questions[::97]][:20] + list(queries.values())[::50][:20]
    rows: list[Row] = []
    raw["scale"] = []
    available = sum(s.index.count() for s in sources)
    for size in args.scale:
        if size > available:
            print(f"scale: {size} chunks asked, only {available} built; skipped", file=sys.stderr)
            continue
        built = build_scaled(sources, size, work / f"scale-{size}")
        got = measure(work / f"scale-{size}", mixed, env)
        raw["scale"].append(got)
        rows.append(
            (
                f"{built} chunks: retrieval p50 (ms) / peak RSS (MB)",
                got["retrieval_p50_ms"],
                None,
                f"p95 {got['retrieval_p95_ms']:.0f} ms; extractive answer p50 {got['extractive_p50_ms']:.0f} ms; "
                f"peak RSS {got['peak_rss_mb']:.0f} MB; index on disk {got['disk_mb']:.0f} MB; "
                f"opened in {got['open_s']:.1f} s",
            )
        )
        shutil.rmtree(work / f"scale-{size}", ignore_errors=True)
    return rows


def process_stage(ours: Assistant, asked: list[str], work: Path, env: dict[str, str]) -> list[Row]:
    """Cold start of a new CLI process, and peak RSS of ingest and of the web app, each in a child process."""
    settings = ours.settings
    ask_env = {**env, "ASSISTANT_CORPUS_DIR": str(settings.corpus_dir), "ASSISTANT_DATA_DIR": str(settings.data_dir)}
    cold = []
    for q in asked[:4]:
        command = [sys.executable, "-m", "assistant", "ask", q]
        took, _ = timed(partial(subprocess.run, command, env=ask_env, check=True, capture_output=True))
        cold.append(took)
    fresh = work / "fresh"
    fresh_env = {**env, "ASSISTANT_CORPUS_DIR": str(settings.corpus_dir), "ASSISTANT_DATA_DIR": str(fresh)}
    shutil.copytree(settings.data_dir / "models", fresh / "models")
    ingest_s, ingest_rss = child_peak_rss_mb([sys.executable, "-m", "assistant", "ingest", "--quiet"], fresh_env)
    return [
        (
            "cold start, new `assistant ask` process to its answer (s)",
            statistics.median(cold[1:]),
            None,
            f"first (cold disk) {cold[0]:.1f} s",
        ),
        ("peak RSS of ingest (MB)", ingest_rss, None, f"child process, {ingest_s:.0f} s"),
        ("peak RSS of the web app (MB)", web_peak_rss(ask_env, asked[:5]), None, "after 5 questions through /ask"),
    ]


def web_peak_rss(env: dict[str, str], questions: list[str]) -> float:
    from gradio_client import Client

    port = free_port()
    app = subprocess.Popen(
        [sys.executable, "-m", "assistant", "web", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                client = Client(f"http://127.0.0.1:{port}/", verbose=False)
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(1)
        for q in questions:
            client.predict(q, api_name="/ask")
        for line in Path(f"/proc/{app.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")
    finally:
        app.terminate()
        app.wait(timeout=30)


def _fmt(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.3f}" if value < 10 else f"{value:.0f}"


if __name__ == "__main__":
    main()
