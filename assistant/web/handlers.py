"""What the page's events do, as plain functions that tests call directly (no Gradio here).

Each browser session keeps its own ``ChatSession`` (in ``gr.State``), so a follow-up is resolved from that
session's history without replaying earlier questions.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ..assistant import Assistant
from ..chat import ChatSession
from ..errors import AssistantError
from ..library import append_feedback, copy_into
from ..types import Answer
from .render import chat_text, citation_choices, escape_markdown, evidence_html

UPLOAD_TYPES = (".txt", ".md")
TurnUpdate = tuple[list[dict[str, Any]], str, dict[str, Any] | None, list[str], ChatSession]


def chat_turn(
    assistant: Assistant,
    message: str,
    history: list[dict[str, Any]],
    session: ChatSession | None = None,
    mode: str = "extractive",
    max_citations: int | None = None,
) -> Iterator[TurnUpdate]:
    """One turn: stream the answer into the chat, then show its citation cards.

    Yields (chat history, citation cards HTML, the answer as a dict, citation choices for the source viewer,
    the session to keep for the next turn).
    """
    session = session or assistant.chat()
    history = list(history or []) + [{"role": "user", "content": message}, {"role": "assistant", "content": "…"}]
    streamed = ""
    try:
        for item in session.stream(message, mode=mode, max_citations=max_citations):
            if isinstance(item, Answer):
                history[-1] = {"role": "assistant", "content": chat_text(item)}
                cards = evidence_html(assistant.source_text, item)
                yield history, cards, item.to_dict(), citation_choices(item), session
                return
            streamed += item
            history[-1] = {"role": "assistant", "content": chat_text(streamed)}
            yield history, "<p>Answering…</p>", None, [], session
    except AssistantError as exc:
        history[-1] = {"role": "assistant", "content": f"**Error:** {escape_markdown(str(exc))}"}
        yield history, "", None, [], session


def ask_api(assistant: Assistant, question: str) -> dict[str, Any]:
    """The ``/ask`` endpoint: the same object as ``assistant ask --json`` (or ``{"error": ...}``)."""
    try:
        return assistant.ask(question).to_dict()
    except AssistantError as exc:
        return {"error": str(exc)}


def documents_table(assistant: Assistant) -> list[list[Any]]:
    return [[d["source"], d["title"], d["date"], d["chunks"]] for d in assistant.documents()]


def upload_documents(
    assistant: Assistant, files: Sequence[Any] | None, progress: Callable[[int, int], None] | None = None
) -> str:
    """Validate uploads (type, size, text), copy them into the corpus folder and ingest them."""
    if not files:
        return "Choose one or more .txt or .md files first."
    pairs = []
    for item in files:
        path = Path(item if isinstance(item, (str, Path)) else getattr(item, "name", ""))
        pairs.append((path, getattr(item, "orig_name", None) or path.name))
    corpus = assistant.settings.corpus_dir
    accepted, problems = copy_into(corpus, pairs, UPLOAD_TYPES, assistant.settings.web.max_upload_mb)
    lines = [f"Not added: {p}" for p in problems]
    if accepted:
        report = assistant.ingest(accepted, progress=progress)
        for skipped in report.skipped:  # unreadable after all (binary, empty): take the copy back out
            lines.append(f"Not added: {skipped.path}: {skipped.reason}")
            (corpus / skipped.path).unlink(missing_ok=True)
        added = [*report.added, *report.updated]
        if added:
            lines.insert(0, f"Added {', '.join(added)} ({report.chunks_embedded} passages indexed). Ask about it now.")
    return "\n\n".join(escape_markdown(line) for line in lines)


def remove_documents(assistant: Assistant, sources: Sequence[str] | None) -> str:
    if not sources:
        return "Select documents to remove first."
    removed = assistant.remove_documents(list(sources))
    where = assistant.settings.data_dir / "removed"
    return escape_markdown(f"Removed {', '.join(removed)} from the index (the files were moved to {where}).")


def record_feedback(
    assistant: Assistant,
    history: Sequence[dict[str, Any]],
    index: int | None,
    liked: bool,
    comment: str = "",
    answer: dict[str, Any] | None = None,
) -> str:
    """Append one judgement to the feedback JSONL that ``assistant feedback`` turns into gold candidates."""
    if index is None or not 0 <= index < len(history) or history[index].get("role") != "assistant":
        return "Use the thumbs on an answer."
    questions = [m for m in history[:index] if m.get("role") == "user"]
    row = {
        "time": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "question": questions[-1]["content"] if questions else "",
        "answer": history[index].get("content", ""),
        "liked": liked,
        "comment": comment.strip()[:2000],
        "citations": (answer or {}).get("citations", []) if index == len(history) - 1 else [],
    }
    append_feedback(assistant.settings.web.feedback_file or assistant.settings.data_dir / "feedback.jsonl", row)
    return "Thanks, noted." if liked else "Thanks, noted; wrong answers become candidates for the eval set."


def backend_description(assistant: Assistant) -> str:
    llm = assistant.settings.llm
    where = "packaged SmolLM2 (llama.cpp)" if llm.backend == "llamacpp" else f"{llm.model} at {llm.base_url}"
    return escape_markdown(f"LLM for generative mode: {where}. Extractive mode uses no LLM.")
