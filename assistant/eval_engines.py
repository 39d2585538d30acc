"""Any llama-index query or chat engine seen through the evaluation harness: ``assistant eval --engine
module:factory`` puts a user's own pipeline beside this one, on the same questions and the same measures.

The factory takes the corpus folder and returns the engine. Its answer counts as a refusal when the response's
metadata says so (this project's own engines) or when its text says it does not know.
"""

from __future__ import annotations

import importlib
import re
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .errors import BadInput
from .types import Answer, Citation

_REFUSAL = re.compile(
    r"(don't|do not|cannot|can't) (know|say|find|answer|provide)|not (mentioned|provided|specified|"
    r"stated)|no (information|mention)|does not (say|mention|provide|specify)",
    re.I,
)


def load_factory(spec: str) -> Callable[[Path], Any]:
    """``module:function`` (the module importable from the working directory, as a checkout's ``evals``)."""
    module, _, name = spec.partition(":")
    if not module or not name:
        raise BadInput(f"--engine takes module:function (e.g. evals.engines:vector_index), not {spec!r}")
    try:
        factory = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        raise BadInput(f"cannot load the engine factory {spec}: {exc}") from exc
    if not callable(factory):
        raise BadInput(f"{spec} is not a function")
    return factory  # type: ignore[no-any-return]


def node_source(node: Any, corpus_dir: Path) -> str:
    """A node's file as the gold set names it: relative to the corpus folder."""
    if node.metadata.get("source"):
        return str(node.metadata["source"])
    path = Path(str(node.metadata.get("file_path", "")))
    try:
        return path.resolve().relative_to(corpus_dir.resolve()).as_posix()
    except ValueError:
        return str(node.metadata.get("file_name") or path.name)


def node_citations(nodes: Sequence[Any], corpus_dir: Path) -> tuple[Citation, ...]:
    out = []
    for scored in nodes:
        node = scored.node
        start, end = node.start_char_idx or 0, node.end_char_idx or len(node.get_content())
        title = str(node.metadata.get("title") or node.metadata.get("file_name") or "")
        source = node_source(node, corpus_dir)
        out.append(Citation(source, title, node.get_content(), start, end, float(scored.score or 0.0)))
    return tuple(out)


class LlamaIndexSystem:
    """A llama-index engine (query or chat) as the harness sees a system."""

    def __init__(self, engine: Any, corpus_dir: Path, name: str, retriever: Any = None) -> None:
        self.engine = engine
        self.name = name
        self._corpus_dir = corpus_dir
        self._retriever = retriever or getattr(engine, "retriever", None)
        self._is_chat = hasattr(engine, "chat") and not hasattr(engine, "query")

    def _respond(self, question: str) -> Any:
        return self.engine.chat(question) if self._is_chat else self.engine.query(question)

    def answer(self, question: str) -> Answer:
        began = time.perf_counter()
        response = self._respond(question)
        text = str(response).strip()
        metadata = getattr(response, "metadata", None) or {}
        refused = bool(metadata["refused"]) if "refused" in metadata else bool(_REFUSAL.search(text)) or not text
        cited = node_citations(response.source_nodes, self._corpus_dir)
        took = {"total": (time.perf_counter() - began) * 1000}
        return Answer(text, refused, cited, took, question=question, query=question, mode=self.name)

    def ranked_sources(self, question: str, k: int) -> list[str]:
        nodes = self._retriever.retrieve(question) if self._retriever else self._respond(question).source_nodes
        return list(dict.fromkeys(node_source(n.node, self._corpus_dir) for n in nodes))[:k]

    def conversation(self) -> Callable[[str], Answer]:
        """A chat engine keeps the conversation (reset first); a query engine has none: each turn stands alone."""
        if self._is_chat:
            self.engine.reset()
        return self.answer


def retriever_evaluator_figures(
    ranked_sources: Callable[[str, int], list[str]], items: Sequence[Any], k: int = 10
) -> dict[str, float]:
    """Hit rate and MRR at ``k`` from llama-index's own ``RetrieverEvaluator``, over a system's document ranking
    (each file one node, its name the node id), for the answerable questions with gold files: a check of the
    harness's hit@k and MRR by another implementation."""
    from llama_index.core.evaluation import RetrieverEvaluator
    from llama_index.core.retrievers import BaseRetriever
    from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

    class FileRetriever(BaseRetriever):
        def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
            ranked = ranked_sources(query_bundle.query_str, k)
            return [
                NodeWithScore(node=TextNode(id_=name, text=name), score=float(k - i)) for i, name in enumerate(ranked)
            ]

    evaluator = RetrieverEvaluator.from_metric_names(["hit_rate", "mrr"], retriever=FileRetriever())
    judged = [item for item in items if item.answerable and item.sources]
    results = [evaluator.evaluate(item.question, expected_ids=list(item.sources)) for item in judged]
    return {name: sum(r.metric_vals_dict[name] for r in results) / max(1, len(results)) for name in ("hit_rate", "mrr")}


def cross_check(
    run: dict[str, Any], ranked_sources: Callable[[str, int], list[str]], items: Sequence[Any], report: Path
) -> dict[str, Any]:
    """A run's retrieval figures recomputed by others: ir_measures reading the TREC files ``write_reports`` put
    in ``report``, and llama-index's RetrieverEvaluator asking the system again. Printed beside the harness's."""
    from .exports import read_back_trec
    from .reports import file_name
    from .scoring import retrieval_metrics

    judged = [(r["ranked_sources"], r["gold_sources"]) for r in run["results"] if r["answerable"]]
    harness = retrieval_metrics(judged, (1, 5, 10))
    check: dict[str, Any] = {"system": run["system"], "harness": harness}
    try:
        name = file_name(run["system"])
        check["ir_measures"] = read_back_trec(report / f"run-{name}.trec", report / "qrels.trec")
    except ImportError:
        check["ir_measures"] = {}
    figures = retriever_evaluator_figures(ranked_sources, items)
    check["llama_index"] = {"hit@10": figures["hit_rate"], "mrr": figures["mrr"]}
    print(f"cross-check, {run['system']}:")
    for reader in ("harness", "ir_measures", "llama_index"):
        shown = " ".join(f"{k} {v:.3f}" for k, v in sorted(check[reader].items()))
        print(f"  {reader:12} {shown or 'not installed (the evals extra)'}")
    return check
