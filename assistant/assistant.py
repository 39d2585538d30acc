"""The ``Assistant`` facade: the one place where store, embedder, retriever, prompts and LLM are put together."""

from __future__ import annotations

import os
import re
import time
import unicodedata
from collections.abc import Generator, Iterator, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

from .answer import (
    REFUSAL,
    Cited,
    SourceReader,
    answers_the_kind_asked,
    attributed,
    conflicting,
    extractive_choice,
    fit_messages,
    gated_stream,
    supported,
    verify,
    with_markers,
)
from .backends.embeddings import Embedder, make_embedder
from .backends.llms import LLM, make_llm
from .backends.stores import forget_embedded_clients, make_chroma_client, store_kind
from .backends.tokenizer import get_tokenizer
from .config import Settings, load_settings
from .errors import AssistantError, BackendUnavailable, BadInput
from .index import ChunkIndex
from .ingest import Progress, sync, writer_lock
from .prompts import Prompts, load_prompts
from .retrieval import Evidence, Retriever, terms
from .text import normalize
from .types import Answer, Citation, IngestReport, Turn

TEXT_VERSION = 2  # bump when normalisation, sentence splitting or chunk packing changes what gets indexed
_QUESTION_WORDS = {"who", "what", "when", "where", "which", "why", "how"}
_ANAPHORA = re.compile(
    r"\b(he|she|it|they|them|his|her|hers|its|their|this|that|these|those|there|then|him)\b"
    r"|^(and|what about|how about)\b",
    re.I,
)


