"""The app's API for scripts and MCP clients: ask, a streaming chat with history, search, and ingest.

Registered with ``gr.api`` inside the page's Blocks; each endpoint waits for the first indexing, then calls a
plain handler (handlers.py) that the tests call directly too.
"""

from collections.abc import Iterator
from typing import Any

# no postponed annotations in this module: Gradio reads the endpoints' hints at run time to describe them
import gradio as gr
from gradio import FileData

from ..assistant import Assistant
from ..errors import AssistantError
from .handlers import add_files, ask_api, chat_api, search_api
from .indexing import BackgroundIndex


def register_api(assistant: Assistant, indexing: BackgroundIndex) -> None:
    """Add the endpoints to the Blocks being built."""

    def ask(question: str, mode: str = "") -> dict[str, Any]:
        """Answer one question: the same object as `assistant ask --json`; ``mode`` extractive or generative
        (default: the configured one). Waits for the first indexing if it is still going."""
        if not indexing.wait(600):
            return {"error": indexing.status()}
        return ask_api(assistant, question, mode or None)

    def chat(
        message: str, history: list[dict] | None = None, mode: str = "", sources: list[str] | None = None
    ) -> Iterator[dict]:
        """Answer one message of a conversation, streaming: {"text": ..., "done": false} as the checked
        answer grows, then the whole answer (as /ask) with "done": true.

        Args:
            message: the question or follow-up
            history: the conversation so far, as {"role": "user" or "assistant", "content": ...} messages
            mode: extractive or generative (default: the configured one)
            sources: the files to answer from (default: all)
        """
        if not indexing.wait(600):
            yield {"error": indexing.status(), "done": True}
            return
        yield from chat_api(assistant, message, history, mode or None, sources)

    def search(query: str, limit: int = 5, sources: list[str] | None = None) -> list[dict] | dict:
        """The passages of the documents that best match a query, verified against their files, without an
        answer: source, title, quote, character offsets and score for each.

        Args:
            query: what to look for
            limit: how many passages (at most 50)
            sources: the files to search (default: all)
        """
        if not indexing.wait(600):
            return {"error": indexing.status()}
        return search_api(assistant, query, limit, sources)

    def ingest(files: list[FileData]) -> dict:
        """Add text, markdown, PDF, Word or web-page files to the documents: each is checked (type, size,
        text), copied into the corpus folder and indexed.
        Returns {"added": [...], "not_added": [reasons], "passages": n}."""
        if not indexing.wait(600):
            return {"error": indexing.status()}
        try:
            return add_files(assistant, files)
        except AssistantError as exc:
            return {"error": str(exc)}

    gr.api(ask, api_name="ask")
    gr.api(chat, api_name="chat")
    gr.api(search, api_name="search")
    gr.api(ingest, api_name="ingest")
