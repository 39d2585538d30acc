"""Engine factories for ``assistant eval --engine evals.engines:NAME``: a plain llama-index pipeline, to set
beside the assistant on the gold set (a user's own factory takes the corpus folder and returns an engine)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evals.baseline import default_index, packaged_llm


def vector_index(corpus_dir: Path) -> Any:
    """A plain ``VectorStoreIndex`` query engine: llama-index's defaults, top-2, the packaged models."""
    index, _ = default_index(corpus_dir)
    return index.as_query_engine(llm=packaged_llm(), similarity_top_k=2)


def assistant_query_engine(corpus_dir: Path) -> Any:
    """The assistant itself through its llama-index query engine (the same figures as the plain run)."""
    from assistant import Assistant

    assistant = Assistant(corpus_dir=corpus_dir)
    assistant.ensure_index()
    return assistant.as_query_engine()
