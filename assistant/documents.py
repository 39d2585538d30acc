"""Finding and reading the corpus's files: only regular files are ever opened, and nothing can block or loop.

A named pipe called ``notes.txt`` would block a plain ``open``; a symlink loop makes ``resolve`` raise; a file
can vanish, change or refuse to be read between the walk and the read. Each of these becomes a ``Skipped``
entry with its reason, and the rest of the corpus is read as usual.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path

from .config import IngestSettings
from .errors import BadInput
from .formats import extract, extractor
from .text import parse_header
from .types import Skipped

META_SUFFIX = ".meta.json"
RECENT_S = 2.0  # a file written this recently could change again within the clock's resolution: no stamp
_KINDS = {
    stat.S_IFIFO: "a named pipe",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFDIR: "a folder",
}


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
    kind: str = "text"  # what the content is (formats.sniff): text, pdf, docx or html
    pages: int = 0  # PDF pages


def shown(name: str) -> str:
    """A file name fit for one line of output: line breaks, control characters and undecodable bytes escaped."""
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in name)


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


def _why_not_readable(path: Path, root: Path) -> str | None:
    """Why ``path`` is not a document file to open, or None when it is a regular file (or a link to one)."""
    name = path.name
    if any(not ch.isprintable() for ch in name):
        return "its name has a line break, a control character or bytes that are not UTF-8; rename the file"
    try:
        st = path.lstat()
    except FileNotFoundError:
        return "vanished before it could be read"
    except OSError as exc:
        return f"cannot be examined: {exc.strerror or exc}"
    if stat.S_ISLNK(st.st_mode):
        try:
            target = path.resolve(strict=True)
        except RuntimeError:  # Python < 3.13 reports a loop this way
            return "a symlink loop"
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return "a symlink loop"
            return "a broken symlink (its target does not exist)"
        if not target.is_relative_to(root):
            return "a symlink pointing outside the corpus"
        try:
            st = target.stat()
        except OSError as exc:
            return f"cannot be examined: {exc.strerror or exc}"
    if not stat.S_ISREG(st.st_mode):
        return f"{_KINDS.get(stat.S_IFMT(st.st_mode), 'not a regular file')}, not a document file"
    return None


def discover(target: Path, settings: IngestSettings) -> tuple[Path, list[Path], list[Skipped]]:
    """The root that sources are named against, the files to read, and what was passed over (with why)."""
    target = target.absolute()
    try:
        is_dir = stat.S_ISDIR(target.stat().st_mode)
    except FileNotFoundError:
        raise BadInput(f"{shown(str(target))} does not exist") from None
    except OSError as exc:  # a symlink loop given as the target, or no permission to look
        raise BadInput(f"{shown(str(target))} cannot be read: {exc.strerror or exc}") from None
    if not is_dir:
        root = target.parent.resolve()
        why = _why_not_readable(target, target.parent)
        if why:
            return root, [], [Skipped(shown(target.name), why)]
        return root, [root / target.name], []
    root = target.resolve()
    files: list[Path] = []
    skipped: list[Skipped] = []
    suffixes = tuple(settings.extensions)
    for dirpath, dirnames, filenames in os.walk(root):  # os.walk lists symlinked folders but does not enter them
        folder = Path(dirpath)
        for name in sorted(dirnames):
            if name.lower().endswith(suffixes) and not name.startswith("."):
                skipped.append(Skipped(shown((folder / name).relative_to(root).as_posix()), "a folder, not a document"))
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and not d.lower().endswith(suffixes))
        for name in sorted(filenames):
            if name.startswith(".") or name.endswith(META_SUFFIX) or not name.lower().endswith(suffixes):
                continue
            path = folder / name
            why = _why_not_readable(path, root)
            if why:
                skipped.append(Skipped(shown(path.relative_to(root).as_posix()), why))
            else:
                files.append(path)
    return root, files, skipped


def _read_regular(path: Path, limit_bytes: float) -> bytes:
    """The bytes of a regular file, opened without blocking and checked again after opening (it may have been
    swapped for a pipe since the walk); a file that changes size while being read is refused."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise BadInput(f"{shown(path.name)}: vanished before it could be read") from None
    except OSError as exc:
        raise BadInput(f"{shown(path.name)}: cannot be read: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as handle:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise BadInput(f"{shown(path.name)}: not a regular file; skipped")
        if st.st_size > limit_bytes:
            raise BadInput(
                f"{shown(path.name)}: {st.st_size / 1e6:.0f} MB is over the {limit_bytes / 1024 / 1024:g} MB limit "
                "(ASSISTANT_INGEST__MAX_FILE_MB); skipped"
            )
        try:
            data = handle.read(int(limit_bytes) + 1)
        except OSError as exc:
            raise BadInput(f"{shown(path.name)}: cannot be read: {exc.strerror or exc}") from None
        if len(data) != st.st_size or os.fstat(fd).st_size != st.st_size:
            raise BadInput(f"{shown(path.name)}: changed while it was being read; run the ingest again")
    return data


def heading(body: str) -> str:
    """A title the text gives itself: a markdown heading on its first line, or a short first line standing apart
    (no closing stop, a blank line after it), as a saved article's headline does."""
    first, _, rest = body.lstrip("\n").partition("\n")
    first = first.strip()
    if first.startswith("#"):
        return first.lstrip("#").strip()[:200]
    stands_apart = rest.startswith("\n") or not rest.strip()
    if 0 < len(first) <= 120 and stands_apart and first[-1] not in ".!?,;:\"'”’)" and rest.strip():
        return first
    return ""


def read_document(path: Path, root: Path, settings: IngestSettings) -> tuple[Document, str | None]:
    """The document and an optional warning; ``BadInput`` when it cannot be used."""
    source = path.relative_to(root).as_posix()
    stamp = file_stamp(path)  # before reading: a write after this shows as a new stamp next time
    if path.suffix.lower() not in settings.extensions:
        raise BadInput(
            f"{source}: unsupported type {path.suffix or '(none)'}; supported: {', '.join(settings.extensions)}"
        )
    data = _read_regular(path, settings.max_file_mb * 1024 * 1024)
    extracted = extract(data, source)  # never empty: it refuses files without text, saying why
    text, warning = extracted.text, extracted.warning
    meta, body_start = parse_header(text) if extracted.kind == "text" else ({}, 0)
    sidecar = path.with_name(path.name + META_SUFFIX)
    meta_bytes = _read_regular(sidecar, 1024 * 1024) if sidecar.is_file() else b""
    if meta_bytes:
        try:
            meta = {**meta, **{k: str(v) for k, v in json.loads(meta_bytes).items()}}
        except (ValueError, AttributeError):
            warning = f"{sidecar.name}: not a JSON object; metadata ignored"
    # the reader's version is hashed in: a new version re-reads the file, so its quotes stay checkable
    sha = hashlib.sha256(data + b"\0" + meta_bytes + b"\0" + extractor(extracted.kind).encode()).hexdigest()
    title = meta.get("title") or extracted.title or heading(text[body_start:]) or path.stem
    date = meta.get("date", "")
    document = Document(source, path, root, text, title, date, sha, body_start, stamp, extracted.kind, extracted.pages)
    return document, warning
