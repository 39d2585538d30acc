"""What the page's events do, as plain functions that tests call directly (no Gradio here).

Each browser session keeps its own ``ChatSession`` (in ``gr.State``), so a follow-up is resolved from that
session's history without replaying earlier questions.
"""

from __future__ import annotations

import re
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..assistant import Assistant
from ..chat import ChatSession
from ..errors import AssistantError
from ..formats import SUFFIXES
from ..library import append_feedback, copy_into
from ..types import Answer, Draft
from .indexing import BackgroundIndex
from .render import STREAMING, answer_html, escape_markdown, evidence_html, source_html, streaming_html

UPLOAD_TYPES = SUFFIXES
Answers = list["dict[str, Any] | None"]  # one per assistant message of the conversation (None: no answer given)
TurnUpdate = tuple[list[dict[str, Any]], str, Answers, ChatSession]
WAIT_STEP_S = 0.5
STOPPED = "<p class='hint'>Stopped.</p>"
REPLAYED_TURNS = 4  # the API's chat history: follow-ups are resolved from the last few turns
_DRAFT = re.compile(r' ?<span class="draft">.*?</span>', re.S)
# conversations whose user pressed Stop: their running turn ends at its next piece (this also closes the model's
# stream); a flag rather than Gradio's cancel, whose last in-flight update could land after the "Stopped" one
_stop_requested: weakref.WeakSet[ChatSession] = weakref.WeakSet()


def request_stop(session: ChatSession | None) -> None:
    if session is not None:
        _stop_requested.add(session)


def chat_turn(
    assistant: Assistant,
    message: str,
    history: list[dict[str, Any]],
    session: ChatSession | None = None,
    mode: str = "extractive",
    max_citations: int | None = None,
    answers: Answers | None = None,
    indexing: BackgroundIndex | None = None,
    sources: Sequence[str] | None = None,
) -> Iterator[TurnUpdate]:
    """One turn: wait for indexing if it is still going (saying how far it is), stream the answer into the chat
    (a generated draft shown as such until its sentences pass the checks), then show its citation cards.

    Yields (chat history, the side panel's cards, the answers so far as dicts, the session for the next turn).
    ``sources``: the files to answer from (all when empty).
    """
    session = session or assistant.chat()
    _stop_requested.discard(session)
    answers = [*(answers or []), None]
    turn = len(answers) - 1
    history = [
        *(history or []),
        {"role": "user", "content": message},
        {"role": "assistant", "content": streaming_html("")},
    ]
    waiting = "<p class='hint'>Answering…</p>"
    while indexing is not None and not indexing.wait(WAIT_STEP_S):
        if session in _stop_requested:
            yield stopped(history), STOPPED, list(answers), session
            return
        history[-1] = {"role": "assistant", "content": streaming_html("", waiting=indexing.status())}
        yield list(history), waiting, list(answers), session
    shown, draft = "", ""
    try:
        chosen = assistant.resolve_sources(sources)
        drafts = mode == "generative"
        for item in session.stream(message, mode=mode, max_citations=max_citations, drafts=drafts, sources=chosen):
            if session in _stop_requested:  # leaving the loop closes the stream, and the model's with it
                yield stopped(history), STOPPED, list(answers), session
                return
            if isinstance(item, Answer):
                answers[turn] = item.to_dict()
                history[-1] = {"role": "assistant", "content": answer_html(assistant.source_text, item, turn)}
                yield history, evidence_html(assistant.source_text, item, turn), answers, session
                return
            if isinstance(item, Draft):
                draft += item
            else:  # a sentence that passed the checks replaces the draft it came from
                shown, draft = shown + item, ""
            history[-1] = {"role": "assistant", "content": streaming_html(shown, draft)}
            yield list(history), waiting, list(answers), session
    except AssistantError as exc:
        history[-1] = {"role": "assistant", "content": f"**Error:** {escape_markdown(str(exc))}"}
        yield history, "", answers, session


def message_text(message: dict[str, Any]) -> str:
    """A chat message's text: the page sends content back as a list of parts ({"type": "text", "text": ...})."""
    content = message.get("content", "")
    if isinstance(content, list):
        return "".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    if isinstance(content, dict):
        return str(content.get("text", ""))
    return str(content)


