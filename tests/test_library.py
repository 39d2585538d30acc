"""Choosing indexed files by name, path or file name (fast: plain paths, no store)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from assistant.errors import BadInput
from assistant.library import resolve_sources


def test_files_are_chosen_by_source_name_path_or_unique_file_name(tmp_path: Path):
    known = {
        "a.txt": tmp_path / "a.txt",
        "reports/b.txt": tmp_path / "reports" / "b.txt",
        "x/c.txt": tmp_path / "x" / "c.txt",
        "y/c.txt": tmp_path / "y" / "c.txt",
    }
    assert resolve_sources(["a.txt", str(tmp_path / "reports" / "b.txt"), "b.txt"], known) == [
        "a.txt",
        "reports/b.txt",
        "reports/b.txt",
    ]
    with pytest.raises(BadInput, match="c.txt names several indexed files"):
        resolve_sources(["c.txt"], known)
    with pytest.raises(BadInput, match="nope.txt is not an indexed file"):
        resolve_sources(["nope.txt"], known)


def test_choosing_thousands_of_files_takes_no_time(tmp_path: Path):
    """Every path used to be resolved on disk once per chosen name: 2,066 of 2,067 files took minutes."""
    known = {f"d{i:04d}/p.txt": tmp_path / f"d{i:04d}" / "p.txt" for i in range(2000)}
    began = time.perf_counter()
    assert resolve_sources(list(known), known) == list(known)
    assert resolve_sources([str(p) for p in list(known.values())[:200]], known) == list(known)[:200]
    assert time.perf_counter() - began < 5.0  # it took minutes


def test_the_assistant_resolves_source_names_without_listing_the_index(fast, monkeypatch: pytest.MonkeyPatch):
    """A chosen source name is looked up in the store; a path or an unknown name still needs the whole listing."""
    fast.ensure_index()
    sources = [d["source"] for d in fast.documents()]
    listed = []
    listing = fast.documents
    monkeypatch.setattr(fast, "documents", lambda: listed.append(1) or listing())
    assert fast.resolve_sources([sources[1], sources[0], sources[1]]) == [sources[1], sources[0]]
    assert not listed
    path = next(d["path"] for d in listing() if d["source"] == sources[0])
    assert fast.resolve_sources([str(path)]) == [sources[0]] and listed
    with pytest.raises(BadInput, match="nope.txt is not an indexed file"):
        fast.resolve_sources(["nope.txt"])
