"""The Gradio web chat: a thin layout over plain handler functions that tests call directly.

Everything shown is escaped here: answers, quotes and documents are text, never markup, so a document
cannot make the page load an image, follow a link or run a script.
"""

import html
import json
import re
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from .answer import REFUSAL
from .assistant import Assistant
from .errors import AssistantError, BadInput
from .types import Answer, Citation

EXAMPLES = [
    "Who recovered the bodies after Tinzaouatene?",
    "How many children were killed in the drone strikes in Tinzaouaten?",
    "When did the junta seize power in Mali?",
    "Who won the 2022 football World Cup?",
]
UPLOAD_TYPES = (".txt", ".md")
CSS = """
.card{border:1px solid #d0d7de;border-radius:8px;padding:8px 10px;margin:6px 0;background:#fff}
.card .meta{font-size:12px;color:#57606a}.card .ctx{font-size:14px;line-height:1.45;white-space:pre-wrap}
.card mark,.doc mark{background:#fff3a3;padding:0 1px}.refusal{border-left:4px solid #d4a72c;padding-left:8px}
.doc{white-space:pre-wrap;font-size:14px;line-height:1.5;max-height:480px;overflow-y:auto;border:1px solid #d0d7de;
padding:10px;border-radius:8px}
"""
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>-])")
_MARKER = re.compile(r"\\\[(\d+)\\\]")


