"""The real page in headless Chromium (Debian's package, driven by Playwright), and the /ask API."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from assistant import Assistant, Settings
from assistant.web import serve

from .conftest import CORPUS, HEADLINE, PROJECT, CountingEmbedder, free_port

pytestmark = pytest.mark.slow
SHOTS = PROJECT / "build" / "screenshots"


@pytest.fixture(scope="module")
def app_url(minilm_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("web")
    shutil.copytree(CORPUS, root / "corpus")
    shutil.copytree(minilm_index, root / "data")
    port = free_port()
    demo = serve(
        "127.0.0.1", port, Assistant(Settings(corpus_dir=root / "corpus", data_dir=root / "data")), block=False
    )
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        demo.close()


def test_gradio_client_gets_the_answer_with_citations(app_url: str):
    from gradio_client import Client

    result = Client(app_url, verbose=False).predict(HEADLINE, api_name="/ask")
    assert result["refused"] is False
    assert any("recovered the remains" in c["quote"] for c in result["citations"])


def _browser(p: Any) -> Any:
    chromium = shutil.which("chromium")
    if not chromium:
        pytest.skip("Debian's chromium is not installed (scripts/test-prereqs.sh installs it)")
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
    return p.chromium.launch(executable_path=chromium, args=args)


@contextmanager
def opened(app_url: str, width: int) -> Iterator[Any]:
    """The app's page in headless Chromium at ``width`` pixels, once its documents are indexed."""
    from playwright.sync_api import expect, sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = _browser(p)
        loaded = browser.new_page(viewport={"width": width, "height": 900})
        loaded.width = width
        loaded.goto(app_url)
        expect(loaded.locator("#status")).to_contain_text("documents indexed", timeout=120_000)
        yield loaded
        browser.close()


@pytest.fixture(params=[1366, 390], ids=["desktop", "phone"])
def page(app_url: str, request: pytest.FixtureRequest) -> Iterator[Any]:
    """At a laptop's width and at a phone's."""
    with opened(app_url, request.param) as loaded:
        yield loaded


@pytest.fixture
def desktop(app_url: str) -> Iterator[Any]:
    with opened(app_url, 1366) as loaded:
        yield loaded


def ask(page: Any, question: str) -> None:
    page.locator("#question textarea").fill(question)
    page.locator("#ask").click()


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"web-{name}-{page.width}.png"), full_page=True)


def test_the_start_screen_shows_the_documents_and_example_questions(page: Any):
    from playwright.sync_api import expect

    chat = page.locator("#chat")
    expect(chat).to_contain_text("Ask about the documents below")
    expect(chat).to_contain_text("Malian troops and Wagner allies return from Tinzaouatene")
    expect(chat).to_contain_text("passages")
    expect(chat).not_to_contain_text("1 passages")
    expect(chat).to_contain_text("Summarize the documents.")
    shot(page, "start")
    chat.get_by_text("Summarize the documents.").click()  # an example is asked at once
    expect(chat).to_contain_text("oldest first:", timeout=60_000)
    expect(chat.locator(".doc-part").first).to_be_visible()  # one block per document, its title first


def test_on_a_phone_the_question_box_spans_the_page_and_the_documents_dates_stay_whole(app_url: str):
    with opened(app_url, 390) as phone:
        box, ask = phone.locator("#question textarea").bounding_box(), phone.locator("#ask").bounding_box()
        assert box["width"] > 280 and ask["y"] >= box["y"] + box["height"]  # the buttons sit under it, not beside
        lines = (
            "el => { const r = document.createRange(); r.selectNodeContents(el); return r.getClientRects().length; }"
        )
        date = phone.locator("#chat table td", has_text="2024-03-30")
        assert date.evaluate(lines) == 1  # not broken as "2024 / -03- / 30"
        shot(phone, "phone-start")


def test_a_marker_opens_its_quote_in_the_viewer(page: Any):
    from playwright.sync_api import expect

    ask(page, HEADLINE)
    marker = page.locator("#chat a.cite").first
    expect(marker).to_be_visible(timeout=60_000)
    assert "recover" in (marker.get_attribute("title") or "")  # hovering shows the quote
    expect(page.locator("#chat")).to_contain_text("armed forces")
    if page.width < 1000:  # on a phone the sources sit under the answer, collapsed
        sources = page.locator("#chat details.sources").last
        expect(sources).to_be_visible()
        expect(sources.locator(".card").first).not_to_be_visible()
        expect(page.locator("#citations")).to_be_hidden()
    else:
        expect(page.locator("#citations .card mark").first).to_be_visible()
    shot(page, "answer")
    marker.click()
    quote = page.locator("#viewer #quote-mark")
    expect(quote).to_be_visible(timeout=30_000)
    expect(quote).to_be_in_viewport()
    assert "recover" in quote.inner_text()
    shot(page, "viewer")