class Assistant:
    """Answers questions about a document collection with verified, cited passages.

    ``Assistant()`` uses the bundled corpus, the embedded store and the packaged models; pass a ``Settings``
    or keyword overrides (``Assistant(mode="generative")``), or the collaborators themselves for tests.
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
        self._embedder = embedder
        self._client = client
        self._llm = llm
        self.prompts = prompts or load_prompts()  # checked at start-up, not at the first question
        self._reader = SourceReader()
        self._own_client = client is None
        self._generation = self._read_generation()

    @classmethod
    def from_settings(cls, settings: Settings) -> Assistant:
        return cls(settings)

    # collaborators, built on first use so that a command pays only for what it touches
    @cached_property
    def embedder(self) -> Embedder:
        return self._embedder or make_embedder(
            self.settings.embed.backend, device=self.settings.embed.device, cache_dir=self.settings.data_dir / "models"
        )

    @cached_property
    def index(self) -> ChunkIndex:
        return self._open_index(verify=True)

    def _open_index(self, verify: bool) -> ChunkIndex:
        if self._client is None:
            self._client = make_chroma_client(self.settings.store, self.settings.data_dir)
        client = self._client
        tokenizer = get_tokenizer(self.settings.chunk.tokenizer)
        fingerprint: dict[str, str | int] = {
            "embedder": self.embedder.name,
            "dimension": self.embedder.dimension,
            "chunk_size": self.settings.chunk.size_tokens,
            "chunk_overlap": self.settings.chunk.overlap_tokens,
            "tokenizer": tokenizer.name,
            "text_version": TEXT_VERSION,
        }
        return ChunkIndex(client, self.settings.store.collection, fingerprint, verify=verify)

    @cached_property
    def retriever(self) -> Retriever:
        name = f"keywords-{self.settings.store.collection}-{store_kind(self.settings.store)}.json"
        return Retriever(self.index, self.embedder, self.settings.data_dir / name)

    @property
    def llm(self) -> LLM:
        if self._llm is None:
            self._llm = make_llm(self.settings.llm)
        return self._llm

    def ingest(
        self, paths: Sequence[str | Path] | None = None, *, rebuild: bool = False, progress: Progress | None = None
    ) -> IngestReport:
        """Sync the index with ``paths`` (default: the corpus folder). Unchanged files cost nothing."""
        targets = [Path(p) for p in paths] if paths else [self.settings.corpus_dir]
        with writer_lock(self.settings.data_dir):
            if rebuild:
                self.__dict__["index"] = self._open_index(verify=False)
                self.__dict__.pop("retriever", None)  # it holds the index it was built with
                self.index.reset()
            report = sync(
                self.index,
                self.embedder,
                get_tokenizer(self.settings.chunk.tokenizer),
                targets,
                self.settings.chunk,
                self.settings.ingest,
                progress,
            )
            self.retriever.invalidate()
            if report.added or report.updated or report.deleted or rebuild:
                _ = self.retriever.keywords  # bring the keyword cache up to date now, not at the next question
                self._generation = self._bump_generation()
        return report

    # Other processes (`assistant ingest` while the web app runs) announce their changes through a generation file;
    # an embedded Chroma client keeps its vector index in memory, so it is reopened to see them.
    def _generation_file(self) -> Path:
        return self.settings.data_dir / "index.generation"

    def _read_generation(self) -> str:
        try:
            return self._generation_file().read_text(encoding="utf-8").strip()
        except OSError:
            return ""

    def _bump_generation(self) -> str:
        value = f"{time.time_ns()}-{os.getpid()}"
        partial = self._generation_file().with_suffix(".tmp")
        partial.write_text(value, encoding="utf-8")
        partial.replace(self._generation_file())
        return value

    def refresh_if_changed(self) -> bool:
        """Reopen the store when another process changed the index since this one last looked."""
        current = self._read_generation()
        if current == self._generation:
            return False
        self._generation = current
        if self._own_client and store_kind(self.settings.store) == "embedded":
            forget_embedded_clients()
            self._client = None
        self.__dict__.pop("index", None)
        self.__dict__.pop("retriever", None)
        return True

    def ask(self, question: str, *, mode: str | None = None, passages: int | None = None) -> Answer:
        return _last_answer(self.stream(question, mode=mode, passages=passages))

    def stream(self, question: str, *, mode: str | None = None, passages: int | None = None) -> Iterator[str | Answer]:
        """Yield the answer's text as it is produced, then the full ``Answer`` (which is authoritative:
        when generation falls back to the extractive answer, its text replaces what was streamed)."""
        return self._run(question, question, mode, passages)

    def documents(self) -> list[dict[str, Any]]:
        """The indexed files: source, title, date, chunks, path."""
        docs = self.index.documents().values()
        return sorted(
            ({k: d[k] for k in ("source", "title", "date", "chunks", "path")} for d in docs), key=lambda d: d["source"]
        )

    def source_text(self, source: str) -> str | None:
        """The original text of an indexed file, found through the index (never a path taken from input)."""
        path = self.index.path_of(source)
        return self._reader.text(path) if path else None

    def remove_documents(self, sources: Sequence[str]) -> list[str]:
        """Take files out of the corpus and the index; each file moves to ``data_dir/removed`` so nothing is lost."""
        removed = []
        with writer_lock(self.settings.data_dir):
            for doc in self.index.documents().values():
                if doc["source"] in sources:
                    path = Path(str(doc["path"]))
                    if path.is_file():
                        target = self.settings.data_dir / "removed" / f"{int(time.time())}-{path.name}"
                        target.parent.mkdir(parents=True, exist_ok=True)
                        path.replace(target)
                    self.index.delete_path(str(path))
                    removed.append(str(doc["source"]))
        self.retriever.invalidate()
        return removed

    def chat(self) -> ChatSession:
        return ChatSession(self)

    def ensure_index(self, progress: Progress | None = None) -> None:
        """Ingest the corpus folder when the index is empty, so a first question just works."""
        if self.index.count() == 0 and self.settings.corpus_dir.is_dir():
            self.ingest(progress=progress)

    def _run(self, question: str, query: str, mode: str | None, passages: int | None = None) -> Iterator[str | Answer]:
        question, query = clean_question(question, self.settings.max_question_chars), clean_question(query, None)
        mode = mode or self.settings.mode
        if mode not in ("extractive", "generative"):
            raise BadInput(f"unknown answer mode {mode!r}; use extractive or generative")
        timings: dict[str, float] = {}
        clock = time.perf_counter()
        self.refresh_if_changed()
        self.ensure_index()
        chunks = [c for c, _ in self.retriever.retrieve(query, self.settings.retrieval.top_k)]
        timings["retrieve"] = _lap(clock)
        evidence = self.retriever.evidence(query, chunks)
        timings["evidence"] = _lap(clock) - timings["retrieve"]
        base: dict[str, Any] = {"question": question, "query": query, "mode": mode}
        candidates = supported(query, evidence, self.settings.retrieval)
        if not candidates:
            answer = self._refusal(query, evidence, timings, clock, base)
            yield answer.text
            yield answer
            return
        limit = passages or self.settings.retrieval.max_evidence
        ratio = self.settings.retrieval.runner_up_ratio
        conflict = conflicting(query, candidates)
        if conflict:  # the documents disagree: set them side by side, whatever the mode
            cited = [c for c in (verify(e, self._reader) for e in conflict[:limit]) if c]
            if len(cited) > 1:
                text = "The documents disagree. " + " ".join(attributed(c.evidence, i) for i, c in enumerate(cited, 1))
                timings["total"] = _lap(clock)
                yield text
                yield Answer(text, False, tuple(_citation(c) for c in cited), timings, **base)
                return
        chosen = extractive_choice(candidates, limit, ratio) if mode == "extractive" else candidates[:limit]
        cited = [c for c in (verify(e, self._reader) for e in chosen) if c]
        notes: list[str] = []
        if len(cited) < len(chosen):
            notes.append(
                "some passages changed on disk since they were indexed and were left out; run `assistant ingest`"
            )
        if not cited:
            answer = self._refusal(query, [], timings, clock, base, notes)
            yield answer.text
            yield answer
            return
        if mode == "generative":
            generated = yield from self._generate(question, cited, notes)
            timings["generate"] = _lap(clock) - timings["retrieve"] - timings["evidence"]
            if generated:
                text, used = generated
                timings["total"] = _lap(clock)
                yield Answer(text, False, tuple(_citation(c) for c in used), timings, notes=tuple(notes), **base)
                return
            fallback = extractive_choice(candidates, limit, ratio)
            cited = [c for c in (verify(e, self._reader) for e in fallback) if c]
            base["mode"] = "extractive"
        text = " ".join(with_markers(c.evidence.text, [i]) for i, c in enumerate(cited, 1))
        timings["total"] = _lap(clock)
        yield text
        yield Answer(text, False, tuple(_citation(c) for c in cited), timings, notes=tuple(notes), **base)

    def _generate(
        self, question: str, cited: list[Cited], notes: list[str]
    ) -> Generator[str, None, tuple[str, list[Cited]] | None]:
        """Stream gated sentences; return (text, citations used), or None to fall back to the extractive answer."""
        fitted = fit_messages(question, cited, self.prompts, self.llm, self.settings.llm.max_tokens)
        if fitted is None:
            notes.append("the question and its passages do not fit the model's context; showing the extractive answer")
            return None
        messages, cited = fitted
        order: list[int] = []  # evidence indices in the order the answer first cites them
        parts: list[str] = []
        seen: set[str] = set()
        try:
            for result in gated_stream(self.llm.stream(messages, self.settings.llm.max_tokens), cited):
                if result.sentence.lower() in seen:  # small models loop; a repeat adds nothing
                    continue
                seen.add(result.sentence.lower())
                for i in result.supports:
                    if i not in order:
                        order.append(i)
                part = with_markers(result.sentence, [order.index(i) + 1 for i in result.supports])
                parts.append(part)
                yield (" " if len(parts) > 1 else "") + part
        except BackendUnavailable as exc:
            notes.append(f"{exc}; showing the extractive answer instead")
            return None
        if not parts:
            notes.append("the model's answer was not backed by the passages; showing the extractive answer instead")
            return None
        if not answers_the_kind_asked(question, " ".join(parts)):
            notes.append(
                "the model's answer did not give the quantity asked for; showing the extractive answer instead"
            )
            return None
        return " ".join(parts), [cited[i] for i in order]

    def _refusal(
        self,
        query: str,
        evidence: list[Evidence],
        timings: dict[str, float],
        clock: float,
        base: dict[str, Any],
        notes: Sequence[str] = (),
    ) -> Answer:
        nearest = [c for c in (verify(e, self._reader) for e in evidence[:3]) if c]
        searched = (
            ", ".join(dict.fromkeys(w for w in _content_words(query) if w.lower() not in _QUESTION_WORDS)) or query
        )
        text = f"{REFUSAL} No passage in the indexed documents answers this (searched for: {searched})."
        timings["total"] = _lap(clock)
        return Answer(text, True, (), timings, nearest=tuple(_citation(c) for c in nearest), notes=tuple(notes), **base)


class ChatSession:
    """A conversation: follow-ups are rewritten into standalone queries from the history."""

    def __init__(self, assistant: Assistant) -> None:
        self._assistant = assistant
        self.history: list[Turn] = []

    def ask(self, question: str, *, mode: str | None = None, passages: int | None = None) -> Answer:
        return _last_answer(self.stream(question, mode=mode, passages=passages))

    def stream(self, question: str, *, mode: str | None = None, passages: int | None = None) -> Iterator[str | Answer]:
        query = self.rewrite(question)
        for item in self._assistant._run(question, query, mode, passages):
            if isinstance(item, Answer):
                self.history.append(Turn(question, item))
            yield item

    def remember(self, question: str) -> None:
        """Replay an earlier question (from a web page's history) without answering it again."""
        query = self.rewrite(question)
        self.history.append(Turn(question, Answer("", False, question=question, query=query)))

    def rewrite(self, question: str) -> str:
        """A standalone query for a follow-up: by the model when configured (ASSISTANT_CHAT_REWRITE=model) and its
        question keeps the follow-up's own words, else by carrying the previous turn's names and topic."""
        by_rules = self.rewrite_by_rules(question)
        if by_rules == question or self._assistant.settings.chat_rewrite != "model":
            return by_rules
        history = "\n".join(f"Q: {t.question}\nA: {t.answer.text[:300]}" for t in self.history[-2:])
        messages = [
            {"role": "user", "content": self._assistant.prompts.render("rewrite", history=history, question=question)}
        ]
        try:
            reply = "".join(self._assistant.llm.stream(messages, 60)).strip().splitlines()
        except AssistantError:
            return by_rules
        candidate = reply[0].strip().strip('"') if reply else ""
        keeps_own_words = set(terms(question)) <= set(terms(candidate))
        return candidate if candidate and len(candidate) <= 300 and keeps_own_words else by_rules

    def rewrite_by_rules(self, question: str) -> str:
        """Carry the previous turn's names, and for an elliptical follow-up its topic, into the query."""
        if not self.history:
            return question
        previous = self.history[-1].answer.query or self.history[-1].question
        own = set(terms(question))
        elliptical = len(own) <= 2
        if not (elliptical or _ANAPHORA.search(question)):
            return question
        words = _content_words(previous)
        carried = [
            w for i, w in enumerate(words) if (elliptical or (w[0].isupper() and i > 0)) and not set(terms(w)) <= own
        ]
        return f"{question.rstrip()} ({' '.join(carried)})" if carried else question


def _content_words(text: str) -> list[str]:
    base = re.sub(r"\s*\((.*)\)\s*$", r" \1", text)  # what an earlier turn carried is carried on
    return list(dict.fromkeys(w for w in re.findall(r"[A-Za-z0-9][\w'-]*", base) if terms(w)))


def clean_question(question: str, limit: int | None) -> str:
    """Control characters and lone surrogates removed; empty or oversize questions are refused clearly."""
    if not isinstance(question, str):
        raise BadInput("the question must be text")
    text = question.encode("utf-8", "ignore").decode("utf-8")
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", " ", text)  # terminal colour codes pasted along with a question
    text = "".join(ch if ch.isspace() or unicodedata.category(ch)[0] != "C" else " " for ch in text)
    text = normalize(text).text.replace("\n", " ").strip()
    if not text:
        raise BadInput("the question is empty; type a question about the documents")
    if limit is not None and len(text) > limit:
        raise BadInput(
            f"the question is {len(text):,} characters long; the limit is {limit:,} (ASSISTANT_MAX_QUESTION_CHARS)"
        )
    return text


def _citation(cited: Cited) -> Citation:
    ev = cited.evidence
    return Citation(ev.source, ev.title, cited.quote, ev.start, ev.end, round(ev.score, 4), ev.date)


def _lap(clock: float) -> float:
    return (time.perf_counter() - clock) * 1000.0


def _last_answer(items: Iterator[str | Answer]) -> Answer:
    answer = None
    for item in items:
        if isinstance(item, Answer):
            answer = item
    if answer is None:  # every path of _run ends with an Answer
        raise AssistantError("internal error: no answer was produced")
    return answer