def escape_markdown(text: str) -> str:
    """Plain text for the chat's markdown: no HTML, no links or images that would reach other hosts."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def chat_text(answer: Answer | str) -> str:
    """The chat bubble: escaped text, citation markers kept as [n]; a refusal leads with its verdict in bold."""
    if isinstance(answer, str):
        return _MARKER.sub(r"[\1]", escape_markdown(answer))
    if answer.refused and answer.text.startswith(REFUSAL):
        rest = _MARKER.sub(r"[\1]", escape_markdown(answer.text[len(REFUSAL) :].strip()))
        return f"**{REFUSAL}** {rest}"
    return _MARKER.sub(r"[\1]", escape_markdown(answer.text))


def _context(original: str, start: int, end: int, reach: int = 320) -> tuple[str, str, str]:
    """The quote with the rest of its paragraph around it (cut at blank lines, or at ``reach`` characters)."""
    left = max(original.rfind("\n", 0, start) + 1, start - reach)
    right_break = original.find("\n", end)
    right = min(right_break if right_break != -1 else len(original), end + reach)
    before = ("…" if left > 0 and original[left - 1] != "\n" else "") + original[left:start]
    after = original[end:right] + ("…" if right < len(original) and original[right] != "\n" else "")
    return before, original[start:end], after


def citation_card(assistant: Assistant, n: int, c: Citation) -> str:
    e = html.escape
    original = assistant.source_text(c.source)
    if original is not None and original[c.start : c.end] == c.quote:
        before, quote, after = _context(original, c.start, c.end)
    else:
        before, quote, after = "", c.quote, ""
    date = f" · {e(c.date)}" if c.date else ""
    return (
        f'<div class="card"><div class="meta"><b>[{n}] {e(c.title)}</b>{date} · <code>{e(c.source)}</code> · '
        f"characters {c.start}–{c.end}</div>"
        f'<div class="ctx">{e(before)}<mark>{e(quote)}</mark>{e(after)}</div></div>'
    )


def evidence_html(assistant: Assistant, answer: Answer | None) -> str:
    """Citation cards under the answer; for a refusal, the nearest passages, marked as not answering."""
    if answer is None:
        return "<p>Citations for the latest answer appear here.</p>"
    if answer.refused:
        cards = "".join(citation_card(assistant, i, c) for i, c in enumerate(answer.nearest, 1))
        return (
            f'<div class="refusal"><p><b>The documents don\'t say.</b> Searched for: '
            f"{html.escape(answer.query)}</p><p>Nearest passages (they do not answer the question):</p>"
            f"{cards}</div>"
        )
    cards = "".join(citation_card(assistant, i, c) for i, c in enumerate(answer.citations, 1))
    notes = "".join(f"<p><i>Note: {html.escape(n)}</i></p>" for n in answer.notes)
    return cards + notes


def source_html(assistant: Assistant, answer: dict[str, Any] | None, choice: str | None) -> str:
    """The whole document of a cited passage, with the quote marked (the page scrolls to it)."""
    if not answer or not choice:
        return "<p>Pick a citation to open its document.</p>"
    match = re.match(r"\[(\d+)\]", choice)
    cites = answer.get("citations") or answer.get("nearest") or []
    if not match or not 0 < int(match.group(1)) <= len(cites):
        return "<p>Pick a citation to open its document.</p>"
    c = cites[int(match.group(1)) - 1]
    original = assistant.source_text(c["source"])
    if original is None or original[c["start"] : c["end"]] != c["quote"]:
        return "<p>That document changed or is gone since the answer was given; ask again.</p>"
    e = html.escape
    return (
        f'<div class="meta"><b>{e(c["title"])}</b> · <code>{e(c["source"])}</code></div><div class="doc">'
        f'{e(original[: c["start"]])}<mark id="quote-mark">{e(c["quote"])}</mark>{e(original[c["end"] :])}</div>'
    )


def citation_choices(answer: Answer | None) -> list[str]:
    if answer is None:
        return []
    cites = answer.citations or answer.nearest
    return [f"[{i}] {c.title} ({c.source})" for i, c in enumerate(cites, 1)]


def _user_questions(history: Sequence[dict[str, Any]]) -> list[str]:
    return [m["content"] for m in history if m.get("role") == "user" and isinstance(m.get("content"), str)]


def chat_turn(
    assistant: Assistant,
    message: str,
    history: list[dict[str, Any]],
    mode: str = "extractive",
    passages: int | None = None,
) -> Iterator[tuple[list[dict[str, Any]], str, dict[str, Any] | None, list[str]]]:
    """One turn: stream the answer into the chat, then show its citation cards.

    Yields (chat history, citation cards HTML, the answer as a dict, citation choices for the source viewer).
    Earlier questions of the conversation are replayed so follow-ups are resolved the same way as in the API.
    """
    history = list(history or [])
    session = assistant.chat()
    for earlier in _user_questions(history):
        session.remember(earlier)
    history = history + [{"role": "user", "content": message}, {"role": "assistant", "content": "…"}]
    streamed = ""
    try:
        for item in session.stream(message, mode=mode, passages=passages):
            if isinstance(item, Answer):
                history[-1] = {"role": "assistant", "content": chat_text(item)}
                yield history, evidence_html(assistant, item), item.to_dict(), citation_choices(item)
                return
            streamed += item
            history[-1] = {"role": "assistant", "content": chat_text(streamed)}
            yield history, "<p>Answering…</p>", None, []
    except AssistantError as exc:
        history[-1] = {"role": "assistant", "content": f"**Error:** {escape_markdown(str(exc))}"}
        yield history, "", None, []


def ask_api(assistant: Assistant, question: str) -> dict[str, Any]:
    """The ``/ask`` endpoint: the same object as ``assistant ask --json`` (or ``{"error": ...}``)."""
    try:
        return assistant.ask(question).to_dict()
    except AssistantError as exc:
        return {"error": str(exc)}


def documents_table(assistant: Assistant) -> list[list[Any]]:
    return [[d["source"], d["title"], d["date"], d["chunks"]] for d in assistant.documents()]


def safe_name(name: str) -> str:
    """A plain file name for an upload: no folders, no leading dots, only ordinary characters."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name).name).lstrip("._") or "upload"
    return stem[:120]


def upload_documents(
    assistant: Assistant, files: Sequence[Any] | None, progress: Callable[[int, int], None] | None = None
) -> str:
    """Validate uploads (type, size, text), copy them into the corpus folder and ingest them."""
    if not files:
        return "Choose one or more .txt or .md files first."
    limit = assistant.settings.web.max_upload_mb
    accepted: list[Path] = []
    problems: list[str] = []
    corpus = assistant.settings.corpus_dir
    corpus.mkdir(parents=True, exist_ok=True)
    for item in files:
        path = Path(item if isinstance(item, (str, Path)) else getattr(item, "name", ""))
        name = safe_name(getattr(item, "orig_name", None) or path.name)
        if Path(name).suffix.lower() not in UPLOAD_TYPES:
            problems.append(f"{name}: only {', '.join(UPLOAD_TYPES)} files can be added")
            continue
        if not path.is_file() or path.stat().st_size > limit * 1024 * 1024:
            problems.append(f"{name}: larger than the {limit:g} MB upload limit")
            continue
        target = corpus / name
        if target.exists():
            target = corpus / f"{Path(name).stem}-{int(time.time())}{Path(name).suffix}"
        shutil.copyfile(path, target)
        accepted.append(target)
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
    """Append one judgement to the feedback JSONL that ``assistant eval --feedback`` turns into gold candidates."""
    if index is None or not 0 <= index < len(history) or history[index].get("role") != "assistant":
        return "Use the thumbs on an answer."
    questions = [m for m in history[:index] if m.get("role") == "user"]
    path = assistant.settings.web.feedback_file or assistant.settings.data_dir / "feedback.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    row = {
        "time": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "question": questions[-1]["content"] if questions else "",
        "answer": history[index].get("content", ""),
        "liked": liked,
        "comment": comment.strip()[:2000],
        "citations": (answer or {}).get("citations", []) if index == len(history) - 1 else [],
    }
    with open(path, "a", encoding="utf-8") as out:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return "Thanks, noted." if liked else "Thanks, noted; wrong answers become candidates for the eval set."


