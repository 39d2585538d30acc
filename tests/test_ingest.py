from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from assistant import Assistant, IndexMismatch, Settings, documents, ingest
from assistant.backends.tokenizer import get_tokenizer
from assistant.config import ChunkSettings, IngestSettings
from assistant.documents import read_document
from assistant.errors import IndexLocked
from assistant.ingest import chunk_document, writer_lock
from assistant.text import normalize
from assistant.words import terms

from .conftest import CORPUS, CountingEmbedder


def stored_sources(assistant: Assistant) -> set[str]:
    return {c.meta.source for c in assistant.index.all_chunks()}


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt")), ids=lambda p: p.name)
def test_chunks_know_their_spans_in_the_original_file(path: Path):
    doc, _ = read_document(path, CORPUS, IngestSettings())
    settings = ChunkSettings(size_tokens=80, overlap_tokens=20)
    tokenizer = get_tokenizer("cl100k_base")
    chunks = chunk_document(doc, tokenizer, settings)
    assert len(chunks) > 1
    for chunk in chunks:
        assert tokenizer.count(chunk.text) <= settings.size_tokens + 2  # joining spaces may merge tokens
        for sentence, start, end in chunk.sentences():
            assert normalize(doc.text[start:end]).text == sentence
    pieces = sorted({(start, end, text) for c in chunks for text, start, end in c.sentences()})
    assert " ".join(text for _, _, text in pieces) == " ".join(normalize(doc.text, doc.body_start).text.split())
    # consecutive chunks overlap by whole sentences
    assert chunks[0].sentences()[-1] == chunks[1].sentences()[0]


def test_date_line_and_sidecar_become_metadata():
    doc, _ = read_document(CORPUS / "002_e9b768363e827ad0.txt", CORPUS, IngestSettings())
    assert doc.date == "2024-03-30"
    assert doc.title == json.loads((CORPUS / "002_e9b768363e827ad0.txt.meta.json").read_text())["title"]
    assert doc.text[doc.body_start :].startswith("Last night")


def test_second_ingest_embeds_nothing(fast: Assistant):
    first = fast.ingest()
    assert len(first.added) == 3 and first.chunks_embedded > 0
    embedded = fast.embedder.embedded
    second = fast.ingest()
    assert fast.embedder.embedded == embedded
    assert second.chunks_embedded == 0 and len(second.unchanged) == 3
    assert "unchanged 3" in second.summary()


@pytest.mark.parametrize("lost", ["first", "last"])
def test_a_file_missing_a_chunk_is_redone(fast: Assistant, lost: str):
    fast.ingest()
    ids = sorted(i for i in fast.index.ids() if i.startswith("000_"))
    complete = fast.index.count()
    fast.index.delete([ids[0] if lost == "first" else ids[-1]])  # as after a crash between two writes
    again = fast.ingest()
    assert again.updated == ("000_a58b146e5f1983c4.txt",) and len(again.unchanged) == 2
    assert fast.index.count() == complete and fast.ingest().chunks_embedded == 0


def test_files_with_an_unchanged_stamp_are_not_even_read(fast: Assistant, corpus: Path, monkeypatch):
    time.sleep(documents.RECENT_S)  # the corpus copy was just written: too recent to trust its stamp
    fast.ingest()
    reads: list[Path] = []
    read = ingest.read_document
    monkeypatch.setattr(ingest, "read_document", lambda path, *a: reads.append(path) or read(path, *a))
    again = fast.ingest()
    assert len(again.unchanged) == 3 and reads == []

    # same size, modification time put back: the change time still gives the rewrite away
    target = corpus / "001_5a4d66a80f18d492.txt"
    before = target.stat()
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("Tinzaouaten", "Tinzaouatin", 1), encoding="utf-8")
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert target.stat().st_size == before.st_size and target.stat().st_mtime_ns == before.st_mtime_ns
    changed = fast.ingest()
    assert changed.updated == ("001_5a4d66a80f18d492.txt",) and reads == [target]
    assert any("Tinzaouatin" in c.text for c in fast.index.all_chunks())


