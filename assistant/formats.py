"""Text out of the file types people keep: plain text and markdown, PDF (its text layer), DOCX and saved web pages.

The type is read from the content, not the name (a ``.pdf`` that is a web page is read as one). The extracted
text is what quotes index into: extracting the same bytes again gives the same text, so a quote can always be
checked against the file. Each PDF page ends with a form feed, so a quote's page is counted from its offset.
Each reader is bounded: pages, characters per page and in all, and the unpacked size of a DOCX, so a hostile
file is skipped with its reason instead of taking the ingest down.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from importlib.metadata import version

from .errors import BadInput
from .text import decode

PAGE_BREAK = "\f"
MAX_PAGES = 5000
MAX_PAGE_CHARS = 200_000  # a dense printed page holds about 5,000
MAX_TEXT_CHARS = 20_000_000
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # what a DOCX may unpack to
MAX_PACK_RATIO = 200  # a zip member this much larger than its compressed form is a bomb, not a document
SUFFIXES = (".txt", ".md", ".pdf", ".docx", ".html", ".htm")
_PLACEHOLDER_TITLE = re.compile(r"^(untitled\b.*|microsoft word - .*|document\d*)$", re.I)


@dataclass(frozen=True)
class Extracted:
    text: str
    kind: str  # text, pdf, docx or html
    pages: int = 0  # PDF pages
    title: str = ""  # the title the file's own metadata gives, if any
    warning: str | None = None
    headings: tuple[tuple[int, str], ...] = ()  # DOCX and HTML: (offset in text, heading), in order


def section_of(extracted: Extracted, offset: int) -> str | None:
    """The heading a character offset falls under (DOCX and HTML), or None."""
    found = None
    for start, heading in extracted.headings:
        if start > offset:
            break
        found = heading
    return found


@cache  # asked for every file read: the installed version is looked up once
def extractor(kind: str) -> str:
    """The reader of a kind and its version: part of a document's hash, so a new version re-reads the file."""
    package = {"pdf": "pypdfium2", "docx": "python-docx"}.get(kind)
    return f"{kind}:{package} {version(package)}" if package else f"{kind}:1"


def sniff(data: bytes) -> str:
    """The kind of file the bytes are, whatever its name says."""
    if b"%PDF-" in data[:1024]:  # the header may follow some junk, as readers allow
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html")) or (head.startswith(b"<") and b"<body" in data[:65536].lower()):
        return "html"
    return "text"


def extract(data: bytes, name: str) -> Extracted:
    """The text of a file's bytes; ``BadInput`` with the reason when there is none to be had."""
    kind = sniff(data)
    if kind == "pdf":
        return _pdf(data, name)
    if kind == "docx":
        return _docx(data, name)
    text, warning = decode(data, name)
    if kind == "html":
        title, body, headings = html_text(text)
        if len(body) > MAX_TEXT_CHARS:
            raise BadInput(f"{name}: a web page with {len(body):,} characters of text, over the limit; skipped")
        if not body.strip():
            raise BadInput(f"{name}: a web page with no readable text; skipped")
        return Extracted(body, "html", title=title, warning=warning, headings=headings)
    if not text.strip():
        raise BadInput(f"{name}: empty; skipped")
    return Extracted(text, "text", warning=warning)


def page_of(text: str, offset: int) -> int | None:
    """The 1-based PDF page of a character offset (None for text without pages)."""
    return text.count(PAGE_BREAK, 0, offset) + 1 if PAGE_BREAK in text else None


def _pdf(data: bytes, name: str) -> Extracted:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        reason = str(exc).lower()
        if "password" in reason:
            raise BadInput(f"{name}: an encrypted PDF (it needs a password); skipped") from None
        raise BadInput(f"{name}: not a readable PDF ({exc}); skipped") from None
    try:
        count = len(pdf)
        if count > MAX_PAGES:
            raise BadInput(f"{name}: {count} pages, over the {MAX_PAGES}-page limit; skipped")
        pages = []
        for number in range(count):
            page = pdf[number]
            textpage = page.get_textpage()
            chars = textpage.count_chars()
            if chars > MAX_PAGE_CHARS:
                raise BadInput(f"{name}: page {number + 1} holds {chars:,} characters, not a document page; skipped")
            raw = textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n").replace(PAGE_BREAK, " ")
            pages.append(unwrapped(raw))
            textpage.close()
            page.close()
        title = str(pdf.get_metadata_dict().get("Title") or "").strip()
        if _PLACEHOLDER_TITLE.match(title):  # writers' defaults ("untitled", "Microsoft Word - draft.docx")
            title = ""
    except pdfium.PdfiumError as exc:
        raise BadInput(f"{name}: a damaged PDF ({exc}); skipped") from None
    finally:
        pdf.close()
    text = "".join(page + PAGE_BREAK for page in pages)  # each page ends with one, so a page is countable
    if not text.strip():
        raise BadInput(f"{name}: no text layer (a scanned PDF?); OCR is not included; skipped")
    return Extracted(text, "pdf", pages=count, title=title[:200])