def backend_description(assistant: Assistant) -> str:
    llm = assistant.settings.llm
    where = "packaged SmolLM2 (llama.cpp)" if llm.backend == "llamacpp" else f"{llm.model} at {llm.base_url}"
    return escape_markdown(f"LLM for generative mode: {where}. Extractive mode uses no LLM.")


def build_app(assistant: Assistant) -> Any:
    # no postponed annotations in this module: Gradio reads handler hints (gr.LikeData) at run time
    import gradio as gr

    def progress_fn(progress: Any) -> Callable[[int, int], None]:
        return lambda done, total: progress(done / max(total, 1), desc=f"indexing {done}/{total} passages")

    def prepare(progress: Any = gr.Progress()) -> tuple[str, Any]:
        try:
            assistant.ensure_index(progress=progress_fn(progress))
            docs = documents_table(assistant)
        except AssistantError as exc:
            return f"**Error:** {escape_markdown(str(exc))}", gr.update()
        return f"{len(docs)} documents indexed.", gr.update(value=docs)

    def turn(message: str, history: list[dict[str, Any]], mode: str, passages: float) -> Iterator[Any]:
        if not message or not message.strip():
            yield history, gr.update(), gr.update(), gr.update(), message
            return
        for chat, cards, answer, choices in chat_turn(assistant, message, history, mode, int(passages)):
            yield chat, cards, answer, gr.update(choices=choices, value=None), ""

    def on_like(data: gr.LikeData, history: list[dict[str, Any]], comment: str, answer: Any) -> str:
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        return record_feedback(assistant, history, index, bool(data.liked), comment, answer)

    def refreshed(status: str) -> tuple[str, Any, Any, str]:
        docs = documents_table(assistant)
        return status, docs, gr.update(choices=[d[0] for d in docs], value=[]), f"{len(docs)} documents indexed."

    def on_upload(files: Any, progress: Any = gr.Progress()) -> tuple[str, Any, Any, str]:
        try:
            return refreshed(upload_documents(assistant, files, progress_fn(progress)))
        except AssistantError as exc:
            return refreshed(f"**Error:** {escape_markdown(str(exc))}")

    def on_remove(sources: list[str]) -> tuple[str, Any, Any, str]:
        try:
            return refreshed(remove_documents(assistant, sources))
        except AssistantError as exc:
            return refreshed(f"**Error:** {escape_markdown(str(exc))}")

    with gr.Blocks(title="Document assistant") as demo:
        answer_state = gr.State(None)
        gr.Markdown(
            "## Document assistant\nAnswers come only from the indexed documents, each sentence with the "
            "passage it rests on. When the documents don't say, it says so."
        )
        status = gr.Markdown("Preparing the index…", elem_id="status")
        with gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(
                    label="Conversation",
                    height=460,
                    elem_id="chat",
                    feedback_options=("Like", "Dislike"),
                    buttons=["copy", "copy_all"],
                )  # no "share": nothing leaves this machine
                with gr.Row():
                    box = gr.Textbox(
                        placeholder="Ask a question about the documents",
                        show_label=False,
                        scale=5,
                        elem_id="question",
                        max_length=4000,
                    )
                    send = gr.Button("Ask", variant="primary", scale=1, elem_id="ask")
                with gr.Row():
                    new = gr.Button("New conversation", elem_id="new")
                    comment = gr.Textbox(
                        placeholder="Optional comment, then use the thumbs on the answer",
                        show_label=False,
                        scale=3,
                        max_length=2000,
                    )
                feedback_status = gr.Markdown()
                gr.Examples(EXAMPLES, inputs=box, label="Examples")
            with gr.Column(scale=2):
                gr.Markdown("### Citations")
                cards = gr.HTML(evidence_html(assistant, None), elem_id="citations")
                with gr.Accordion("View source", open=False):
                    pick = gr.Dropdown(choices=[], label="Citation", elem_id="pick")
                    viewer = gr.HTML("<p>Pick a citation to open its document.</p>", elem_id="viewer")
                with gr.Accordion("Settings", open=False):
                    mode = gr.Radio(["extractive", "generative"], value=assistant.settings.mode, label="Answer mode")
                    passages = gr.Slider(
                        1, 5, value=assistant.settings.retrieval.max_evidence, step=1, label="Passages cited at most"
                    )
                    gr.Markdown(backend_description(assistant))
                with gr.Accordion("Documents", open=False):
                    docs = gr.Dataframe(
                        headers=["source", "title", "date", "passages"], interactive=False, elem_id="documents"
                    )
                    upload = gr.File(
                        label=f"Add .txt or .md (up to {assistant.settings.web.max_upload_mb:g} MB each)",
                        file_types=list(UPLOAD_TYPES),
                        file_count="multiple",
                        elem_id="upload",
                    )
                    upload_status = gr.Markdown(elem_id="upload-status")
                    chosen = gr.CheckboxGroup(choices=[], label="Remove from the index")
                    remove = gr.Button("Remove selected")

        outputs = [chatbot, cards, answer_state, pick, box]
        send.click(turn, [box, chatbot, mode, passages], outputs, api_visibility="private")
        box.submit(turn, [box, chatbot, mode, passages], outputs, api_visibility="private")
        new.click(
            lambda: ([], evidence_html(assistant, None), None, gr.update(choices=[], value=None), ""),
            None,
            outputs,
            api_visibility="private",
        )
        pick.change(
            lambda a, c: source_html(assistant, a, c), [answer_state, pick], viewer, api_visibility="private"
        ).then(None, js="() => document.getElementById('quote-mark')?.scrollIntoView({block:'center'})")
        chatbot.like(on_like, [chatbot, comment, answer_state], feedback_status, api_visibility="private")
        upload.upload(on_upload, upload, [upload_status, docs, chosen, status], api_visibility="private")
        remove.click(on_remove, chosen, [upload_status, docs, chosen, status], api_visibility="private")
        demo.load(prepare, None, [status, docs], api_visibility="private").then(
            lambda: gr.update(choices=[d[0] for d in documents_table(assistant)]),
            None,
            chosen,
            api_visibility="private",
        )

        def ask(question: str) -> dict[str, Any]:
            """Answer one question: the same object as `assistant ask --json`."""
            return ask_api(assistant, question)

        gr.api(ask, api_name="ask")
    return demo


