"""The pipeline a new user gets from llama-index defaults, kept as the yardstick in evals and benchmarks.

VectorStoreIndex over Chroma, default chunking (SentenceSplitter, 1,024 tokens), top-2 retrieval, with the same
models as the assistant: the packaged MiniLM on onnxruntime (``ProjectEmbedding``; the same vectors as the
sentence-transformers model to 2e-7) and the packaged SmolLM2 through llama-index's ``LlamaCPP``, its prompts in
the model's own ChatML template (without it, SmolLM2 rambles: p50 20.1 s against 7.1 s with it).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from assistant.backends.embeddings import make_embedder
from assistant.backends.llms import packaged_gguf
from assistant.config import default_cache_dir
from assistant.eval_engines import LlamaIndexSystem
from assistant.types import Answer


def chatml_messages(messages: Sequence[Any]) -> str:
    """SmolLM2's chat template (ChatML), for llama-index's ``LlamaCPP``."""
    turns = "".join(f"<|im_start|>{m.role.value}\n{m.content}<|im_end|>\n" for m in messages)
    return turns + "<|im_start|>assistant\n"


def chatml_completion(prompt: str) -> str:
    return f"<|im_start|>user\n{prompt}<|im_end|>\n<|im_start|>assistant\n"


def packaged_llm() -> Any:
    from llama_index.llms.llama_cpp import LlamaCPP

    return LlamaCPP(
        model_path=str(packaged_gguf()),
        messages_to_prompt=chatml_messages,
        completion_to_prompt=chatml_completion,
        verbose=False,
    )


def default_index(corpus_dir: Path, client: Any = None) -> tuple[Any, Any]:
    """llama-index's defaults over the corpus folder: (the index, its Chroma collection)."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from llama_index.core import SimpleDirectoryReader, StorageContext, VectorStoreIndex
    from llama_index.vector_stores.chroma import ChromaVectorStore

    from assistant.llama import ProjectEmbedding

    client = client or chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
    collection = client.get_or_create_collection(f"baseline-{uuid.uuid4().hex[:8]}")
    storage = StorageContext.from_defaults(vector_store=ChromaVectorStore(chroma_collection=collection))
    documents = SimpleDirectoryReader(str(corpus_dir), required_exts=[".txt", ".md"], recursive=True).load_data()
    embed = ProjectEmbedding(make_embedder("minilm", cache_dir=default_cache_dir()))
    return VectorStoreIndex.from_documents(documents, storage_context=storage, embed_model=embed), collection


class LlamaIndexBaseline:
    name = "llama-index default"

    def __init__(self, corpus_dir: Path, top_k: int = 2, client: Any = None, with_llm: bool = True) -> None:
        self.index, self._collection = default_index(corpus_dir, client)
        self.retriever = self.index.as_retriever(similarity_top_k=100)
        self._corpus_dir = corpus_dir
        self._ranker = LlamaIndexSystem(None, corpus_dir, self.name, self.retriever)
        if with_llm:  # retrieval-only benchmarks do not load a model
            self.llm = packaged_llm()
            engine = self.index.as_query_engine(llm=self.llm, similarity_top_k=top_k)
            self._system = LlamaIndexSystem(engine, corpus_dir, self.name, self.retriever)

    def node_count(self) -> int:
        return int(self._collection.count())

    def answer(self, question: str) -> Answer:
        return self._system.answer(question)

    def ranked_sources(self, question: str, k: int) -> list[str]:
        return self._ranker.ranked_sources(question, k)

    def conversation(self) -> Callable[[str], Answer]:
        from llama_index.core.chat_engine.types import ChatMode

        engine = self.index.as_chat_engine(llm=self.llm, chat_mode=ChatMode.CONDENSE_PLUS_CONTEXT, similarity_top_k=2)
        return LlamaIndexSystem(engine, self._corpus_dir, self.name).conversation()
