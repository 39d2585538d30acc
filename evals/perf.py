"""Speed and memory beside the llama-index default pipeline, on the same data and models, in one run.

    python -m evals.perf                  # SQuAD v1.1 dev paragraphs (2,067), ~15 minutes on 2 cores
    python -m evals.perf --questions 100  # more questions for the latency figures

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
from pathlib import Path
from typing import Any

from assistant import Assistant, Settings
from assistant.backends.embeddings import MiniLMEmbedder
from assistant.config import PROJECT_ROOT

from .benchmarks import DATA, write_corpus

OUT = PROJECT_ROOT / "build" / "perf"


def squad_paragraphs() -> tuple[dict[str, tuple[str, str]], list[tuple[str, str]]]:
    data = json.loads((DATA / "squad" / "dev-v1.1.json").read_text(encoding="utf-8"))["data"]
    docs, questions = {}, []
    for a, article in enumerate(data):
        for p, paragraph in enumerate(article["paragraphs"]):
            name = f"a{a:02d}_p{p:03d}"
            docs[name] = (article["title"].replace("_", " "), paragraph["context"])
            questions += [(qa["question"], f"{name}.txt") for qa in paragraph["qas"]]
    return docs, questions


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    began = time.perf_counter()
    result = fn()
    return time.perf_counter() - began, result


def percentiles(values: Sequence[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=int, default=50)
    parser.add_argument("--generative", type=int, default=10, help="questions for the generative latency")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--paragraphs", type=int, help="only the first N paragraphs (a quick smoke run)")
    args = parser.parse_args()
    rows: list[tuple[str, float | None, float | None, str]] = []
    raw: dict[str, Any] = {}
    work = Path(tempfile.mkdtemp(prefix="perf-"))
    docs, questions = squad_paragraphs()
    if args.paragraphs:
        docs = dict(list(docs.items())[: args.paragraphs])
        questions = [(q, gold) for q, gold in questions if gold[: -len(".txt")] in docs]
    corpus = work / "corpus"
    write_corpus(corpus, docs)
    random.Random(args.seed).shuffle(questions)
    asked = questions[: args.questions]
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}

    # --- ingest: ours (fresh index; the ONNX export is made beforehand, as after any first ingest)
    settings = Settings(corpus_dir=corpus, data_dir=work / "data")
    MiniLMEmbedder(cache_dir=settings.data_dir / "models")._torch_encoder()  # the one-time export
    ours = Assistant(settings)
    ingest_s, report = timed(ours.ingest)
    chunks = ours.index.all_chunks()
    texts = [c.text for c in chunks]
    print(f"ours: {report.summary()}", file=sys.stderr)

    # --- the compute floor: bare batched encode of the same chunk texts, both runtimes
    onnx = MiniLMEmbedder(cache_dir=settings.data_dir / "models")
    onnx.embed(texts[:8])
    onnx_s, _ = timed(lambda: onnx.embed(texts))
    torch_embedder = MiniLMEmbedder(cache_dir=None)
    torch_embedder.embed(texts[:8])
    torch_s, _ = timed(lambda: torch_embedder.embed(texts))

    # --- llama-index default: VectorStoreIndex over Chroma with its default chunking, same MiniLM (torch)
    from assistant.backends.baseline import LlamaIndexBaseline

    baseline_s, baseline = timed(lambda: LlamaIndexBaseline(corpus.resolve(), with_llm=False))
    baseline_nodes = baseline.node_count()
    rows += [
        (
            "ingest, SQuAD dev paragraphs (chunks/s)",
            len(chunks) / ingest_s,
            baseline_nodes / baseline_s,
            f"{len(chunks)} chunks in {ingest_s:.0f} s vs {baseline_nodes} nodes in {baseline_s:.0f} s",
        ),
        (
            "bare batched encode, same chunks, onnxruntime (chunks/s)",
            len(chunks) / onnx_s,
            None,
            f"ingest / floor = {ingest_s / onnx_s:.2f}x",
        ),
        (
            "bare batched encode, same chunks, torch (chunks/s)",
            len(chunks) / torch_s,
            None,
            f"onnxruntime is {torch_s / onnx_s:.2f}x faster here",
        ),
    ]

    # --- re-ingest unchanged, and one document added to the large index
    again_s, again = timed(ours.ingest)
    assert again.chunks_embedded == 0
    (corpus / "zz_new.txt").write_text("A new paragraph about the river port of Mopti and its boats.", encoding="utf-8")
    add_s, _ = timed(ours.ingest)
    rows += [
        ("re-ingest of the unchanged corpus (s)", again_s, baseline_s, "llama-index has no sync: it re-embeds"),
        ("add one document to the index (s)", add_s, None, ""),
    ]

    # --- warm latency: retrieval only, extractive, generative; baseline retrieval and full answer
    ours.ask(asked[0][0])
    retrieval = [timed(lambda q=q: ours.retriever.retrieve(q, 6))[0] for q, _ in asked]
    extractive, hits1, hits5 = [], 0, 0
    for q, gold in asked:
        took, _ = timed(lambda q=q: ours.ask(q))
        extractive.append(took)
        ranked = ours.retriever.ranked_sources(q, 10)
        hits1 += ranked[:1] == [gold]
        hits5 += gold in ranked[:5]
    baseline.retriever.similarity_top_k = 2
    base_retrieval = [timed(lambda q=q: baseline.retriever.retrieve(q))[0] for q, _ in asked]
    base_hits1 = sum(baseline.ranked_sources(q, 1) == [Path(g).name] for q, g in asked)
    generative_ours = Assistant(settings, mode="generative")
    generative_ours.ask(asked[0][0])
    generative = [timed(lambda q=q: generative_ours.ask(q))[0] for q, _ in asked[: args.generative]]
    full_baseline = LlamaIndexBaseline(corpus.resolve())
    full_baseline.answer(asked[0][0])
    base_answer = [timed(lambda q=q: full_baseline.answer(q))[0] for q, _ in asked[: args.generative]]
    for label, mine, theirs in [
        ("warm retrieval", retrieval, base_retrieval),
        ("warm full answer, extractive", extractive, base_answer),
        ("warm full answer, generative", generative, base_answer),
    ]:
        (p50, p95), (b50, b95) = percentiles(mine), percentiles(theirs)
        rows.append(
            (
                f"{label} p50 (ms)",
                p50 * 1000,
                b50 * 1000,
                f"p95 {p95 * 1000:.0f} vs {b95 * 1000:.0f} ms; max {max(mine) * 1000:.0f} ms",
            )
        )
    rows.append(
        (
            "paragraph hit@1 on these questions",
            hits1 / len(asked),
            base_hits1 / len(asked),
            f"hit@5 {hits5 / len(asked):.3f}; llama-index: top-2 chunks of its default size",
        )
    )

    # --- cold start: a new `assistant ask` process on this index (disk cache warm after the first)
    ask_env = {**env, "ASSISTANT_CORPUS_DIR": str(corpus), "ASSISTANT_DATA_DIR": str(settings.data_dir)}
    cold = []
    for q, _ in asked[:4]:
        took, _ = timed(
            lambda q=q: subprocess.run(
                [sys.executable, "-m", "assistant", "ask", q], env=ask_env, check=True, capture_output=True
            )
        )
        cold.append(took)
    rows.append(
        (
            "cold start, new `assistant ask` process to its answer (s)",
            statistics.median(cold[1:]),
            None,
            f"first (cold disk) {cold[0]:.1f} s",
        )
    )

    # --- peak RSS: ingest of a fresh index in a child, then the web app under a few questions
    fresh_env = {**env, "ASSISTANT_CORPUS_DIR": str(corpus), "ASSISTANT_DATA_DIR": str(work / "fresh")}
    shutil.copytree(settings.data_dir / "models", work / "fresh" / "models")
    ingest_child_s, ingest_rss = child_peak_rss_mb([sys.executable, "-m", "assistant", "ingest", "--quiet"], fresh_env)
    rows.append(("peak RSS of ingest (MB)", ingest_rss, None, f"child process, {ingest_child_s:.0f} s"))
    rows.append(
        (
            "peak RSS of the web app (MB)",
            web_peak_rss(ask_env, [q for q, _ in asked[:5]]),
            None,
            "after 5 questions through /ask",
        )
    )

    table = ["| figure | ours | llama-index default | ratio | notes |", "|---|---|---|---|---|"]
    for name, mine, theirs, note in rows:
        ratio = f"{mine / theirs:.2f}x" if mine and theirs else "—"
        table.append(f"| {name} | {_fmt(mine)} | {_fmt(theirs)} | {ratio} | {note} |")
    text = "\n".join(table)
    print(text)
    OUT.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (OUT / f"perf-{stamp}.md").write_text(text + "\n", encoding="utf-8")
    raw.update({"rows": rows, "chunks": len(chunks), "questions": len(asked)})
    (OUT / f"perf-{stamp}.json").write_text(json.dumps(raw, indent=2, default=str), encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)


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
