"""The corpus folder as people change it: files added (uploads), files taken out (kept aside, never deleted),
feedback recorded, and the marker through which one process tells others that the index changed."""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .errors import BadInput


class Generation:
    """A value in ``DATA_DIR/index.generation`` that every ingest which changes the index renews.

    An embedded Chroma client keeps its vector index in memory, so a process that sees a new value reopens the
    store (another process ran ``assistant ingest`` while the web app was up).
    """

    def __init__(self, data_dir: Path) -> None:
        self._path = data_dir / "index.generation"
        self._seen = self._read()

    def _read(self) -> str:
        try:
            return self._path.read_text(encoding="utf-8").strip()
        except OSError:
            return ""

    def bump(self) -> None:
        value = f"{time.time_ns()}-{os.getpid()}"
        partial = self._path.with_suffix(".tmp")
        partial.write_text(value, encoding="utf-8")
        partial.replace(self._path)  # atomic: readers see the old value or the new one
        self._seen = value

    def changed(self) -> bool:
        """True once for each change made by another process since this one last looked."""
        current = self._read()
        if current == self._seen:
            return False
        self._seen = current
        return True


def safe_name(name: str) -> str:
    """A plain file name for an upload: no folders, no leading dots, only ordinary characters."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name).name).lstrip("._") or "upload"
    return stem[:120]


def copy_into(
    corpus: Path, files: Sequence[tuple[Path, str]], types: Sequence[str], max_mb: float
) -> tuple[list[Path], list[str]]:
    """Copy (file, name it was given) pairs into the corpus folder under safe, unused names.

    Returns the copies and one problem line for each file refused (wrong type, too large, missing).
    """
    corpus.mkdir(parents=True, exist_ok=True)
    accepted: list[Path] = []
    problems: list[str] = []
    for path, given in files:
        name = safe_name(given or path.name)
        if Path(name).suffix.lower() not in types:
            problems.append(f"{name}: only {', '.join(types)} files can be added")
            continue
        if not path.is_file() or path.stat().st_size > max_mb * 1024 * 1024:
            problems.append(f"{name}: larger than the {max_mb:g} MB upload limit")
            continue
        target = corpus / name
        if target.exists():
            target = corpus / f"{Path(name).stem}-{int(time.time())}{Path(name).suffix}"
        shutil.copyfile(path, target)
        accepted.append(target)
    return accepted, problems


def set_aside(path: Path, data_dir: Path) -> None:
    """Move a file out of the corpus into ``DATA_DIR/removed``: taken out of the index, never lost."""
    if path.is_file():
        target = data_dir / "removed" / f"{int(time.time())}-{path.name}"
        target.parent.mkdir(parents=True, exist_ok=True)
        path.replace(target)


def append_feedback(path: Path, row: dict[str, Any]) -> None:
    """One judgement per line, which ``assistant feedback`` turns into gold-set candidates."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as out:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")


def resolve_sources(names: Sequence[str], known: dict[str, Path]) -> list[str]:
    """The indexed sources ``names`` stand for: a source name, a path, or a file name when only one file has it.
    ``known`` maps each indexed source to its file."""
    chosen = []
    by_path: dict[Path, list[str]] = {}
    by_file_name: dict[str, list[str]] = {}
    for name in names:
        if name in known:
            chosen.append(name)
            continue
        if not by_path:  # built once, and only for a name that is not a source name: resolving paths hits the disk
            for source, path in known.items():
                by_path.setdefault(path.resolve(), []).append(source)
                by_file_name.setdefault(Path(source).name, []).append(source)
        found = by_path.get(Path(name).expanduser().resolve()) or by_file_name.get(name, [])
        if len(found) != 1:
            sample = ", ".join(sorted(known)[:5]) + (" …" if len(known) > 5 else "")
            why = "is not an indexed file" if not found else "names several indexed files; give its path"
            raise BadInput(f"{name} {why} (indexed: {sample})")
        chosen.append(found[0])
    return chosen


def rebuild_targets(documents: Iterable[dict[str, Any]]) -> tuple[list[Path], list[str]]:
    """What to ingest to index ``documents`` (an index's entries: ``path``, ``root``, ``source``) again under the
    same names, and those of them no longer on disk. A root whose sources lie in subfolders was a folder ingested
    whole and is ingested so again; from any other root each file is ingested alone (its folder may hold files
    that were never indexed)."""
    by_root: dict[str, list[dict[str, Any]]] = {}
    for doc in documents:
        by_root.setdefault(str(doc.get("root", "")), []).append(doc)
    targets: list[Path] = []
    missing: list[str] = []
    for root, docs in by_root.items():
        missing += [str(d["source"]) for d in docs if not Path(str(d["path"])).is_file()]
        if any("/" in str(d["source"]) for d in docs) and Path(root).is_dir():
            targets.append(Path(root))
        else:
            targets += [Path(str(d["path"])) for d in docs]
    return targets, missing
