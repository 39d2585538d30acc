"""The real page in headless Chromium (Debian's package, driven by Playwright), and the /ask API."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant import Assistant, Settings
from assistant.web import serve

from .conftest import CORPUS, HEADLINE, PROJECT, free_port

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


@pytest.fixture
def page(app_url: str) -> Iterator[Any]:
    """The app's page in headless Chromium, loaded and with its documents counted."""
    chromium = shutil.which("chromium")
    if not chromium:
        pytest.skip("Debian's chromium is not installed (scripts/test-prereqs.sh installs it)")
    from playwright.sync_api import expect, sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        loaded = browser.new_page(viewport={"width": 1400, "height": 1200})
        loaded.goto(app_url)
        expect(loaded.locator("#status")).to_contain_text("documents indexed", timeout=120_000)
        yield loaded
        browser.close()


def test_the_page_answers_cites_and_takes_an_upload(page: Any, tmp_path: Path):
    from playwright.sync_api import expect

    note = tmp_path / "harvest.txt"
    note.write_text(
        "The sorghum harvest near Gao was the largest in ten years, farmers said on Friday.", encoding="utf-8"
    )
    page.locator("#question textarea").fill(HEADLINE)
    page.locator("#ask").click()
    card = page.locator("#citations .card").first
    expect(card).to_contain_text("recover", timeout=60_000)  # "recovered the remains" or "recover the bodies"
    expect(card.locator("mark")).to_be_visible()
    expect(page.locator("#chat")).to_contain_text("[1]")
    expect(page.locator("#chat")).to_contain_text("armed forces")
    page.screenshot(path=str(SHOTS / "web-answer.png"), full_page=True)

    page.get_by_text("View source").click()
    page.locator("#pick input").click()
    page.get_by_role("option").first.click()
    expect(page.locator("#viewer #quote-mark")).to_be_visible(timeout=30_000)

    page.get_by_text("Documents", exact=True).click()
    page.locator("#upload input[type=file]").set_input_files(str(note))
    expect(page.locator("#upload-status")).to_contain_text("Added harvest.txt", timeout=120_000)
    expect(page.locator("#status")).to_contain_text("4 documents indexed")
    page.locator("#question textarea").fill("How large was the sorghum harvest near Gao?")
    page.locator("#ask").click()
    expect(page.locator("#citations .card").first).to_contain_text("harvest.txt", timeout=60_000)
    page.screenshot(path=str(SHOTS / "web-upload.png"), full_page=True)


def test_the_page_gives_a_summary_a_comparison_and_a_greeting(page: Any):
    from playwright.sync_api import expect

    chat = page.locator("#chat")

    def ask(question: str) -> None:
        page.locator("#question textarea").fill(question)
        page.locator("#ask").click()

    ask("Summarize the articles.")
    expect(chat).to_contain_text("documents, oldest first:", timeout=60_000)  # another test may add one
    expect(page.locator("#citations .card").nth(5)).to_be_visible()  # several sentences, each cited
    assert page.locator("#citations .card").count() <= 8  # within the budget
    for source in ("000_", "001_", "002_"):  # every document is heard
        expect(page.locator("#citations")).to_contain_text(source)
    page.screenshot(path=str(SHOTS / "web-summary.png"), full_page=True)

    ask("Compare what the articles say about the drone strikes.")
    expect(chat).to_contain_text("side by side", timeout=60_000)
    expect(chat).to_contain_text("According to")
    expect(chat).to_contain_text("drone")
    page.screenshot(path=str(SHOTS / "web-comparison.png"), full_page=True)

    ask("hi")
    expect(chat).to_contain_text("Hello! I have", timeout=60_000)
    expect(chat).to_contain_text("documents indexed:")
    expect(chat).to_contain_text("You could ask, for example")
    expect(chat).not_to_contain_text("The documents don't say")
    page.screenshot(path=str(SHOTS / "web-greeting.png"), full_page=True)