def unwrapped(page: str) -> str:
    """A PDF page's lines joined where the layout wrapped them: a line break stays only after a line much shorter
    than the page's longest (a paragraph's last line, a heading). Same length as the input, so it is only a
    choice of which whitespace character each break is."""
    lines = page.split("\n")
    width = max((len(line.rstrip()) for line in lines), default=0)
    out = [lines[0]]
    for previous, line in zip(lines, lines[1:], strict=False):
        out.append(("\n" if len(previous.rstrip()) < 0.6 * width else " ") + line)
    return "".join(out)


def _docx(data: bytes, name: str) -> Extracted:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            unpacked = sum(m.file_size for m in members)
            if unpacked > MAX_UNPACKED_BYTES or any(
                m.file_size > MAX_PACK_RATIO * max(m.compress_size, 1) and m.file_size > 1024 * 1024 for m in members
            ):
                raise BadInput(f"{name}: unpacks to {unpacked / 1e6:,.0f} MB (a zip bomb?); skipped")
            if "word/document.xml" not in archive.namelist():
                raise BadInput(f"{name}: a zip archive, not a Word document; skipped")
    except zipfile.BadZipFile:
        raise BadInput(f"{name}: a damaged DOCX (not a readable zip); skipped") from None
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
        blocks: list[str] = []
        headings: list[str] = []
        title = str(document.core_properties.title or "").strip()
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                blocks += [" | ".join(cell.text.strip() for cell in row.cells) for row in block.rows]
                continue
            text = block.text.strip()
            if text:
                blocks.append(text)
                style = (block.style.name if block.style is not None else "") or ""
                if style.startswith(("Title", "Heading")):
                    title = title or text
                    headings.append(text)
    except Exception as exc:  # python-docx raises many kinds on a malformed part
        raise BadInput(f"{name}: a damaged DOCX ({type(exc).__name__}); skipped") from None
    text = "\n\n".join(blocks)
    if len(text) > MAX_TEXT_CHARS:
        raise BadInput(f"{name}: {len(text):,} characters of text, over the limit; skipped")
    if not text.strip():
        raise BadInput(f"{name}: a Word document with no text; skipped")
    return Extracted(text, "docx", title=title[:200], headings=_located(text, headings))


_SKIPPED_TAGS = {"script", "style", "noscript", "template", "svg", "nav", "header", "footer", "aside", "form", "iframe"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BLOCK_TAGS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article", "main",
               "blockquote", "pre", "table", "ul", "ol", "figcaption", "dd", "dt", "hr", "title"}  # fmt: skip


class _MainText(HTMLParser):
    """The readable text of a page: no scripts, styles or navigation; the <article> (or <main>) when it has one."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[tuple[str, int]] = []  # (text, depth inside article/main)
        self.title = ""
        self._skip = 0
        self._main = 0
        self._in_title = False
        self.has_main = False
        self._heading: list[str] | None = None  # the text of the heading being read
        self.headings: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self._skip += 1
        elif tag in ("article", "main"):
            self._main += 1
            self.has_main = True
        self._in_title = tag == "title"
        if tag in _HEADINGS and not self._skip:
            self._heading = []
        if tag in _BLOCK_TAGS:
            self.parts.append(("\n\n", self._main))

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS and self._skip:
            self._skip -= 1
        elif tag in ("article", "main") and self._main:
            self._main -= 1
        if tag == "title":
            self._in_title = False
        if tag in _HEADINGS and self._heading is not None:
            self.headings.append(" ".join("".join(self._heading).split()))
            self._heading = None
        if tag in _BLOCK_TAGS:
            self.parts.append(("\n\n", self._main))

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif not self._skip:
            self.parts.append((data, self._main))
            if self._heading is not None:
                self._heading.append(data)


def html_text(markup: str) -> tuple[str, str, tuple[tuple[int, str], ...]]:
    """(title, readable text, headings with their offsets) of a web page; paragraphs separated by blank lines."""
    parser = _MainText()
    parser.feed(markup)
    parser.close()
    kept = [text for text, main in parser.parts if main or not parser.has_main]
    lines = [" ".join(line.split()) for line in "".join(kept).split("\n\n")]
    body = "\n\n".join(line for line in lines if line)
    return " ".join(parser.title.split())[:200], body, _located(body, [h for h in parser.headings if h])


def _located(text: str, headings: list[str]) -> tuple[tuple[int, str], ...]:
    """Each heading's offset in the text, found in order (a heading left out with the navigation is dropped)."""
    found, at = [], 0
    for heading in headings:
        offset = text.find(heading, at)
        if offset >= 0:
            found.append((offset, heading[:200]))
            at = offset + len(heading)
    return tuple(found)
