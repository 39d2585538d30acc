"""Malformed, encrypted, scanned and oversized PDF, DOCX and HTML files: each is skipped with its reason, in
bounded time, and the good files beside them are indexed (hashed embedder: this is about reading)."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest

from assistant import Assistant
from assistant.formats import extract

GOOD_TEXT = "The millet harvest in the Gao region doubled in 2024, the regional office said."


def _pdf(lines: list[str], encrypt: str | None = None, draw_only: bool = False) -> bytes:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, encrypt=pdfencrypt.StandardEncryption(encrypt) if encrypt else None)
    if draw_only:  # a page with a drawing and no text, as a scan without OCR looks to a text reader
        pdf.rect(50, 50, 400, 600, fill=1)
    for n, line in enumerate(lines):
        pdf.drawString(40, 800 - 14 * n, line)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _docx(text: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def hostile_files() -> dict[str, tuple[bytes, str]]:
    """file name -> (bytes, a word the skip reason must contain)."""
    good_pdf = _pdf([GOOD_TEXT])
    broken_docx = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document><unclosed"})
    return {
        "truncated.pdf": (good_pdf[: len(good_pdf) // 2], "PDF"),
        "encrypted.pdf": (_pdf([GOOD_TEXT], encrypt="secret"), "encrypted"),
        "garbage.pdf": (b"%PDF-1.7\n" + bytes(range(256)) * 40, "PDF"),
        "scanned.pdf": (_pdf([], draw_only=True), "no text layer"),
        "dense-page.pdf": (_pdf(["x" * 2000] * 150), "characters"),
        "bomb.docx": (_zip({"word/document.xml": b"\0" * (60 * 1024 * 1024)}), "zip bomb"),
        "archive.docx": (_zip({"readme.txt": b"not a word document"}), "not a Word document"),
        "broken.docx": (broken_docx, "damaged"),
        "empty.docx": (b"", "empty"),
        "scripts-only.html": (b"<html><body><script>alert(1)</script><style>p{}</style></body></html>", "no readable"),
        "binary.pdf": (b"\x00\x01\x02\x03" * 5000, "binary"),
        "nav-only.htm": (b"<!doctype html><html><body><nav>Home | About</nav><footer>c</footer></body></html>", "no"),
    }


def test_hostile_files_are_skipped_with_their_reason_and_the_rest_is_indexed(fast: Assistant):
    corpus = fast.settings.corpus_dir
    for name, (data, _) in hostile_files().items():
        (corpus / name).write_bytes(data)
    (corpus / "harvest.pdf").write_bytes(_pdf([GOOD_TEXT]))
    (corpus / "harvest.docx").write_bytes(_docx(GOOD_TEXT))
    (corpus / "harvest.html").write_text(f"<html><body><nav>Menu</nav><p>{GOOD_TEXT}</p></body></html>")
    deep = "<div>" * 20_000 + f"<p>{GOOD_TEXT}</p>" + "</div>" * 20_000
    (corpus / "deeply-nested.html").write_text(f"<!doctype html><html><body>{deep}</body></html>")

    timings = {}
    for name, (data, _) in hostile_files().items():  # each file on its own: time bounded per file
        began = time.perf_counter()
        with pytest.raises(Exception):  # noqa: B017 - BadInput, checked by reason below
            extract(data, name)
        timings[name] = time.perf_counter() - began
    print("seconds per hostile file:", {k: round(v, 3) for k, v in timings.items()})
    assert max(timings.values()) < 5.0

    heard: list[tuple[int, int, int]] = []
    report = fast.ingest(reading=lambda *numbers: heard.append(numbers))
    reasons = {s.path: s.reason for s in report.skipped}
    # reading progress: files read of files to read, and the PDF pages so far (what the CLI's bar shows)
    files = [f for f in corpus.iterdir() if not f.name.endswith(".meta.json")]  # the bundled articles too
    assert heard[0][0] == 0 and heard[-1][0] == heard[-1][1] == len(files)
    assert heard[-1][2] == report.pages == 1 and report.formats == {"pdf": 1, "docx": 1, "html": 2, "text": 3}
    for name, (_, why) in hostile_files().items():
        assert name in reasons, f"{name} was not skipped"
        assert why.lower() in reasons[name].lower(), (name, reasons[name])
    kept = {"harvest.pdf", "harvest.docx", "harvest.html", "deeply-nested.html"}
    assert kept <= set(report.added)
    assert not set(hostile_files()) & set(report.added)
    found = fast.search("millet harvest in Gao", sources=["harvest.pdf"])
    assert found and found[0].quote == GOOD_TEXT and found[0].page == 1


def test_a_pdf_upload_goes_through_the_same_checks(fast: Assistant, tmp_path: Path):
    from assistant.web.handlers import add_files

    good, encrypted = tmp_path / "report.pdf", tmp_path / "locked.pdf"
    good.write_bytes(_pdf([GOOD_TEXT]))
    encrypted.write_bytes(_pdf([GOOD_TEXT], encrypt="secret"))
    result = add_files(fast, [str(good), str(encrypted)])
    assert result["added"] == ["report.pdf"]
    assert len(result["not_added"]) == 1 and "encrypted" in result["not_added"][0]
    assert not (fast.settings.corpus_dir / "locked.pdf").exists()  # a refused copy is taken back out


def test_docx_and_web_page_citations_name_the_heading_they_fall_under(fast: Assistant):
    import docx

    from assistant.formats import section_of

    page = (
        "<html><body><nav><h2>Menu</h2></nav><article><h1>Sahel report</h1><p>Intro.</p><h2>Harvest</h2>"
        f"<p>{GOOD_TEXT}</p><h2>Water</h2><p>The wells of Kidal ran dry in May.</p></article></body></html>"
    )
    extracted = extract(page.encode(), "page.html")
    assert [h for _, h in extracted.headings] == ["Sahel report", "Harvest", "Water"]  # not the menu's
    assert section_of(extracted, extracted.text.index("millet")) == "Harvest"
    assert section_of(extracted, extracted.text.index("wells")) == "Water"

    document = docx.Document()
    document.add_heading("Harvest", level=1)
    document.add_paragraph(GOOD_TEXT)
    corpus = fast.settings.corpus_dir
    document.save(str(corpus / "report.docx"))
    (corpus / "page.html").write_text(page, encoding="utf-8")
    fast.ingest()
    for source in ("report.docx", "page.html"):
        found = fast.search("millet harvest in Gao", sources=[source])
        assert found[0].quote == GOOD_TEXT and found[0].section == "Harvest" and found[0].page is None
