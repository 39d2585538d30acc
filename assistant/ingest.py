"""Read, normalise (keeping the offset map), chunk by tokens on sentence boundaries, hash, sync to the store."""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .backends.embeddings import Embedder
from .backends.tokenizer import Tokenizer
from .config import ChunkSettings, IngestSettings
from .errors import BadInput, IndexLocked
from .index import Chunk, ChunkIndex
from .text import decode, normalize, parse_header, sentence_spans
from .types import IngestReport, Skipped

log = logging.getLogger(__name__)
META_SUFFIX = ".meta.json"
Progress = Callable[[int, int], None]  # (chunks embedded so far, chunks to embed)
RECENT_S = 2.0  # a file written this recently could change again within the clock's resolution: no stamp


@dataclass(frozen=True)
class Document:
    source: str  # path relative to its root, as shown in citations
    path: Path
    root: Path
    text: str  # the original text, exactly as decoded from the file
    title: str
    date: str
    sha: str
    body_start: int  # where the text starts after a metadata header
    stamp: str = ""  # file_stamp() taken before the file was read


def file_stamp(path: Path) -> str:
    """Size, times and inode of a file and of its sidecar; "" when written too recently to be trusted.

    An unchanged stamp lets a re-ingest skip reading and hashing the file, as git and rsync do. The change time
    is part of it because tools that keep a file's modification time cannot set it back.
    """
    parts, latest = [], 0
    for candidate in (path, path.with_name(path.name + META_SUFFIX)):
        try:
            st = candidate.stat()
        except FileNotFoundError:
            parts.append("-")
            continue
        except OSError:
            return ""
        parts.append(f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}")
        latest = max(latest, st.st_mtime_ns, st.st_ctime_ns)
    return "" if time.time() - latest / 1e9 < RECENT_S else "|".join(parts)


def read_document(path: Path, root: Path, settings: IngestSettings) -> tuple[Document, str | None]:
    """The document and an optional warning; ``BadInput`` when it cannot be used."""
    source = path.relative_to(root).as_posix()
    stamp = file_stamp(path)  # before reading: a write after this shows as a new stamp next time
    if path.suffix.lower() not in settings.extensions:
        raise BadInput(
            f"{source}: unsupported type {path.suffix or '(none)'}; supported: {', '.join(settings.extensions)}"
        )
    size = path.stat().st_size
    if size > settings.max_file_mb * 1024 * 1024:
        raise BadInput(
            f"{source}: {size / 1e6:.0f} MB is over the {settings.max_file_mb:g} MB limit "
            "(ASSISTANT_INGEST__MAX_FILE_MB); skipped"
        )
    data = path.read_bytes()
    text, warning = decode(data, source)
    if not text.strip():
        raise BadInput(f"{source}: empty; skipped")
    meta, body_start = parse_header(text)
    sidecar = path.with_name(path.name + META_SUFFIX)
    meta_bytes = sidecar.read_bytes() if sidecar.is_file() else b""
    if meta_bytes:
        try:
            meta = {**meta, **{k: str(v) for k, v in json.loads(meta_bytes).items()}}
        except (ValueError, AttributeError):
            warning = f"{sidecar.name}: not a JSON object; metadata ignored"
    sha = hashlib.sha256(data + b"\0" + meta_bytes).hexdigest()
    title = meta.get("title") or path.stem
    return Document(source, path, root, text, title, meta.get("date", ""), sha, body_start, stamp), warning


def discover(target: Path, settings: IngestSettings) -> tuple[Path, list[Path], list[Skipped]]:
    """The root that sources are named against, the files to read, and what was passed over."""
    target = target.resolve()
    if target.is_file():
        return target.parent, [target], []
    if not target.is_dir():
        raise BadInput(f"{target} does not exist")
    files: list[Path] = []
    skipped: list[Skipped] = []
    for dirpath, dirnames, filenames in os.walk(target):  # os.walk does not follow symlinked folders
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if name.startswith(".") or name.endswith(META_SUFFIX):
                continue
            if path.suffix.lower() not in settings.extensions:
                continue
            if path.is_symlink() and not path.resolve().is_relative_to(target):
                skipped.append(Skipped(path.relative_to(target).as_posix(), "symlink pointing outside the corpus"))
                continue
            files.append(path)
    return target, files, skipped


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
        metadata = {
            "source": doc.source,
            "root": str(doc.root),
            "path": str(doc.path),
            "title": doc.title,
            "date": doc.date,
            "sha": doc.sha,
            "stamp": doc.stamp,
            "n_chunks": len(groups),
            "ordinal": ordinal,
            "start": spans[0][0],
            "end": spans[-1][1],
            "spans": json.dumps(spans),
        }
        chunks.append(Chunk(chunk_id(doc.source, doc.sha, ordinal), text, metadata))
    return chunks


def chunk_id(source: str, sha: str, ordinal: int) -> str:
    """File, version and place in one id, so that sync state can be read from ids alone."""
    return f"{source}::{sha[:16]}::{ordinal}"


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
) -> IngestReport:
    """Bring the index in line with the files under ``targets``: unchanged files cost no embedding."""
    began = time.perf_counter()
    added: list[str] = []
    updated: list[str] = []
    deleted: list[str] = []
    unchanged: list[str] = []
    skipped: list[Skipped] = []
    todo: list[tuple[list[Chunk], tuple[str, ...]]] = []  # new chunks, stale ids to delete once they are stored
    for target in targets:
        root, files, passed_over = discover(target, settings)
        skipped.extend(passed_over)
        states = index.file_states(str(root))
        seen: set[str] = set()
        restamp: dict[str, str] = {}  # first chunk id -> stamp, for files found unchanged by their hash
        for path in files:
            source = path.relative_to(root).as_posix()
            seen.add(source)  # a file that exists but cannot be read keeps what was indexed before
            state = states.get(source)
            if state and state.complete and state.stamp and state.stamp == file_stamp(path):
                unchanged.append(source)  # same size, times and inode: not even read
                continue
            try:
                doc, warning = read_document(path, root, settings)
            except (BadInput, OSError) as exc:
                skipped.append(Skipped(source, str(exc)))
                log.warning("%s", exc)
                continue
            if warning:
                log.warning("%s", warning)
            if state and state.sha == doc.sha and state.complete:
                unchanged.append(source)
                if doc.stamp and doc.stamp != state.stamp:  # touched, or indexed before stamps: skip it next time
                    restamp[chunk_id(source, doc.sha, 0)] = doc.stamp
                continue
            chunks = chunk_document(doc, tokenizer, chunking)
            new_ids = {c.id for c in chunks}
            todo.append((chunks, tuple(i for i in (state.ids if state else ()) if i not in new_ids)))
            (updated if state else added).append(source)
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
