"""PDF extraction speed on these cores: the assistant's reader beside the PDF library's own command-line tool.

    python -m evals.extraction [--files 40 --pages 12]

Writes SQuAD v1.1 dev paragraphs as PDFs (reportlab, one paragraph per page, cached under build/bench/pdfs), then
times, over the same files: ``assistant.formats.extract`` (PDFium text plus page marks and line joining) in one
process; pypdfium2's own ``extract-text`` command, once per file as a user would run it; and the same command's
library calls in one process (the tool without its start-up). Prints pages per second for each.
"""

from __future__ import annotations

import argparse
import html
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from assistant.formats import extract

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DATA = PROJECT_ROOT.parent / "shared" / "data"
FOLDER = PROJECT_ROOT / "build" / "bench" / "pdfs"


def write_pdfs(files: int, pages: int) -> list[Path]:
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    articles = json.loads((DATA / "squad" / "dev-v1.1.json").read_text(encoding="utf-8"))["data"]
    paragraphs = [p["context"] for a in articles for p in a["paragraphs"]]
    FOLDER.mkdir(parents=True, exist_ok=True)
    style = getSampleStyleSheet()["BodyText"]
    paths = []
    for n in range(files):
        path = FOLDER / f"doc{n:03d}-{pages}p.pdf"
        if not path.exists():
            flow: list[object] = []
            for p in range(pages):
                flow += [Paragraph(html.escape(paragraphs[(n * pages + p) % len(paragraphs)]), style), PageBreak()]
            SimpleDocTemplate(str(path), title=f"Document {n}").build(flow[:-1])
        paths.append(path)
    return paths


def pages_per_second(label: str, pages: int, seconds: float) -> float:
    rate = pages / seconds
    print(f"| {label} | {pages} | {seconds:.2f} | {rate:,.0f} |")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=40)
    parser.add_argument("--pages", type=int, default=12)
    args = parser.parse_args()
    paths = write_pdfs(args.files, args.pages)
    total = 0
    began = time.perf_counter()
    for path in paths:
        total += extract(path.read_bytes(), path.name).pages
    ours = time.perf_counter() - began

    import pypdfium2 as pdfium

    began = time.perf_counter()
    for path in paths:  # what `pypdfium2 extract-text` does for each page, without starting Python each time
        pdf = pdfium.PdfDocument(str(path))
        for page in pdf:
            page.get_textpage().get_text_range()
        pdf.close()
    library = time.perf_counter() - began

    tool = shutil.which("pypdfium2") or str(Path(sys.executable).with_name("pypdfium2"))
    began = time.perf_counter()
    for path in paths:
        subprocess.run([tool, "extract-text", str(path)], check=True, stdout=subprocess.DEVNULL)
    command = time.perf_counter() - began

    print(f"PDF extraction, {len(paths)} files of {args.pages} pages (2 cores)")
    print("| reader | pages | seconds | pages/s |\n|---|---|---|---|")
    rate = pages_per_second("assistant.formats.extract (one process)", total, ours)
    base = pages_per_second("pypdfium2 library calls, same loop", total, library)
    cli = pages_per_second("`pypdfium2 extract-text FILE`, once per file", total, command)
    print(f"ratios: ours / library {rate / base:.2f}x, ours / command {rate / cli:.1f}x")


if __name__ == "__main__":
    main()