def test_a_corrected_question_shows_what_was_searched(page: Any):
    from playwright.sync_api import expect

    ask(page, "Who recoverd the bodies after Tinzaouatene?")
    expect(page.locator("#chat a.cite").first).to_be_visible(timeout=60_000)
    searched = "Searched as: Who recovered the bodies after Tinzaouatene?"
    if page.width < 1000:  # on a phone: under the answer, with its sources
        page.locator("#chat details.sources summary").last.click()
        expect(page.locator("#chat details.sources").last).to_contain_text(searched)
    else:
        expect(page.locator("#citations")).to_contain_text(searched)
    shot(page, "corrected")


def test_a_fragment_follow_up_shows_the_question_it_became(desktop: Any):
    from playwright.sync_api import expect

    ask(desktop, "How many separatists were killed?")
    expect(desktop.locator("#chat a.cite").first).to_be_visible(timeout=60_000)
    ask(desktop, "and hurt?")
    expect(desktop.locator("#chat")).to_contain_text("and hurt?")
    expect(desktop.locator("#citations")).to_contain_text(
        "Searched as: How many separatists were hurt?", timeout=60_000
    )
    expect(desktop.locator("#chat")).to_contain_text("three [1]")
    shot(desktop, "fragment")


def test_a_refusal_looks_like_one_and_new_conversation_clears_feedback(page: Any):
    from playwright.sync_api import expect

    ask(page, "Who won the 2022 football World Cup?")
    refusal = page.locator("#chat .refused-answer").last
    expect(refusal).to_contain_text("The documents don't say.", timeout=60_000)
    shot(page, "refusal")
    page.locator("#chat button[aria-label='Like']").last.click()
    expect(page.locator("#feedback-status")).to_contain_text("Thanks, noted", timeout=30_000)
    page.locator("#new").click()
    expect(page.locator("#feedback-status")).not_to_contain_text("Thanks", timeout=30_000)
    expect(page.locator("#chat")).to_contain_text("Ask about the documents below")


def test_a_question_with_nothing_to_search_for_is_told_so(page: Any):
    from playwright.sync_api import expect

    ask(page, "???")
    refusal = page.locator("#chat .refused-answer").last
    expect(refusal).to_contain_text("There is nothing to search for", timeout=60_000)
    expect(page.locator("#chat a.cite")).to_have_count(0)
    if page.width >= 1000:  # the side panel says the same, with no empty list of passages
        expect(page.locator("#citations")).to_contain_text("There is nothing to search for")
        expect(page.locator("#citations")).not_to_contain_text("Nearest passages")
    shot(page, "nothing-asked")


def test_a_yes_no_answer_leads_with_its_verdict_and_keywords_get_an_overview(page: Any):
    from playwright.sync_api import expect

    ask(page, "Has Mali's army officially announced that the mission ended?")
    lead = page.locator("#chat .short-answer").last
    expect(lead).to_contain_text("No", timeout=60_000)
    expect(page.locator("#chat .answer").last).to_contain_text("has not officially announced")
    shot(page, "yes-no")
    ask(page, "Kidal")
    expect(page.locator("#chat .doc-part").first).to_contain_text("Kidal", timeout=60_000)
    expect(page.locator("#chat .answer").last).to_contain_text("What the 2 documents say about Kidal")
    shot(page, "keywords")


def test_a_summary_a_comparison_and_a_greeting(desktop: Any):
    from playwright.sync_api import expect

    page = desktop
    chat = page.locator("#chat")
    ask(page, "Summarize the articles.")
    expect(chat).to_contain_text("documents, oldest first:", timeout=60_000)  # another test may add one
    expect(page.locator("#citations .card").nth(5)).to_be_visible()  # several sentences, each cited
    assert page.locator("#citations .card").count() <= 8  # within the budget
    for source in ("000_", "001_", "002_"):  # every document is heard
        expect(page.locator("#citations")).to_contain_text(source)
    shot(page, "summary")

    ask(page, "Compare what the articles say about the drone strikes.")
    expect(chat).to_contain_text("side by side", timeout=60_000)
    expect(chat).to_contain_text("According to")
    expect(chat).to_contain_text("drone")
    shot(page, "comparison")

    ask(page, "hi")
    expect(chat).to_contain_text("Hello! I have", timeout=60_000)
    expect(chat).to_contain_text("documents indexed:")
    expect(chat).not_to_contain_text("The documents don't say")
    shot(page, "greeting")


