"""The ``Assistant`` facade: store, embedder, retriever, judge, prompts, LLM and engine put together. It wires
and syncs; answering is the engine's job (``engine.py``) and conversations are ``chat.py``'s."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from .answer import SourceReader, citation
from .attribution import nothing_said, points_back
from .backends.embeddings import Embedder, make_embedder
from .backends.llms import LLM, make_llm
from .backends.stores import forget_embedded_clients, make_chroma_client, store_kind
from .backends.tokenizer import get_tokenizer
from .chat import ChatSession, ModelRewrite
from .config import Settings, load_settings
from .engine import AnswerEngine, last_answer
from .errors import ConfigError, IndexMismatch
from .index import ChunkIndex
from .ingest import Progress, Reading, fingerprint, sync, writer_lock
from .judge import AnswerJudge
from .library import Generation, rebuild_targets, resolve_sources, set_aside
from .prompts import Prompts, load_prompts
from .reader import JUDGE_READER_VERSION, SpanReader
from .retrieval import Retriever
from .several import questions_in
from .types import Answer, Citation, IngestReport
from .verifier import Verifier, YesModel, default_model_path

log = logging.getLogger(__name__)


class Assistant:
    """Answers questions about a document collection with verified, cited passages.

    ``Assistant()`` uses ``./corpus``, the embedded store under ``./.index`` and the packaged models; pass a
    ``Settings`` or keyword overrides (``Assistant(mode="generative")``), or the collaborators themselves for tests.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        embedder: Embedder | None = None,
        client: Any = None,
        llm: LLM | None = None,
        prompts: Prompts | None = None,
        **overrides: Any,
    ) -> None:
        if settings is None:
            self.settings = load_settings(**overrides)
        else:
            self.settings = settings.model_copy(update=overrides) if overrides else settings
        self.prompts = prompts or load_prompts()  # checked at start-up, not at the first question
        self._given_client = client
        self._client = client
        self._llm = llm
        self._reader = SourceReader()
        self._generation = Generation(self.settings.data_dir)
        # built on first use, so that a command pays only for what it touches
        self._embedder = embedder
        self._index: ChunkIndex | None = None
        self._engine: AnswerEngine | None = None
        # writers in this process queue here; the file lock below it keeps other processes out (a second flock
        # from the same process would fail, so without this a question during the first ingest was refused)
        self._writing = threading.RLock()

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            with self._writing:  # one model load (and one ONNX export into the cache) however many threads ask
                if self._embedder is None:
                    self._embedder = make_embedder(self.settings.embed.backend, cache_dir=self.settings.embed.cache_dir)
        return self._embedder

    @property
    def index(self) -> ChunkIndex:
        if self._index is None:
            with self._writing:  # opened once: two clients made at once for one folder break Chroma's cache
                if self._index is None:
                    self._index = self._open_index(verify=True)
        return self._index

    def _open_index(self, verify: bool) -> ChunkIndex:
        if self._client is None:
            self._client = make_chroma_client(self.settings.store, self.settings.data_dir)
        built_by = fingerprint(self.embedder, get_tokenizer(self.settings.chunk.tokenizer), self.settings.chunk)
        return ChunkIndex(self._client, self.settings.store.collection, built_by, verify=verify)

    @property
    def engine(self) -> AnswerEngine:
        if self._engine is None:
            with self._writing:  # built once, whichever thread asks first
                if self._engine is None:
                    self._engine = self._build_engine()
        return self._engine

    def _build_engine(self) -> AnswerEngine:
        name = f"keywords-{self.settings.store.collection}-{store_kind(self.settings.store)}.json"
        retriever = Retriever(self.index, self.embedder, self.settings.data_dir / name)
        cache, chosen = self.settings.embed.cache_dir, self.settings.retrieval
        judge = AnswerJudge(SpanReader(cache, version=JUDGE_READER_VERSION)) if chosen.judge == "learned" else None
        spans = SpanReader(cache) if chosen.short_answers else None
        parts = (retriever, self._reader, self.prompts, self.settings, self.get_llm)
        return AnswerEngine(*parts, judge, spans, self._verifier(judge is not None))

    def _verifier(self, judged: bool) -> Verifier | None:
        """The opt-in second opinion (``ASSISTANT_VERIFIER__ENABLED``), which weighs the learned judge's probability."""
        chosen = self.settings.verifier
        if not chosen.enabled:
            return None
        if not judged:
            raise ConfigError(
                "the verifier weighs the learned judge's probability; set ASSISTANT_RETRIEVAL__JUDGE=learned"
            )
        path = chosen.model_path or default_model_path(self.settings.embed.cache_dir)
        return Verifier(YesModel(path, chosen.threads))

    @property
    def retriever(self) -> Retriever:
        return self.engine.retriever

    def get_llm(self) -> LLM:
        """The language model, loaded on first use (only generative answers and model rewrites need one)."""
        if self._llm is None:
            self._llm = make_llm(self.settings.llm)
        return self._llm

    def _forget_store(self) -> None:
        """Drop the opened index and everything built on it; they are reopened on next use."""
        self._index = None
        self._engine = None

    def ingest(
        self,
        paths: Sequence[str | Path] | None = None,
        *,
        rebuild: bool = False,
        progress: Progress | None = None,
        reading: Reading | None = None,
    ) -> IngestReport:
        """Sync the index with ``paths`` (default: the corpus folder). Unchanged files cost nothing. ``progress``
        hears (chunks embedded, chunks to embed); ``reading`` hears (files read, files to read, PDF pages read)."""
        targets = [Path(p) for p in paths] if paths else [self.settings.corpus_dir]
        if not rebuild:
            self._rebuild_if_outdated(progress, reading)
        with self._writing, writer_lock(self.settings.data_dir):
            if rebuild:
                self._forget_store()
                self._index = self._open_index(verify=False)
                self._index.reset()
            chunking, tokenizer = self.settings.chunk, get_tokenizer(self.settings.chunk.tokenizer)
            settings = self.settings.ingest
            report = sync(self.index, self.embedder, tokenizer, targets, chunking, settings, progress, reading)
            self.retriever.invalidate()
            if report.added or report.updated or report.deleted or rebuild:
                _ = self.retriever.keywords  # bring the keyword cache up to date now, not at the next question
                self._generation.bump()
        return report

    def refresh_if_changed(self) -> bool:
        """Reopen the store when another process changed the index since this one last looked."""
        if not self._generation.changed():
            return False
        if self._given_client is None and store_kind(self.settings.store) == "embedded":
            forget_embedded_clients()
            self._client = None
        self._forget_store()
        return True

    def _rebuild_if_outdated(self, progress: Progress | None = None, reading: Reading | None = None) -> None:
        """An index built by an older version or with other settings is rebuilt from its files when every one of
        them is still on disk (nothing is lost, and upgrading needs no command); otherwise opening it stays the
        error that asks for ``assistant ingest --rebuild``, saying which files would be lost."""
        try:
            _ = self.index  # opened once (under the writers' lock), then at no cost
            return
        except IndexMismatch:
            pass
        with self._writing:  # one thread rebuilds; the others find it rebuilt
            try:
                _ = self.index
                return
            except IndexMismatch as exc:
                mismatch = exc
            targets, missing = rebuild_targets(self._open_index(verify=False).documents().values())
            if missing:
                gone = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
                raise IndexMismatch(f"{mismatch} (not rebuilt by itself: {gone} no longer on disk)") from None
            log.warning("%s; rebuilding it from its files, all still on disk", str(mismatch).split("; run")[0])
            self.ingest(targets, rebuild=True, progress=progress, reading=reading)

    def ensure_index(self, progress: Progress | None = None) -> None:
        """Ingest the corpus folder when the index is empty, so a first question just works (and rebuild an
        outdated one whose files are all on disk)."""
        self._rebuild_if_outdated(progress)
        if self.index.count() > 0 or not self.settings.corpus_dir.is_dir():
            return
        with self._writing:  # another thread may be indexing it now: wait for it, then look again
            if self.index.count() == 0:
                self.ingest(progress=progress)

    def ask(
        self,
        question: str,
        *,
        mode: str | None = None,
        max_citations: int | None = None,
        sources: Sequence[str] | None = None,
    ) -> Answer:
        """Answer one question; ``sources`` limits it to those indexed files (names as ``documents()`` gives
        them, or their paths)."""
        return last_answer(self.stream(question, mode=mode, max_citations=max_citations, sources=sources))

    def stream(
        self,
        question: str,
        *,
        mode: str | None = None,
        max_citations: int | None = None,
        drafts: bool = False,
        sources: Sequence[str] | None = None,
    ) -> Iterator[str | Answer]:
        """Yield the answer's text as it is produced, then the full ``Answer`` (which is authoritative); with
        ``drafts``, generated tokens also arrive as ``Draft`` pieces before their sentence is checked."""
        if points_back(question, answered=False):  # "which article says that?" asked alone: no answer to point to
            reply = nothing_said(question)
            return iter([reply.text, reply])
        engine = self.ready_engine()
        chosen = self.resolve_sources(sources)
        if len(questions_in(question)) > 1:
            # "Who heads COSI? What did he say?": asked as a conversation, so the second may point back to the first
            return self.chat().stream(question, mode=mode, max_citations=max_citations, drafts=drafts, sources=chosen)
        return engine.stream(question, mode=mode, max_citations=max_citations, drafts=drafts, sources=chosen)

    def search(self, query: str, *, limit: int = 5, sources: Sequence[str] | None = None) -> list[Citation]:
        """The passages that best match ``query``, verified against their files, without an answer."""
        engine = self.ready_engine()
        return [citation(e) for e in engine.search(query, limit, self.resolve_sources(sources))]

    def resolve_sources(self, names: Sequence[str] | None) -> list[str] | None:
        """Indexed files named by their source name, their path, or their file name when that is unique."""
        if not names:
            return None
        if set(names) <= self.index.indexed_sources(names):  # the usual case: no need to list the whole index
            return list(dict.fromkeys(names))
        return resolve_sources(names, {d["source"]: Path(str(d["path"])) for d in self.documents()})

    def ready_engine(self) -> AnswerEngine:
        """The engine over the index as it is now (reopened if another process changed it, ingested if empty)."""
        self.refresh_if_changed()
        self.ensure_index()
        return self.engine

    def chat(self) -> ChatSession:
        """A conversation whose follow-ups are rewritten from its history."""
        by_model = ModelRewrite(self.prompts, self.get_llm) if self.settings.chat_rewrite == "model" else None
        return ChatSession(self.ready_engine, by_model)

    def as_retriever(self, similarity_top_k: int = 5) -> Any:
        """A llama-index ``BaseRetriever``: the best verified sentences as nodes with offsets into their files."""
        from .llama import AssistantRetriever

        return AssistantRetriever(self, similarity_top_k)

    def as_query_engine(self, *, mode: str | None = None, streaming: bool = False) -> Any:
        """A llama-index query engine whose ``source_nodes`` are the answer's verified citations."""
        from .llama import AssistantQueryEngine

        return AssistantQueryEngine(assistant=self, mode=mode, streaming=streaming)

    def as_chat_engine(self, *, mode: str | None = None) -> Any:
        """A llama-index chat engine over a conversation of this assistant (follow-ups resolved)."""
        from .llama import AssistantChatEngine

        return AssistantChatEngine(self, mode)

    def as_embedding(self) -> Any:
        """A llama-index ``BaseEmbedding`` over this assistant's embedder (the packaged MiniLM on onnxruntime)."""
        from .llama import ProjectEmbedding

        return ProjectEmbedding(self.embedder)

    def documents(self) -> list[dict[str, Any]]:
        """The indexed files: source, title, date, chunks, path."""
        keys = ("source", "title", "date", "chunks", "path")
        return sorted(({k: d[k] for k in keys} for d in self.index.documents().values()), key=lambda d: d["source"])

    def source_text(self, source: str) -> str | None:
        """The original text of an indexed file, found through the index (never a path taken from input)."""
        path = self.index.path_of(source)
        return self._reader.text(path) if path else None

    def remove_documents(self, sources: Sequence[str]) -> list[str]:
        """Take files out of the corpus and the index; each file moves to ``data_dir/removed`` so nothing is lost."""
        removed = []
        with self._writing, writer_lock(self.settings.data_dir):
            for doc in self.index.documents().values():
                if doc["source"] in sources:
                    set_aside(Path(str(doc["path"])), self.settings.data_dir)
                    self.index.delete_path(str(doc["path"]))
                    removed.append(str(doc["source"]))
            if removed:
                self._generation.bump()
        self.retriever.invalidate()
        return removed
