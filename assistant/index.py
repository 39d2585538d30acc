"""The chunk collection in Chroma, with the fingerprint of what built it.

Chroma is the single record of what is indexed: each chunk carries its file's hash and chunk count,
so sync state is read back from the store itself and a half-written file is seen as incomplete.
This module owns the chunk's shape: its id (written and parsed here only) and its typed metadata.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from .errors import BackendUnavailable, IndexMismatch

FINGERPRINT_PREFIX = "fp_"
_ID_SEPARATOR = "::"


def chunk_id(source: str, sha: str, ordinal: int) -> str:
    """File, version and place in one id, so that sync state can be read from ids alone."""
    return f"{source}{_ID_SEPARATOR}{sha[:16]}{_ID_SEPARATOR}{ordinal}"


def parse_chunk_id(cid: str) -> tuple[str, str, int]:
    """(source, the first 16 characters of the file's hash, ordinal) of a ``chunk_id``."""
    source, sha16, ordinal = cid.rsplit(_ID_SEPARATOR, 2)
    return source, sha16, int(ordinal)


@dataclass(frozen=True)
class ChunkMeta:
    """What Chroma stores beside each chunk's text (flat scalars: Chroma filters on them)."""

    source: str  # path relative to the ingest root, as shown in citations
    root: str
    path: str
    title: str
    date: str
    sha: str  # the file's hash (with its sidecar), so a re-ingest can tell whether it changed
    stamp: str  # the file's size, times and inode when read (see documents.file_stamp)
    n_chunks: int
    ordinal: int
    start: int  # the chunk's span in the original file
    end: int
    spans: str  # JSON list of [original start, original end, normalised length], one per sentence

    @classmethod
    def from_store(cls, meta: dict[str, Any]) -> ChunkMeta:
        return cls(**{name: meta.get(name, "") for name in cls.__dataclass_fields__})  # type: ignore[arg-type]

    def to_store(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Chunk:
    id: str
    text: str  # normalised text that is embedded and searched
    meta: ChunkMeta

    def sentences(self) -> list[tuple[str, int, int]]:
        """(normalised sentence, original start, original end) for each sentence of the chunk."""
        out, pos = [], 0
        for ostart, oend, length in json.loads(self.meta.spans):
            out.append((self.text[pos : pos + length], ostart, oend))
            pos += length + 1
        return out


@dataclass(frozen=True)
class FileState:
    sha: str
    n_chunks: int
    ids: tuple[str, ...]
    stamp: str = ""  # the file's stamp when it was last read (see documents.file_stamp)

    @property
    def complete(self) -> bool:
        """Every chunk of one version of the file is stored."""
        return len(self.ids) == self.n_chunks and {parse_chunk_id(i)[1] for i in self.ids} == {self.sha[:16]}


def _wrap(exc: Exception, what: str) -> BackendUnavailable:
    return BackendUnavailable(f"the Chroma store failed while {what}: {type(exc).__name__}: {exc}")


class ChunkIndex:
    def __init__(self, client: Any, name: str, fingerprint: dict[str, str | int], *, verify: bool = True) -> None:
        self._client = client
        self._name = name
        self.fingerprint = {FINGERPRINT_PREFIX + k: v for k, v in fingerprint.items()}
        try:
            self._collection = client.get_or_create_collection(name, **self._creation())
        except Exception as exc:
            raise _wrap(exc, "opening the collection") from exc
        if verify:  # a rebuild opens without the check: it is about to drop everything
            self._check_fingerprint()

    def _creation(self) -> dict[str, Any]:
        # cosine space, and no embedding function: vectors always come from this project's embedder, so Chroma
        # never loads (or downloads) a default model of its own
        space = {"hnsw": {"space": "cosine"}}
        return {"metadata": self.fingerprint, "configuration": space, "embedding_function": None}

    def _check_fingerprint(self) -> None:
        stored = {k: v for k, v in (self._collection.metadata or {}).items() if k.startswith(FINGERPRINT_PREFIX)}
        if stored == self.fingerprint:
            return
        if self.count() == 0:  # nothing to lose: made again, so its space is the current one too
            self.reset()
            return
        diff = ", ".join(
            f"{k[len(FINGERPRINT_PREFIX) :]}: index has {stored.get(k)!r}, settings say {v!r}"
            for k, v in self.fingerprint.items()
            if stored.get(k) != v
        )
        raise IndexMismatch(
            f"the index {self._name!r} was built with a different configuration ({diff}); "
            "run `assistant ingest --rebuild` to rebuild it with the current settings"
        )

    def reset(self) -> None:
        """Drop every chunk and start again with the current fingerprint."""
        try:
            self._client.delete_collection(self._name)
            self._collection = self._client.create_collection(self._name, **self._creation())
        except Exception as exc:
            raise _wrap(exc, "rebuilding the collection") from exc

    def count(self) -> int:
        try:
            return int(self._collection.count())
        except Exception as exc:
            raise _wrap(exc, "counting chunks") from exc

    def file_states(self, root: str) -> dict[str, FileState]:
        # Ids of every chunk, metadata of each file's first chunk only: reading all metadata (sentence spans
        # included) costs seconds on a large corpus, and ids already say which file and version a chunk is.
        try:
            ids = self._collection.get(where={"root": root}, include=[])["ids"]
            firsts = self._collection.get(where={"$and": [{"root": root}, {"ordinal": 0}]}, include=["metadatas"])
        except Exception as exc:
            raise _wrap(exc, "reading the sync state") from exc
        grouped: dict[str, list[str]] = {}
        for cid in ids:
            grouped.setdefault(parse_chunk_id(cid)[0], []).append(cid)
        heads: dict[str, list[dict[str, Any]]] = {}
        for meta in firsts["metadatas"]:
            heads.setdefault(str(meta["source"]), []).append(meta)
        states = {}
        for source, chunk_ids in grouped.items():
            head = heads.get(source, [])
            # no first chunk, or two versions' first chunks: the file was half-written and is redone
            first: dict[str, Any] = head[0] if len(head) == 1 else {"sha": "", "n_chunks": 0}
            states[source] = FileState(
                str(first["sha"]), int(first["n_chunks"]), tuple(chunk_ids), str(first.get("stamp") or "")
            )
        return states

    def upsert(self, chunks: Sequence[Chunk], vectors: Sequence[Sequence[float]]) -> None:
        step = max(1, int(self._client.get_max_batch_size()))
        try:
            for i in range(0, len(chunks), step):
                part = chunks[i : i + step]
                self._collection.upsert(
                    ids=[c.id for c in part],
                    documents=[c.text for c in part],
                    metadatas=[c.meta.to_store() for c in part],
                    embeddings=[list(v) for v in vectors[i : i + step]],
                )
        except Exception as exc:
            raise _wrap(exc, "writing chunks") from exc

    def set_stamps(self, stamps: dict[str, str]) -> None:
        """Record new file stamps on files' first chunks (Chroma merges the key into their metadata)."""
        if not stamps:
            return
        ids = list(stamps)
        step = max(1, int(self._client.get_max_batch_size()))
        try:
            for i in range(0, len(ids), step):
                part = ids[i : i + step]
                self._collection.update(ids=part, metadatas=[{"stamp": stamps[cid]} for cid in part])
        except Exception as exc:
            raise _wrap(exc, "recording file stamps") from exc

    def delete(self, ids: Sequence[str]) -> None:
        if not ids:
            return
        try:
            self._collection.delete(ids=list(ids))
        except Exception as exc:
            raise _wrap(exc, "deleting chunks") from exc

    def documents(self) -> dict[str, dict[str, Any]]:
        """One entry per indexed file: its metadata (from its first chunk) and its chunk count."""
        try:
            got = self._collection.get(include=["metadatas"])
        except Exception as exc:
            raise _wrap(exc, "listing documents") from exc
        docs: dict[str, dict[str, Any]] = {}
        for meta in got["metadatas"]:
            entry = docs.setdefault(str(meta["path"]), {**meta, "chunks": 0})
            entry["chunks"] += 1
        return docs

    def path_of(self, source: str) -> str | None:
        """The file behind an indexed source name (one chunk's metadata, not the whole collection's)."""
        try:
            got = self._collection.get(where={"source": source}, limit=1, include=["metadatas"])
        except Exception as exc:
            raise _wrap(exc, "finding a document") from exc
        return str(got["metadatas"][0]["path"]) if got["metadatas"] else None

    def indexed_sources(self, names: Sequence[str]) -> set[str]:
        """Those of ``names`` that are indexed source names (their chunks' metadata only, not the collection's)."""
        try:
            got = self._collection.get(where={"source": {"$in": list(names)}}, include=["metadatas"])
        except Exception as exc:
            raise _wrap(exc, "finding documents") from exc
        return {str(meta["source"]) for meta in got["metadatas"]}

    def delete_path(self, path: str) -> None:
        try:
            self._collection.delete(where={"path": path})
        except Exception as exc:
            raise _wrap(exc, "deleting a document") from exc

    def ids(self) -> list[str]:
        try:
            return list(self._collection.get(include=[])["ids"])
        except Exception as exc:
            raise _wrap(exc, "listing chunk ids") from exc

    def get(self, ids: Sequence[str]) -> list[Chunk]:
        if not ids:
            return []
        try:
            got = self._collection.get(ids=list(ids), include=["documents", "metadatas"])
        except Exception as exc:
            raise _wrap(exc, "reading chunks") from exc
        return _chunks(got["ids"], got["documents"], got["metadatas"])

    def vectors(self, ids: Sequence[str]) -> list[list[float]]:
        """The stored embeddings of ``ids``, in that order (copying an index without embedding again)."""
        if not ids:
            return []
        try:
            got = self._collection.get(ids=list(ids), include=["embeddings"])
        except Exception as exc:
            raise _wrap(exc, "reading vectors") from exc
        by_id = dict(zip(got["ids"], got["embeddings"], strict=True))
        return [[float(x) for x in by_id[i]] for i in ids]

    def all_chunks(self) -> list[Chunk]:
        try:
            got = self._collection.get(include=["documents", "metadatas"])
        except Exception as exc:
            raise _wrap(exc, "reading chunks") from exc
        return _chunks(got["ids"], got["documents"], got["metadatas"])

    def opening_chunks(self, limit: int) -> list[Chunk]:
        """The first chunk of up to ``limit`` documents (what a large collection's overview reads)."""
        try:
            got = self._collection.get(where={"ordinal": 0}, limit=limit, include=["documents", "metadatas"])
        except Exception as exc:
            raise _wrap(exc, "reading chunks") from exc
        return _chunks(got["ids"], got["documents"], got["metadatas"])

    def query(self, vector: Sequence[float], k: int, sources: Sequence[str] | None = None) -> list[tuple[Chunk, float]]:
        """Nearest chunks with their cosine similarity (the collection's space is cosine: distance = 1 - cosine); with
        ``sources``, only chunks of those files (a Chroma ``where`` filter)."""
        if k <= 0:
            return []
        where = {"source": {"$in": list(sources)}} if sources else None
        try:
            got = self._collection.query(
                query_embeddings=[list(vector)],
                n_results=k,
                where=where,  # type: ignore[arg-type]
                include=["documents", "metadatas", "distances"],
            )
        except Exception as exc:
            raise _wrap(exc, "searching") from exc
        return [
            (Chunk(i, d, ChunkMeta.from_store(m)), 1.0 - float(dist))
            for i, d, m, dist in zip(
                got["ids"][0], got["documents"][0], got["metadatas"][0], got["distances"][0], strict=True
            )
        ]


def _chunks(ids: Sequence[str], texts: Sequence[str], metas: Sequence[dict[str, Any]]) -> list[Chunk]:
    return [Chunk(i, t, ChunkMeta.from_store(m)) for i, t, m in zip(ids, texts, metas, strict=True)]
