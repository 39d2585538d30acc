"""Sync is exact: random adds, edits, deletes and renames, each followed by ingest and a reopened store."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from assistant import Assistant, Settings
from assistant.backends.embeddings import HashEmbedder
from assistant.backends.tokenizer import get_tokenizer
from assistant.config import ChunkSettings
from assistant.documents import read_document
from assistant.ingest import chunk_document

SENTENCES = [
    "The convoy left Kidal at dawn.",
    "Drones struck a base near Gao.",
    "Farmers reported a large harvest.",
    "The river rose after heavy rain.",
    "Officials met in Bamako on Monday.",
    "Prices fell at the market.",
    "A school reopened in Mopti.",
    "Talks resumed after a long pause.",
]
NAMES = ["a.txt", "b.txt", "c.md", "notes/d.txt", "notes/e.md"]
texts = st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=12).map(" ".join)
CHUNKING = ChunkSettings(size_tokens=24, overlap_tokens=6)  # small chunks: several per file


class CorpusSync(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="sync-"))
        self.corpus = self.root / "corpus"
        self.corpus.mkdir()
        self.settings = Settings(corpus_dir=self.corpus, data_dir=self.root / "data", chunk=CHUNKING)
        self.synced = True

    def files(self) -> list[Path]:
        return sorted(p for p in self.corpus.rglob("*") if p.is_file())

    @rule(name=st.sampled_from(NAMES), text=texts)
    def write(self, name: str, text: str) -> None:
        path = self.corpus / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.synced = False

    @precondition(lambda self: bool(self.files()))
    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        data.draw(st.sampled_from(self.files())).unlink()
        self.synced = False

    @precondition(lambda self: bool(self.files()))
    @rule(data=st.data(), new=st.sampled_from(NAMES))
    def rename(self, data: st.DataObject, new: str) -> None:
        old = data.draw(st.sampled_from(self.files()))
        target = self.corpus / new
        target.parent.mkdir(parents=True, exist_ok=True)
        old.replace(target)
        self.synced = False

    @rule()
    def ingest(self) -> None:
        report = Assistant(self.settings, embedder=HashEmbedder()).ingest()
        assert not report.skipped
        self.synced = True

    @invariant()
    def store_matches_the_corpus(self) -> None:
        if not self.synced:
            return
        reopened = Assistant(self.settings, embedder=HashEmbedder())  # a fresh facade and client on the same data
        tokenizer = get_tokenizer(CHUNKING.tokenizer)
        expected = set()
        for path in self.files():
            doc, _ = read_document(path, self.corpus, self.settings.ingest)
            expected |= {(c.id, c.text) for c in chunk_document(doc, tokenizer, CHUNKING)}
        stored = {(c.id, c.text) for c in reopened.index.all_chunks()}
        assert stored == expected
        assert reopened.index.count() == len(expected)
        for chunk in reopened.index.all_chunks():  # retrievable: found by its own vector, with the best similarity
            hits = reopened.index.query(reopened.embedder.embed([chunk.text])[0], len(expected))
            assert chunk.id in {c.id for c, similarity in hits if similarity > 0.999}

    def teardown(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


CorpusSync.TestCase.settings = settings(
    max_examples=25, stateful_step_count=10, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
test_sync_is_exact = CorpusSync.TestCase
