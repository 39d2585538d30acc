"""Normalise (keeping the offset map), chunk by tokens on sentence boundaries, and sync files to the store."""

from __future__ import annotations

import fcntl
import json
import logging
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from .backends.embeddings import Embedder
from .backends.tokenizer import Tokenizer
from .config import ChunkSettings, IngestSettings
from .documents import Document, discover, file_stamp, read_document, shown
from .errors import BadInput, IndexLocked
from .index import Chunk, ChunkIndex, ChunkMeta, chunk_id
from .text import normalize, sentence_spans
from .types import IngestReport, Skipped

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]  # (chunks embedded so far, chunks to embed)
Reading = Callable[[int, int, int], None]  # (files read so far, files to read, PDF pages read so far)
TEXT_VERSION = 3  # bump when normalisation, sentence splitting or chunk packing changes what gets indexed


def fingerprint(embedder: Embedder, tokenizer: Tokenizer, chunking: ChunkSettings) -> dict[str, str | int]:
    """What an index is built with; opening it with anything else is an error that asks for a rebuild."""
    return {
        "embedder": embedder.name,
        "dimension": embedder.dimension,
        "chunk_size": chunking.size_tokens,
        "chunk_overlap": chunking.overlap_tokens,
        "tokenizer": tokenizer.name,
        "text_version": TEXT_VERSION,
        "space": "cosine",  # indexes made before the collection's space was set were L2: they ask for a rebuild
    }


def chunk_document(doc: Document, tokenizer: Tokenizer, settings: ChunkSettings) -> list[Chunk]:
    """Sentences packed into chunks of at most ``size_tokens``; consecutive chunks share whole sentences,
    at least ``overlap_tokens`` of them (one sentence at least, when overlap is on)."""
    norm = normalize(doc.text, doc.body_start)
    pieces: list[tuple[int, int]] = []
    for start, end in sentence_spans(norm.text):
        pieces.extend(_split_long(norm.text, start, end, settings.size_tokens * 3))
    counts = [tokenizer.count(norm.text[s:e]) for s, e in pieces]
    groups: list[tuple[int, int]] = []
    first = 0
    while first < len(pieces):
        last, total = first, counts[first]
        while last + 1 < len(pieces) and total + counts[last + 1] <= settings.size_tokens:
            last += 1
            total += counts[last]
        groups.append((first, last))
        if last + 1 >= len(pieces):
            break
        nxt, overlap = last + 1, 0
        while nxt - 1 > first and overlap < settings.overlap_tokens:  # whole sentences, at least one
            nxt -= 1
            overlap += counts[nxt]
        first = nxt
    chunks = []
    for ordinal, (a, b) in enumerate(groups):
        spans = [(*norm.to_original(s, e), e - s) for s, e in pieces[a : b + 1]]
        text = " ".join(norm.text[s:e] for s, e in pieces[a : b + 1])
        meta = ChunkMeta(
            source=doc.source,
            root=str(doc.root),
            path=str(doc.path),
            title=doc.title,
            date=doc.date,
            sha=doc.sha,
            stamp=doc.stamp,
            n_chunks=len(groups),
            ordinal=ordinal,
            start=spans[0][0],
            end=spans[-1][1],
            spans=json.dumps(spans),
        )
        chunks.append(Chunk(chunk_id(doc.source, doc.sha, ordinal), text, meta))
    return chunks


def _split_long(text: str, start: int, end: int, max_chars: int) -> Iterator[tuple[int, int]]:
    """Cut a run-on "sentence" (a table, a file with no punctuation) at spaces into pieces of ``max_chars``."""
    while end - start > max_chars:
        cut = text.rfind(" ", start + 1, start + max_chars)
        cut = cut if cut > start else start + max_chars
        yield start, cut
        start = cut + 1 if text[cut : cut + 1] == " " else cut
    if end > start:
        yield start, end