def test_stored_vectors_come_back_in_the_order_asked(fast: Assistant):
    fast.ingest()
    ids = fast.index.ids()[::-1][:5]
    chunks = fast.index.get(ids)
    expected = {c.id: v for c, v in zip(chunks, fast.embedder.embed([c.text for c in chunks]), strict=True)}
    for cid, vector in zip(ids, fast.index.vectors(ids), strict=True):
        assert max(abs(a - b) for a, b in zip(vector, expected[cid], strict=True)) < 1e-5


def test_changed_file_is_replaced_and_deleted_file_disappears(fast: Assistant, corpus: Path):
    fast.ingest()
    before = fast.index.count()
    target = corpus / "001_5a4d66a80f18d492.txt"
    target.write_text("A short replacement article about a harvest festival in Gao.", encoding="utf-8")
    report = fast.ingest()
    assert report.updated == ("001_5a4d66a80f18d492.txt",) and len(report.unchanged) == 2
    texts = [c.text for c in fast.index.all_chunks() if c.meta.source == target.name]
    assert texts == ["A short replacement article about a harvest festival in Gao."]
    assert fast.index.count() < before

    (corpus / "000_a58b146e5f1983c4.txt").unlink()
    report = fast.ingest()
    assert report.deleted == ("000_a58b146e5f1983c4.txt",)
    assert "000_a58b146e5f1983c4.txt" not in stored_sources(fast)
    hits = fast.retriever.retrieve("Wagner convoy Kidal Tinzaouatene bodies recovered", 20)
    assert all(c.meta.source != "000_a58b146e5f1983c4.txt" for c, _ in hits)


def test_a_name_typed_without_its_accents_finds_the_text_that_writes_them(fast: Assistant, corpus: Path):
    (corpus / "yuan.md").write_text("# Yuan\n\nYesün Temür died in Shangdu in 1328.\n", encoding="utf-8")
    fast.ingest()
    for typed in ("Yesun Temur", "Yesün Temür", "yesun temur"):
        found = fast.retriever.keywords.search(terms(typed), 1)  # the word search alone: "Yesün" is not "Yes" + "n"
        assert found and found[0][0].startswith("yuan.md"), typed
    # and the names an answer's evidence must hold are read the same way, or "Börte" would be missing from "Börte"
    assert [st for _, st in fast.retriever.required_terms("Where did Yesün Temür die?")] == terms("Yesun Temur")
    # a typing slip inside such a name is corrected to the documents' spelling, accents and all
    assert fast.retriever.correct("Where did Yesün Temürr die?") == "Where did Yesün Temür die?"
    assert fast.retriever.correct("where did yesun temurr die") == "where did yesun temür die"


def test_new_file_is_added_and_retrievable(fast: Assistant, corpus: Path):
    fast.ingest()
    (corpus / "notes.md").write_text("# Harvest\n\nThe millet harvest in Gao doubled this year.\n", encoding="utf-8")
    report = fast.ingest()
    assert report.added == ("notes.md",)
    top, _ = fast.retriever.retrieve("millet harvest Gao", 1)[0]
    assert top.meta.source == "notes.md"


def test_other_configuration_is_a_clear_error_until_rebuild(settings: Settings, corpus: Path, caplog):
    Assistant(settings, embedder=CountingEmbedder()).ingest()
    other = settings.model_copy(update={"chunk": ChunkSettings(size_tokens=64, overlap_tokens=8)})
    # a file the index holds is gone from disk: a rebuild would lose it, so it is asked for, and nothing changes
    gone = corpus / "000_a58b146e5f1983c4.txt"
    kept = gone.read_bytes()
    gone.unlink()
    mismatch = (
        r"chunk_size: index has 160, settings say 64.*assistant ingest --rebuild.*000_a58b146e5f1983c4.txt no longer"
    )
    with pytest.raises(IndexMismatch, match=mismatch):
        Assistant(other, embedder=CountingEmbedder()).ask("who recovered the bodies?")
    with pytest.raises(IndexMismatch):
        Assistant(other, embedder=CountingEmbedder()).ingest()
    assert "000_a58b146e5f1983c4.txt" in {
        d["source"] for d in Assistant(settings, embedder=CountingEmbedder()).documents()
    }
    # every file on disk: the index is rebuilt with the current settings when it is next used, and says so
    gone.write_bytes(kept)
    answer = Assistant(other, embedder=CountingEmbedder()).ask("who recovered the bodies?")
    assert answer.text and "rebuilding it from its files, all still on disk" in caplog.text
    reopened = Assistant(other, embedder=CountingEmbedder())
    assert len(reopened.documents()) == 3 and reopened.index.count() > 0  # opens cleanly now
    report = reopened.ingest(rebuild=True)
    assert len(report.added) == 3


