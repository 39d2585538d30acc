"""PDF, DOCX and web pages: the bundled articles written in each format (with permissive writers: reportlab,
python-docx, plain markup) answer the gold questions as well as the text files, with quotes that are the
extracted text at their offsets and PDF citations on the page the quote is on."""

from __future__ import annotations

import dataclasses
import html
import shutil
from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.evaluation import AssistantSystem, evaluate, load_gold
from assistant.formats import PAGE_BREAK, extract, page_of, sniff

from .conftest import CORPUS, PROJECT

pytestmark = pytest.mark.slow
PARAGRAPHS_PER_PAGE = 3


def _articles() -> list[tuple[Path, list[str]]]:
    return [
        (path, [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()])
        for path in sorted(CORPUS.glob("*.txt"))
    ]


def write_pdf(target: Path, title: str, paragraphs: list[str]) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    body = getSampleStyleSheet()["BodyText"]
    flow: list[object] = []
    for n, paragraph in enumerate(paragraphs, 1):
        flow.append(Paragraph(html.escape(paragraph), body))
        if n % PARAGRAPHS_PER_PAGE == 0 and n < len(paragraphs):
            flow.append(PageBreak())
    SimpleDocTemplate(str(target), pagesize=A4, title=title).build(flow)


def write_docx(target: Path, title: str, paragraphs: list[str]) -> None:
    import docx

    document = docx.Document()
    document.core_properties.title = title
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    document.save(str(target))


def write_html(target: Path, title: str, paragraphs: list[str]) -> None:
    e = html.escape
    body = "".join(f"<p>{e(p)}</p>" for p in paragraphs)
    target.write_text(
        f"<!doctype html><html><head><title>{e(title)}</title><script>var tracker = 'CANARY';</script>"
        f"<style>p {{ margin: 0 }}</style></head><body><nav>Home | World | Africa</nav>"
        f"<article><h1>{e(title)}</h1>{body}</article><footer>Subscribe to our newsletter</footer></body></html>",
        encoding="utf-8",
    )


WRITERS = {".pdf": write_pdf, ".docx": write_docx, ".html": write_html}


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The bundled corpus as it is, and written as PDF, DOCX and HTML (same sidecars, same titles)."""
    import json

    out = {".txt": CORPUS}
    for suffix, write in WRITERS.items():
        folder = tmp_path_factory.mktemp(suffix.strip("."))
        for path, paragraphs in _articles():
            sidecar = path.with_name(path.name + ".meta.json")
            title = json.loads(sidecar.read_text(encoding="utf-8")).get("title", path.stem)
            target = folder / f"{path.stem}{suffix}"
            write(target, title, paragraphs)
            shutil.copyfile(sidecar, target.with_name(target.name + ".meta.json"))
        out[suffix] = folder
    return out


class AnswersOnly(AssistantSystem):
    """The assistant without the document ranking (half the time; retrieval figures are not compared here)."""

    def ranked_sources(self, question: str, k: int) -> list[str]:
        return []


def _run(corpus: Path, suffix: str, data: Path) -> dict:
    assistant = Assistant(Settings(corpus_dir=corpus, data_dir=data))
    report = assistant.ingest()
    assert not report.skipped, report.skipped
    # every other gold question (the whole set is `assistant eval`'s, in test_eval_gate): the same ones per format
    gold = [
        dataclasses.replace(g, sources=tuple(str(Path(s).with_suffix(suffix)) for s in g.sources))
        for g in load_gold(PROJECT / "evals" / "gold.jsonl")[::2]
    ]
    run = evaluate(AnswersOnly(assistant, "extractive"), gold, [], corpus)
    run["assistant"] = assistant
    return run


def test_pdf_docx_and_html_answer_the_gold_questions_as_well_as_text(corpora: dict[str, Path], tmp_path: Path):
    runs = {suffix: _run(folder, suffix, tmp_path / suffix.strip(".")) for suffix, folder in corpora.items()}
    text = runs[".txt"]["summary"]
    right_in_text = [r["correct"] for r in runs[".txt"]["results"]]
    for suffix in WRITERS:
        summary = runs[suffix]["summary"]
        print(
            f"{suffix}: answer {summary['answer_accuracy']:.3f} (text {text['answer_accuracy']:.3f}), "
            f"refusal {summary['refusal_accuracy']:.3f}, quotes valid {summary['quote_validity']:.3f}"
        )
        right = [r["correct"] for r in runs[suffix]["results"]]
        assert len(right) == len(right_in_text) > 50
        # question by question, not only in sum: at most two answered rightly in one form and not the other
        assert sum(a != b for a, b in zip(right, right_in_text, strict=True)) <= 2, suffix
        assert summary["quote_validity"] == 1.0  # every quote is the extracted text at its offsets
    # PDF citations carry the page the quote is on: PDFium's own text of that page holds the quote's words
    import pypdfium2 as pdfium

    pages_seen = set()
    for result in runs[".pdf"]["results"]:
        for c in result["answer"]["citations"]:
            path = corpora[".pdf"] / c["source"]
            text_of = extract(path.read_bytes(), c["source"]).text
            assert c["page"] == page_of(text_of, c["start"]) and c["page"] >= 1
            pdf = pdfium.PdfDocument(str(path))
            page_text = " ".join(pdf[c["page"] - 1].get_textpage().get_text_range().split())
            pdf.close()
            assert " ".join(c["quote"].split()[:4]) in page_text
            pages_seen.add(c["page"])
    assert len(pages_seen) > 1  # answers come from several pages, not only the first


def test_the_type_is_read_from_the_content_and_web_pages_lose_their_scripts(corpora: dict[str, Path], tmp_path: Path):
    pdf = next(corpora[".pdf"].glob("*.pdf"))
    page = next(corpora[".html"].glob("*.html"))
    assert sniff(pdf.read_bytes()) == "pdf" and sniff(page.read_bytes()) == "html"
    disguised = tmp_path / "corpus"
    disguised.mkdir()
    shutil.copyfile(pdf, disguised / "report.txt")  # a PDF named .txt
    shutil.copyfile(page, disguised / "page.pdf")  # a web page named .pdf
    assistant = Assistant(Settings(corpus_dir=disguised, data_dir=tmp_path / "data"))
    report = assistant.ingest()
    assert sorted(report.added) == ["page.pdf", "report.txt"] and not report.skipped
    assert report.formats == {"pdf": 1, "html": 1} and report.pages >= 2  # what `assistant ingest` prints
    assert "read 1 HTML, 1 PDF (" in report.summary()
    extracted = extract(page.read_bytes(), page.name)
    assert "CANARY" not in extracted.text and "Subscribe" not in extracted.text and "Home | World" not in extracted.text
    assert extracted.title and PAGE_BREAK not in extracted.text
    assert extract(pdf.read_bytes(), pdf.name).pages >= 2