@contextmanager
def writer_lock(data_dir: Path) -> Iterator[None]:
    """One writer per data dir: a second ingest fails fast instead of interleaving with the first."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "ingest.lock"
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            owner = handle.read().strip() or "another process"
            raise IndexLocked(
                f"the index at {data_dir} is locked by PID {owner}; wait for that ingest to finish"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            handle.truncate(0)
            fcntl.flock(handle, fcntl.LOCK_UN)


def sync(
    index: ChunkIndex,
    embedder: Embedder,
    tokenizer: Tokenizer,
    targets: Sequence[Path],
    chunking: ChunkSettings,
    settings: IngestSettings,
    progress: Progress | None = None,
    reading: Reading | None = None,
) -> IngestReport:
    """Bring the index in line with the files under ``targets``: unchanged files cost no embedding."""
    began = time.perf_counter()
    added: list[str] = []
    updated: list[str] = []
    deleted: list[str] = []
    unchanged: list[str] = []
    skipped: list[Skipped] = []
    formats: dict[str, int] = {}
    pages = 0
    todo: list[tuple[list[Chunk], tuple[str, ...]]] = []  # new chunks, stale ids to delete once they are stored
    for target in targets:
        root, files, passed_over = discover(target, settings)
        skipped.extend(passed_over)
        states = index.file_states(str(root))
        seen: set[str] = set()
        restamp: dict[str, str] = {}  # first chunk id -> stamp, for files found unchanged by their hash
        for n, path in enumerate(files, 1):
            if reading:
                reading(n - 1, len(files), pages)
            source = path.relative_to(root).as_posix()
            seen.add(source)  # a file that exists but cannot be read keeps what was indexed before
            state = states.get(source)
            if state and state.complete and state.stamp and state.stamp == file_stamp(path):
                unchanged.append(source)  # same size, times and inode: not even read
                continue
            try:
                doc, warning = read_document(path, root, settings)
            except (BadInput, OSError) as exc:  # reported in the summary, not logged as well
                skipped.append(Skipped(source, _reason(str(exc), path.name)))
                continue
            if warning:
                log.warning("%s", warning)
            if state and state.sha == doc.sha and state.complete:
                unchanged.append(source)
                if doc.stamp and doc.stamp != state.stamp:  # touched, or indexed before stamps: skip it next time
                    restamp[chunk_id(source, doc.sha, 0)] = doc.stamp
                continue
            formats[doc.kind] = formats.get(doc.kind, 0) + 1
            pages += doc.pages
            chunks = chunk_document(doc, tokenizer, chunking)
            new_ids = {c.id for c in chunks}
            todo.append((chunks, tuple(i for i in (state.ids if state else ()) if i not in new_ids)))
            (updated if state else added).append(source)
        if reading:
            reading(len(files), len(files), pages)
        index.set_stamps(restamp)
        if target.resolve().is_dir():
            for source, state in states.items():
                if source not in seen:
                    index.delete(state.ids)
                    deleted.append(source)
    total = sum(len(chunks) for chunks, _ in todo)
    done = 0
    if progress:
        progress(0, total)
    batch: list[tuple[list[Chunk], tuple[str, ...]]] = []
    for item in todo:
        batch.append(item)
        if sum(len(c) for c, _ in batch) >= settings.batch_size * 32 or item is todo[-1]:
            done += _store(index, embedder, batch, settings.batch_size, progress, done, total)
            batch = []
    return IngestReport(
        tuple(added),
        tuple(updated),
        tuple(deleted),
        tuple(unchanged),
        tuple(skipped),
        total,
        time.perf_counter() - began,
        formats,
        pages,
    )


def _store(
    index: ChunkIndex,
    embedder: Embedder,
    batch: list[tuple[list[Chunk], tuple[str, ...]]],
    batch_size: int,
    progress: Progress | None,
    done: int,
    total: int,
) -> int:
    """Embed a batch of files together, then write them in one call and drop their stale chunks.

    The embedder gets slices of several model batches, so it can group chunks of similar length (less padding);
    one upsert per batch instead of one per file saves Chroma's per-call cost on corpora of many small files.
    """
    chunks = [c for file_chunks, _ in batch for c in file_chunks]
    vectors: list[list[float]] = []
    step = batch_size * 8
    for i in range(0, len(chunks), step):
        vectors.extend(embedder.embed([c.text for c in chunks[i : i + step]]))
        if progress:
            progress(done + len(vectors), total)
    # New chunks first, stale ones after: a crash in between leaves the old text retrievable, never nothing.
    index.upsert(chunks, vectors)
    index.delete([i for _, stale in batch for i in stale])
    return len(chunks)


def _reason(message: str, name: str) -> str:
    """Why a file was skipped, without its name and a closing "skipped": the report shows both already
    ("skipped: fake.txt: looks binary (NUL bytes)", not "skipped: fake.txt: fake.txt: …; skipped")."""
    message = message.removeprefix(f"{shown(name)}: ")
    return message.removesuffix("; skipped")