def test_an_outdated_index_is_rebuilt_under_the_same_names(settings: Settings, corpus: Path, tmp_path: Path):
    (corpus / "sub").mkdir()
    (corpus / "sub" / "note.txt").write_text("The sorghum harvest near Gao was the largest.", encoding="utf-8")
    alone = tmp_path / "elsewhere" / "memo.txt"
    alone.parent.mkdir()
    alone.write_text("A memo about the millet harvest in Mopti.", encoding="utf-8")
    (alone.parent / "never.txt").write_text("A file in the same folder that was never indexed.", encoding="utf-8")
    first = Assistant(settings, embedder=CountingEmbedder())
    first.ingest()
    first.ingest([alone])
    names = {(d["path"], d["source"]) for d in first.documents()}
    other = settings.model_copy(update={"chunk": ChunkSettings(size_tokens=64, overlap_tokens=8)})
    again = Assistant(other, embedder=CountingEmbedder())
    again.ensure_index()
    assert {(d["path"], d["source"]) for d in again.documents()} == names  # "sub/note.txt", not "note.txt"
    assert "never.txt" not in {d["source"] for d in again.documents()}


def test_bad_files_are_skipped_with_reasons_and_the_rest_ingested(fast: Assistant, corpus: Path, tmp_path: Path):
    (corpus / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR")
    (corpus / "empty.txt").write_text("   \n", encoding="utf-8")
    (corpus / "latin.txt").write_bytes("Le caf\u00e9 \u201cpr\u00e8s\u201d de Gao a ferm\u00e9.".encode("cp1252"))
    (corpus / "huge.txt").write_bytes(b"word " * (1024 * 1024 // 5 + 10))
    outside = tmp_path / "secret.txt"
    outside.write_text("outside the corpus", encoding="utf-8")
    os.symlink(outside, corpus / "link.txt")
    fast.settings = fast.settings.model_copy(update={"ingest": IngestSettings(max_file_mb=1)})
    report = fast.ingest()
    reasons = {s.path: s.reason for s in report.skipped}
    assert "binary" in reasons["image.txt"]
    assert "empty" in reasons["empty.txt"]
    assert "over the 1 MB limit" in reasons["huge.txt"]
    assert "outside the corpus" in reasons["link.txt"]
    # shown as "skipped: image.txt: looks binary …": the reason does not repeat the name or the word "skipped"
    assert not any(path in reason or reason.endswith("skipped") for path, reason in reasons.items()), reasons
    assert set(report.added) == {p.name for p in CORPUS.glob("*.txt")} | {"latin.txt"}
    assert not any("outside the corpus" in c.text for c in fast.index.all_chunks())


def test_a_file_that_turns_unreadable_keeps_its_indexed_text(fast: Assistant, corpus: Path):
    fast.ingest()
    before = fast.index.count()
    (corpus / "001_5a4d66a80f18d492.txt").write_bytes(b"\x00\x01binary now")
    report = fast.ingest()
    assert [s.path for s in report.skipped] == ["001_5a4d66a80f18d492.txt"]
    assert fast.index.count() == before


def test_a_second_writer_fails_fast(settings: Settings):
    with writer_lock(settings.data_dir):
        with pytest.raises(IndexLocked, match=f"locked by PID {os.getpid()}"):
            Assistant(settings, embedder=CountingEmbedder()).ingest()


def test_ingest_of_a_missing_path_is_a_clear_error(fast: Assistant, tmp_path: Path):
    from assistant import BadInput

    with pytest.raises(BadInput, match="does not exist"):
        fast.ingest([tmp_path / "nowhere"])


def test_the_keyword_index_is_cached_and_follows_the_sync(settings: Settings, corpus: Path, monkeypatch):
    from assistant.index import ChunkIndex

    Assistant(settings, embedder=CountingEmbedder()).ingest()
    caches = list(settings.data_dir.glob("keywords-*.json"))
    assert len(caches) == 1
    cached = json.loads(caches[0].read_text())
    fresh = Assistant(settings, embedder=CountingEmbedder())
    assert sorted(cached["ids"]) == sorted(fresh.index.ids())

    fetched: list[list[str]] = []
    original_get = ChunkIndex.get
    monkeypatch.setattr(ChunkIndex, "get", lambda self, ids: fetched.append(list(ids)) or original_get(self, ids))
    assert len(fresh.retriever.keywords) == fresh.index.count()
    assert fetched == [[]]  # a new process stems nothing: every chunk's tokens come from the cache

    (corpus / "notes.md").write_text("The millet harvest in Gao doubled this year.", encoding="utf-8")
    fetched.clear()
    fresh.ingest()
    assert [len(ids) for ids in fetched][:1] == [1]  # only the new chunk was read and stemmed
    top_id, _ = fresh.retriever.keywords.search(["millet"], 1)[0]
    assert top_id.startswith("notes.md::")


def test_a_running_assistant_sees_what_another_process_ingested(settings: Settings, corpus: Path):
    import os
    import subprocess
    import sys

    from assistant.backends.embeddings import HashEmbedder

    running = Assistant(settings, embedder=HashEmbedder())
    running.ingest()
    assert running.retriever.retrieve("sorghum harvest Gao record", 3)  # the store is open and in memory
    (corpus / "sorghum.txt").write_text("The sorghum harvest in Gao set a record this year.", encoding="utf-8")
    env = {
        **os.environ,
        "ASSISTANT_CORPUS_DIR": str(corpus),
        "ASSISTANT_DATA_DIR": str(settings.data_dir),
        "ASSISTANT_EMBED__BACKEND": "hash",
    }
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "ingest", "--quiet"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0 and "added 1" in result.stdout, result.stderr
    answer = running.ask("sorghum harvest in Gao set a record")
    assert any(c.source == "sorghum.txt" for c in answer.citations + answer.nearest)


def test_a_file_without_metadata_is_titled_by_its_own_heading(fast: Assistant):
    corpus = fast.settings.corpus_dir
    (corpus / "report.md").write_text("# Harvest report\n\nThe sorghum harvest doubled.", encoding="utf-8")
    (corpus / "story.txt").write_text("Sorghum harvest doubles near Gao\n\nFarmers said so.", encoding="utf-8")
    (corpus / "note.txt").write_text("The sorghum harvest near Gao was the largest.", encoding="utf-8")
    fast.ingest()
    titles = {d["source"]: d["title"] for d in fast.documents()}
    assert titles["report.md"] == "Harvest report" and titles["story.txt"] == "Sorghum harvest doubles near Gao"
    assert titles["note.txt"] == "note"  # a sentence is not a title: the file name stays


def test_an_index_from_before_the_cosine_space_asks_for_a_rebuild(fast: Assistant):
    import chromadb

    from assistant.backends.tokenizer import get_tokenizer as tokenizer_of
    from assistant.index import FINGERPRINT_PREFIX

    fast.ingest()
    old = {
        FINGERPRINT_PREFIX + k: v
        for k, v in ingest.fingerprint(fast.embedder, tokenizer_of("cl100k_base"), fast.settings.chunk).items()
        if k != "space"
    }
    client = chromadb.PersistentClient(path=str(fast.settings.data_dir / "old"))
    made = client.create_collection(
        fast.settings.store.collection, metadata=old
    )  # Chroma's default space, L2, as indexes used to be
    made.add(ids=["a::0::0"], embeddings=[[0.0] * fast.embedder.dimension], documents=["x"], metadatas=[{"k": 1}])
    with pytest.raises(IndexMismatch, match="space: index has None, settings say 'cosine'"):
        Assistant(fast.settings, embedder=fast.embedder, client=client).documents()