def launch_options(assistant: Assistant) -> dict[str, Any]:
    settings = assistant.settings
    auth = None
    if settings.web_user and settings.web_password:
        auth = (settings.web_user, settings.web_password.get_secret_value())
    elif settings.web_user or settings.web_password:
        raise BadInput("set both ASSISTANT_WEB_USER and ASSISTANT_WEB_PASSWORD to turn on the login, or neither")
    from starlette.middleware import Middleware

    from .webguard import RequestGuard

    limit = int(settings.web.max_upload_mb * 1024 * 1024)
    guard = Middleware(RequestGuard, allowed_types=UPLOAD_TYPES, max_bytes=limit + 64 * 1024)  # + multipart headers
    return {
        "share": False,
        "auth": auth,
        "max_file_size": limit,
        "show_error": False,
        "css": CSS,
        "strict_cors": True,
        "footer_links": ["api"],
        "app_kwargs": {"middleware": [guard]},
    }


def serve(host: str = "127.0.0.1", port: int = 7860, assistant: Assistant | None = None, block: bool = True) -> Any:
    """Start the web chat; with ``block=False`` return the running app (``.close()`` stops it)."""
    assistant = assistant or Assistant()
    options = launch_options(assistant)
    demo = build_app(assistant)
    # one request at a time: the local model and the writer lock are never shared; a full queue says so
    demo.queue(default_concurrency_limit=1, max_size=assistant.settings.web.queue_size)
    print(f"Document assistant on http://{host}:{port} (Ctrl-C stops it)", flush=True)
    demo.launch(server_name=host, server_port=port, prevent_thread_lock=not block, quiet=True, **options)
    return demo