def stopped(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """After Stop: an answer cut short keeps what passed the checks, loses its unchecked draft, and says so."""
    history = list(history or [])
    if not history or not message_text(history[-1]).startswith(STREAMING):
        return history  # nothing was running
    checked = _DRAFT.sub("", message_text(history[-1]))
    kept = checked if re.search(r"<p>[^<…]", checked) else ""  # some checked text, not only waiting
    note = '<p class="note">Stopped before the answer was complete.</p>'
    history[-1] = {"role": "assistant", "content": kept + note}
    return history


def open_citation(assistant: Assistant, answers: Answers | None, target: str) -> str:
    """The viewer for a clicked marker or card, ``target`` being "turn:n"."""
    try:
        turn, n = (int(part) for part in target.split(":"))
        answer = (answers or [])[turn]
    except (ValueError, IndexError):
        return source_html(assistant.source_text, None, 0)
    return source_html(assistant.source_text, answer, n)


def ask_api(assistant: Assistant, question: str, mode: str | None = None) -> dict[str, Any]:
    """The ``/ask`` endpoint: the same object as ``assistant ask --json`` (or ``{"error": ...}``)."""
    try:
        return assistant.ask(question, mode=mode).to_dict()
    except AssistantError as exc:
        return {"error": str(exc)}


def chat_api(
    assistant: Assistant,
    message: str,
    history: Sequence[dict[str, Any]] | None = None,
    mode: str | None = None,
    sources: Sequence[str] | None = None,
) -> Iterator[dict[str, Any]]:
    """The ``/chat`` endpoint: ``{"text": ..., "done": False}`` as the answer's checked text grows, then the full
    answer (as ``/ask``) with ``"done": True``. ``history`` is the conversation so far as role/content messages;
    its recent questions are asked again, quickly and extractively, so that a follow-up ("and who confirmed
    it?") is resolved as in the page."""
    try:
        session = assistant.chat()
        asked = [message_text(m) for m in history or [] if m.get("role") == "user"]
        for question in asked[-REPLAYED_TURNS:]:
            session.ask(question, mode="extractive")
        text = ""
        for item in session.stream(message, mode=mode, sources=assistant.resolve_sources(sources)):
            if isinstance(item, Answer):
                yield {**item.to_dict(), "done": True}
            elif not isinstance(item, Draft):
                text += item
                yield {"text": text, "done": False}
    except AssistantError as exc:
        yield {"error": str(exc), "done": True}


def search_api(
    assistant: Assistant, query: str, limit: int = 5, sources: Sequence[str] | None = None
) -> list[dict[str, Any]] | dict[str, Any]:
    """The ``/search`` endpoint: the best matching passages, verified, without an answer."""
    try:
        return [asdict(c) for c in assistant.search(query, limit=max(1, min(limit, 50)), sources=sources)]
    except AssistantError as exc:
        return {"error": str(exc)}


DOCUMENT_COLUMNS = ["title", "date", "passages", "file"]


def documents_table(assistant: Assistant) -> list[list[Any]]:
    return document_rows(assistant.documents())


def document_rows(documents: Sequence[dict[str, Any]]) -> list[list[Any]]:
    """The documents table's rows, in DOCUMENT_COLUMNS order."""
    return [[d["title"], d["date"], d["chunks"], d["source"]] for d in documents]


def upload_documents(
    assistant: Assistant, files: Sequence[Any] | None, progress: Callable[[int, int], None] | None = None
) -> str:
    """Validate uploads (type, size, text), copy them into the corpus folder and ingest them."""
    if not files:
        return "Choose one or more files first (text, markdown, PDF, Word or web pages)."
    added = add_files(assistant, files, progress)
    lines = [f"Not added: {problem}" for problem in added["not_added"]]
    if added["added"]:
        names = ", ".join(added["added"])
        passages = f"{added['passages']} passage{'' if added['passages'] == 1 else 's'}"
        lines.insert(0, f"Added {names} ({passages} indexed). Ask about it now.")
    return "\n\n".join(escape_markdown(line) for line in lines)


def add_files(
    assistant: Assistant, files: Sequence[Any], progress: Callable[[int, int], None] | None = None
) -> dict[str, Any]:
    """Uploaded files (paths, or Gradio's file objects or dicts) checked, copied into the corpus and indexed: the
    ``/ingest`` endpoint's answer, ``{"added": [...], "not_added": [...], "passages": n}``."""
    pairs = []
    for item in files:
        if isinstance(item, dict):  # FileData through the API
            path = Path(str(item.get("path", "")))
            pairs.append((path, str(item.get("orig_name") or path.name)))
        else:
            path = Path(item if isinstance(item, (str, Path)) else getattr(item, "name", ""))
            pairs.append((path, getattr(item, "orig_name", None) or path.name))
    corpus = assistant.settings.corpus_dir
    accepted, problems = copy_into(corpus, pairs, UPLOAD_TYPES, assistant.settings.web.max_upload_mb)
    result: dict[str, Any] = {"added": [], "not_added": list(problems), "passages": 0}
    if accepted:
        report = assistant.ingest(accepted, progress=progress)
        for skipped in report.skipped:  # unreadable after all (binary, empty): take the copy back out
            result["not_added"].append(f"{skipped.path}: {skipped.reason}")
            (corpus / skipped.path).unlink(missing_ok=True)
        result["added"] = [*report.added, *report.updated]
        result["passages"] = report.chunks_embedded
    return result


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
    """Append one judgement to the feedback JSONL that ``assistant feedback`` turns into gold candidates;
    ``answer`` is the judged message's answer (as a dict)."""
    if index is None or not 0 <= index < len(history) or history[index].get("role") != "assistant":
        return "Use the thumbs on an answer."
    questions = [m for m in history[:index] if m.get("role") == "user"]
    row = {
        "time": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "question": message_text(questions[-1]) if questions else "",
        # the answer's own text: the message holds the page's markup around it
        "answer": (answer or {}).get("answer") or message_text(history[index]),
        "liked": liked,
        "comment": comment.strip()[:2000],
        "citations": (answer or {}).get("citations", []),
    }
    append_feedback(assistant.settings.web.feedback_file or assistant.settings.data_dir / "feedback.jsonl", row)
    return "Thanks, noted." if liked else "Thanks, noted; wrong answers become candidates for the eval set."


def backend_description(assistant: Assistant) -> str:
    llm = assistant.settings.llm
    where = "packaged SmolLM2 (llama.cpp)" if llm.backend == "llamacpp" else f"{llm.model} at {llm.base_url}"
    return escape_markdown(f"LLM for generative mode: {where}. Extractive mode uses no LLM.")
