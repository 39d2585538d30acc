"""Corpus walking never hangs, loops or crashes: every special path is skipped with its reason, quickly."""

from __future__ import annotations

import os
import socket
import stat
import time
from pathlib import Path

import pytest

from assistant import Assistant
from assistant.cli import main
from assistant.config import IngestSettings
from assistant.documents import discover, read_document

SETTINGS = IngestSettings()


def special_corpus(root: Path) -> dict[str, str]:
    """A corpus folder holding one good file and one of each special path; returns name -> expected reason."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "good.txt").write_text("The sorghum harvest near Gao was the largest in ten years.", encoding="utf-8")
    os.mkfifo(root / "pipe.txt")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(root / "sock.txt"))
    (root / "device.txt").symlink_to("/dev/zero")
    (root / "loop1.txt").symlink_to(root / "loop2.txt")
    (root / "loop2.txt").symlink_to(root / "loop1.txt")
    (root / "broken.txt").symlink_to(root / "missing-target.txt")
    (root / "folder.txt").mkdir()
    (root / "folder.txt" / "inner.txt").write_text("Inside a folder named like a file.", encoding="utf-8")
    (root / "empty.txt").write_bytes(b"")
    (root / "line\nbreak.txt").write_text("A name with a line break.", encoding="utf-8")
    (root / os.fsdecode(b"bad-\xff-name.txt")).write_text("A name with a byte that is not UTF-8.", encoding="utf-8")
    return {
        "pipe.txt": "a named pipe",
        "sock.txt": "a socket",
        "device.txt": "outside the corpus",
        "loop1.txt": "symlink loop",
        "loop2.txt": "symlink loop",
        "broken.txt": "broken symlink",
        "folder.txt": "a folder",
        "empty.txt": "empty",
        "line\\nbreak.txt": "line break",
        "bad-\\udcff-name.txt": "not UTF-8",
    }


def test_every_special_path_is_skipped_with_its_reason_and_the_rest_indexed(fast: Assistant, tmp_path: Path):
    expected = special_corpus(tmp_path / "special")
    began = time.perf_counter()
    report = fast.ingest([tmp_path / "special"])
    assert time.perf_counter() - began < 5
    reasons = {s.path: s.reason for s in report.skipped}
    for name, reason in expected.items():
        assert name in reasons, f"{name} not reported: {reasons}"
        assert reason in reasons[name], (name, reasons[name])
    assert report.added == ("good.txt",)
    assert fast.index.count() > 0


def test_a_device_inside_the_corpus_is_not_opened(tmp_path: Path):
    if os.geteuid() != 0:
        pytest.skip("creating a device node needs root")
    root = tmp_path / "corpus"
    root.mkdir()
    os.mknod(root / "null.txt", stat.S_IFCHR | 0o600, os.makedev(1, 3))
    _, files, skipped = discover(root, SETTINGS)
    assert not files and skipped[0].reason.startswith("a character device")


def test_a_file_that_vanishes_or_cannot_be_read_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    root = tmp_path / "corpus"
    root.mkdir()
    gone = root / "gone.txt"
    gone.write_text("here for a moment", encoding="utf-8")
    _, files, _ = discover(root, SETTINGS)
    gone.unlink()
    with pytest.raises(Exception, match="vanished"):
        read_document(files[0], root, SETTINGS)

    locked = root / "locked.txt"
    locked.write_text("secret", encoding="utf-8")
    real_open = os.open

    def refuse(path, flags, *args, **kwargs):  # tests may run as root, where chmod 000 does not stop a read
        if str(path).endswith("locked.txt"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(Exception, match="Permission denied"):
        read_document(locked, root, SETTINGS)


def test_a_file_that_grows_while_read_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / "growing.txt"
    path.write_text("first words", encoding="utf-8")
    real_fstat = os.fstat
    calls = {"n": 0}

    def growing(fd):
        calls["n"] += 1
        if calls["n"] == 2:  # after the read: the file was appended to meanwhile
            with open(path, "a", encoding="utf-8") as handle:
                handle.write(" and more")
        return real_fstat(fd)

    monkeypatch.setattr(os, "fstat", growing)
    with pytest.raises(Exception, match="changed while it was being read"):
        read_document(path, tmp_path, SETTINGS)


def test_cli_ingest_of_special_paths_prints_reasons_without_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    special_corpus(tmp_path / "special")
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(tmp_path / "special"))
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ASSISTANT_EMBED__BACKEND", "hash")
    assert main(["ingest", "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert "added 1" in out and "skipped 10" in out
    assert "skipped: pipe.txt: a named pipe" in err and "skipped: loop1.txt: a symlink loop" in err
    assert "Traceback" not in out + err
    assert main(["ingest", str(tmp_path / "special" / "loop1.txt")]) == 1  # a loop given by name: one clear line
    assert "error:" in capsys.readouterr().err


def test_a_second_data_folder_reuses_the_built_embedding_model(tmp_path: Path):
    from assistant.backends.embeddings import MiniLMEmbedder

    cache = tmp_path / "cache"
    first = MiniLMEmbedder(cache_dir=cache)
    path = first.onnx_path()
    built = path.stat().st_mtime_ns
    began = time.perf_counter()
    again = MiniLMEmbedder(cache_dir=cache).onnx_path()
    assert again == path and path.stat().st_mtime_ns == built  # found, not built again
    assert time.perf_counter() - began < 0.5
    assert sorted(p.suffix for p in cache.iterdir()) == [".json", ".onnx"]  # no partial files left behind
