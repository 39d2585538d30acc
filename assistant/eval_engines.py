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
