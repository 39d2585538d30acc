"""Crash safety: an ingest killed with SIGKILL at random points leaves a store that opens, passes SQLite's
integrity check, and converges to the state of a clean run on the next ingest."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.backends.embeddings import HashEmbedder

pytestmark = pytest.mark.slow
SEEDS = range(20)
WORDS = "convoy drone harvest river market school talks council border north rain prices".split()


def make_corpus(folder: Path, files: int = 160) -> None:
    rng = random.Random(7)
    folder.mkdir(parents=True)
    for i in range(files):
        sentences = [" ".join(rng.choices(WORDS, k=12)).capitalize() + "." for _ in range(rng.randint(8, 20))]
        (folder / f"doc{i:03d}.txt").write_text(" ".join(sentences), encoding="utf-8")


def ingest_process(corpus: Path, data: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "ASSISTANT_CORPUS_DIR": str(corpus),
        "ASSISTANT_DATA_DIR": str(data),
        "ASSISTANT_EMBED__BACKEND": "hash",
        "ASSISTANT_INGEST__BATCH_SIZE": "8",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "assistant", "ingest", "--quiet"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def stored(corpus: Path, data: Path) -> set[tuple[str, str]]:
    assistant = Assistant(Settings(corpus_dir=corpus, data_dir=data), embedder=HashEmbedder())
    return {(c.id, c.text) for c in assistant.index.all_chunks()}


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[tuple[str, str]], float]:
    root = tmp_path_factory.mktemp("crash")
    make_corpus(root / "corpus")
    began = time.monotonic()
    process = ingest_process(root / "corpus", root / "clean")
    assert process.wait(timeout=300) == 0, process.stderr.read() if process.stderr else ""
    return root / "corpus", stored(root / "corpus", root / "clean"), time.monotonic() - began


@pytest.mark.parametrize("seed", SEEDS)
def test_a_killed_ingest_converges_on_the_next_run(clean, tmp_path: Path, seed: int):
    corpus, expected, full_seconds = clean
    data = tmp_path / "data"
    process = ingest_process(corpus, data)
    time.sleep(random.Random(seed).uniform(0.5, full_seconds))
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)

    database = data / "chroma" / "chroma.sqlite3"
    if database.exists():  # killed before Chroma created it: nothing to check yet
        with sqlite3.connect(database) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    assistant = Assistant(Settings(corpus_dir=corpus, data_dir=data), embedder=HashEmbedder())
    assistant.ingest()
    assert stored(corpus, data) == expected
    assert assistant.ingest().chunks_embedded == 0


class FailingEmbedder(HashEmbedder):
    """Fails on one file's text, as a model can on a bad input."""

    def embed(self, texts):  # type: ignore[no-untyped-def]
        if any("poison" in t for t in texts):
            raise RuntimeError("embedding failed")
        return super().embed(texts)


def test_a_file_whose_embedding_failed_is_not_recorded_as_done(tmp_path: Path):
    corpus = tmp_path / "corpus"
    make_corpus(corpus, files=3)
    (corpus / "zz-bad.txt").write_text("This poison text breaks the embedder.", encoding="utf-8")
    settings = Settings(corpus_dir=corpus, data_dir=tmp_path / "data")
    with pytest.raises(RuntimeError):
        Assistant(settings, embedder=FailingEmbedder()).ingest()
    again = Assistant(settings, embedder=HashEmbedder()).ingest()
    assert "zz-bad.txt" in again.added
    assert "zz-bad.txt" in {c.meta.source for c in Assistant(settings, embedder=HashEmbedder()).index.all_chunks()}