def test_a_generated_answer_streams_as_a_draft_and_stop_cuts_it_short(desktop: Any, monkeypatch: pytest.MonkeyPatch):
    from playwright.sync_api import expect

    from assistant.backends.llms import LlamaCppLLM

    # on a fast machine the packaged model can finish a short answer between its first drafted token and the click
    # on Stop: each token is held back a little, so Stop lands mid-answer, as it does for a person reading along
    stream = LlamaCppLLM.stream

    def slowly(self: LlamaCppLLM, messages: Any, max_tokens: int) -> Iterator[str]:
        for token in stream(self, messages, max_tokens):
            time.sleep(0.15)
            yield token

    monkeypatch.setattr(LlamaCppLLM, "stream", slowly)
    page = desktop
    page.get_by_text("Settings", exact=True).click()
    page.get_by_text("generative (experimental)").click()
    ask(page, "How many children were killed in the drone strikes in Tinzaouaten?")
    expect(page.locator("#chat .draft").last).to_be_visible(timeout=60_000)  # the model's tokens, unchecked
    shot(page, "draft")
    page.locator("#stop").click()
    expect(page.locator("#chat")).to_contain_text("Stopped before the answer was complete.", timeout=30_000)
    expect(page.locator("#chat .draft")).to_have_count(0)
    ask(page, "hi")  # the page takes the next question
    expect(page.locator("#chat")).to_contain_text("Hello!", timeout=60_000)


def test_an_upload_is_answered_at_once(desktop: Any, tmp_path: Path):
    from playwright.sync_api import expect

    page = desktop
    note = tmp_path / "harvest.txt"
    note.write_text(
        "The sorghum harvest near Gao was the largest in ten years, farmers said on Friday.", encoding="utf-8"
    )
    page.get_by_text("Documents", exact=True).click()
    page.locator("#upload input[type=file]").set_input_files(str(note))
    expect(page.locator("#upload-status")).to_contain_text("Added harvest.txt", timeout=120_000)
    expect(page.locator("#status")).to_contain_text("4 documents indexed")
    ask(page, "How large was the sorghum harvest near Gao?")
    expect(page.locator("#citations .card").first).to_contain_text("harvest.txt", timeout=60_000)
    shot(page, "upload")


def test_an_uploaded_pdf_is_cited_and_opened_at_its_page(desktop: Any, tmp_path: Path):
    from playwright.sync_api import expect
    from reportlab.pdfgen import canvas

    page = desktop
    report = tmp_path / "cooperative-report.pdf"
    pdf = canvas.Canvas(str(report))
    pdf.drawString(40, 800, "Cooperative report, first page: contents and thanks to the members.")
    pdf.showPage()
    pdf.drawString(40, 800, "The millet harvest near Menaka tripled in 2025, the cooperative reported.")
    pdf.showPage()
    pdf.save()
    page.get_by_text("Documents", exact=True).click()
    page.locator("#upload input[type=file]").set_input_files(str(report))
    expect(page.locator("#upload-status")).to_contain_text("Added cooperative-report.pdf", timeout=120_000)
    ask(page, "How did the millet harvest near Menaka change?")
    card = page.locator("#citations .card").first
    expect(card).to_contain_text("cooperative-report.pdf · page 2", timeout=60_000)
    page.locator("#chat a.cite").first.click()
    expect(page.locator("#viewer")).to_contain_text("page 2 of 2", timeout=30_000)
    expect(page.locator("#viewer #quote-mark")).to_contain_text("tripled in 2025")
    expect(page.locator("#viewer")).not_to_contain_text("first page")  # only the quote's page is shown
    expect(page.locator("#viewer")).to_contain_text("cooperative-report")  # the file's name, not "untitled"
    expect(page.locator("#upload-status")).to_contain_text("(1 passage indexed)")
    shot(page, "pdf")


class SlowEmbedder(CountingEmbedder):
    """Indexing that takes seconds, as a large folder's does, so the page is up while it runs."""

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        if len(texts) > 1:  # passages, not a question
            time.sleep(0.5 * len(texts))
        return super().embed(texts)


def test_a_question_during_first_indexing_is_answered_when_it_is_done(tmp_path: Path):
    """A fresh data folder: the page is up while the corpus is indexed, and a question asked then waits for it."""
    from playwright.sync_api import expect, sync_playwright

    shutil.copytree(CORPUS, tmp_path / "corpus")
    port = free_port()
    settings = Settings(corpus_dir=tmp_path / "corpus", data_dir=tmp_path / "data")
    demo = serve("127.0.0.1", port, Assistant(settings, embedder=SlowEmbedder()), block=False)
    try:
        with sync_playwright() as p:
            browser = _browser(p)
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            page.goto(f"http://127.0.0.1:{port}/")
            asked_while_indexing = "documents indexed" not in page.locator("#status").inner_text()
            ask(page, "who recovered the bodies?")  # one the hashed embedder answers
            if asked_while_indexing:  # the bubble says how far indexing is, then the answer replaces it
                expect(page.locator("#chat")).to_contain_text("The answer follows.", timeout=30_000)
                page.screenshot(path=str(SHOTS / "web-indexing.png"), full_page=True)
            expect(page.locator("#chat a.cite").first).to_be_visible(timeout=120_000)
            expect(page.locator("#chat")).not_to_contain_text("locked")
            expect(page.locator("#status")).to_contain_text("3 documents indexed", timeout=30_000)
            page.screenshot(path=str(SHOTS / "web-first-load.png"), full_page=True)
            browser.close()
        assert asked_while_indexing, "indexing was over before the page was up: the test proved nothing"
    finally:
        demo.close()
