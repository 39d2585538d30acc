"""The Gradio layout and launch: wires page events to the handlers; no logic of its own."""

import importlib.util
from collections.abc import Callable, Iterator
from typing import Any

from ..assistant import Assistant
from ..broad import example_questions
from ..errors import AssistantError, BadInput
from .api import register_api
from .handlers import (
    DOCUMENT_COLUMNS,
    UPLOAD_TYPES,
    backend_description,
    chat_turn,
    document_rows,
    open_citation,
    record_feedback,
    remove_documents,
    request_stop,
    upload_documents,
)
from .indexing import BackgroundIndex
from .page import CSS, HEAD, SCROLL_TO_QUOTE
from .render import VIEWER_HINT, escape_markdown, evidence_html, start_screen


def build_app(assistant: Assistant, indexing: BackgroundIndex) -> Any:
    # no postponed annotations in this module: Gradio reads handler hints (gr.LikeData) at run time
    import gradio as gr

    def progress_fn(progress: Any) -> Callable[[int, int], None]:
        return lambda done, total: progress(done / max(total, 1), desc=f"indexing {done}/{total} passages")

    def overview() -> tuple[str, Any, Any, Any, Any]:
        """The status line, the start screen, the documents table, the removal list and the file selector."""
        documents = assistant.documents() if indexing.ready and not indexing.error else []
        status = indexing.status(len(documents) if documents else None)  # the index read once per refresh
        examples = [{"text": q} for q in example_questions(documents, 4)] if documents else []
        return (
            status,
            gr.update(placeholder=start_screen(documents, status), examples=examples),
            gr.update(value=document_rows(documents)),
            gr.update(choices=[(f"{d['title']} ({d['source']})", d["source"]) for d in documents], value=[]),
            gr.update(choices=[(str(d["title"]), d["source"]) for d in documents]),
        )

    def tick() -> tuple[Any, ...]:
        return (*overview(), gr.Timer(active=not indexing.ready))

    def turn(
        message: str,
        history: list[dict[str, Any]],
        session: Any,
        answers: Any,
        mode: str,
        cited: float,
        within: list[str] | None,
    ) -> Iterator[Any]:
        if not message or not message.strip():
            yield history, gr.update(), answers, message, session
            return
        box_text: Any = ""  # cleared once, as the turn starts: what the user types meanwhile is the next question
        for chat, cards, kept_answers, kept in chat_turn(
            assistant, message, history, session, mode, int(cited), answers, indexing, within
        ):
            yield chat, cards, kept_answers, box_text, kept
            box_text = gr.update()

    def on_like(data: gr.LikeData, history: list[dict[str, Any]], comment: str, answers: Any) -> str:
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        turn = sum(1 for m in history[: index or 0] if m.get("role") == "assistant")
        answer = answers[turn] if answers and turn < len(answers) else None
        return record_feedback(assistant, history, index, bool(data.liked), comment, answer)

    def on_upload(files: Any, progress: Any = gr.Progress()) -> tuple[Any, ...]:
        try:
            said = upload_documents(assistant, files, progress_fn(progress))
        except AssistantError as exc:
            said = f"**Error:** {escape_markdown(str(exc))}"
        return (said, *overview())

    def on_remove(sources: list[str]) -> tuple[Any, ...]:
        try:
            said = remove_documents(assistant, sources)
        except AssistantError as exc:
            said = f"**Error:** {escape_markdown(str(exc))}"
        return (said, *overview())

    with gr.Blocks(title="Document assistant") as demo:
        answers_state = gr.State([])  # this browser session's answers, one per assistant message
        session_state = gr.State(None)  # this browser session's ChatSession
        with gr.Row(elem_id="top"):
            gr.Markdown("## Document assistant", elem_id="brand")
            status = gr.Markdown(indexing.status(), elem_id="status")
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=320):
                chatbot = gr.Chatbot(
                    show_label=False,
                    height=520,
                    elem_id="chat",
                    feedback_options=("Like", "Dislike"),
                    buttons=["copy"],  # no "share": nothing leaves this machine
                    placeholder=start_screen([], indexing.status()),
                    allow_tags=False,
                )
                with gr.Row(elem_id="ask-row"):
                    box = gr.Textbox(
                        placeholder="Ask a question about the documents",
                        show_label=False,
                        scale=6,
                        min_width=160,
                        elem_id="question",
                        max_length=4000,
                        autofocus=True,
                    )
                    send = gr.Button("Ask", variant="primary", scale=1, min_width=64, elem_id="ask")
                    stop = gr.Button("Stop", variant="stop", scale=1, min_width=64, elem_id="stop")
                within = gr.Dropdown(
                    choices=[],
                    multiselect=True,
                    label="Ask within",
                    info="all files when none is chosen",
                    elem_id="within",
                )
                with gr.Row():
                    new = gr.Button("New conversation", elem_id="new", scale=1)
                    comment = gr.Textbox(
                        placeholder="Optional comment, then use the thumbs on the answer",
                        show_label=False,
                        scale=3,
                        max_length=2000,
                        elem_id="comment",
                    )
                feedback_status = gr.Markdown(elem_id="feedback-status")
            with gr.Column(scale=2, min_width=320, elem_id="side"):
                viewer = gr.HTML(VIEWER_HINT, elem_id="viewer")
                gr.Markdown("#### Passages behind the latest answer", elem_id="citations-heading")
                cards = gr.HTML(evidence_html(assistant.source_text, None), elem_id="citations")
                with gr.Accordion("Documents", open=False, elem_id="documents-panel"):
                    docs = gr.Dataframe(
                        headers=DOCUMENT_COLUMNS, interactive=False, wrap=True, elem_id="documents", max_height=320
                    )
                    upload = gr.File(
                        label=f"Add text, PDF, Word or web pages (up to {assistant.settings.web.max_upload_mb:g} MB)",
                        file_types=list(UPLOAD_TYPES),
                        file_count="multiple",
                        elem_id="upload",
                    )
                    upload_status = gr.Markdown(elem_id="upload-status")
                    chosen = gr.CheckboxGroup(choices=[], label="Remove from the index")
                    remove = gr.Button("Remove selected")
                with gr.Accordion("Settings", open=False):
                    mode = gr.Radio(
                        [("extractive", "extractive"), ("generative (experimental)", "generative")],
                        value=assistant.settings.mode,
                        label="Answer mode",
                        info="generative: a language model phrases the answer from the passages; experimental, "
                        "not yet as accurate as extractive on the gold set",
                    )
                    cited = gr.Slider(
                        1, 5, value=assistant.settings.retrieval.max_citations, step=1, label="Passages cited at most"
                    )
                    gr.Markdown(backend_description(assistant))
        # the page script puts a clicked marker's "turn:n" here and presses the button
        cite_target = gr.Textbox(visible="hidden", elem_id="cite-target")
        cite_open = gr.Button(visible="hidden", elem_id="cite-open")
        timer = gr.Timer(1.0)

        private: dict[str, Any] = {"api_visibility": "private"}
        turn_inputs = [box, chatbot, session_state, answers_state, mode, cited, within]
        turn_outputs = [chatbot, cards, answers_state, box, session_state]
        answering: dict[str, Any] = {"show_progress": "minimal", **private}  # no spinner over the question box
        # a question asked while an answer is still coming is asked next, not dropped (Gradio's default for a click)
        send.click(turn, turn_inputs, turn_outputs, trigger_mode="always_last", **answering)
        box.submit(turn, turn_inputs, turn_outputs, trigger_mode="always_last", **answering)

        def example_text(picked: gr.SelectData) -> str:
            return str(picked.value["text"])

        picked = chatbot.example_select(example_text, None, box, **private)
        picked.then(turn, turn_inputs, turn_outputs, **answering)
        stop.click(request_stop, session_state, None, **private)
        new.click(
            lambda: ([], evidence_html(assistant.source_text, None), [], "", None, VIEWER_HINT, "", ""),
            None,
            [*turn_outputs, viewer, feedback_status, comment],
            **private,
        )
        cite_open.click(
            lambda answers, target: open_citation(assistant, answers, target),
            [answers_state, cite_target],
            viewer,
            **private,
        ).then(None, js=SCROLL_TO_QUOTE)
        chatbot.like(on_like, [chatbot, comment, answers_state], feedback_status, **private)
        overview_outputs = [status, chatbot, docs, chosen, within]
        timer.tick(tick, None, [*overview_outputs, timer], **private)
        demo.load(overview, None, overview_outputs, **private)
        upload.upload(on_upload, upload, [upload_status, *overview_outputs], **private)
        remove.click(on_remove, chosen, [upload_status, *overview_outputs], **private)

        register_api(assistant, indexing)
    return demo


def launch_options(assistant: Assistant) -> dict[str, Any]:
    settings = assistant.settings
    auth = None
    if settings.web_user and settings.web_password:
        auth = (settings.web_user, settings.web_password.get_secret_value())
    elif settings.web_user or settings.web_password:
        raise BadInput("set both ASSISTANT_WEB_USER and ASSISTANT_WEB_PASSWORD to turn on the login, or neither")
    from starlette.middleware import Middleware

    from .guard import RequestGuard

    limit = int(settings.web.max_upload_mb * 1024 * 1024)
    guard = Middleware(RequestGuard, allowed_types=UPLOAD_TYPES, max_bytes=limit + 64 * 1024)  # + multipart headers
    return {
        "share": False,
        "auth": auth,
        "max_file_size": limit,
        "show_error": False,
        "css": CSS,
        "head": HEAD,
        "strict_cors": True,
        "footer_links": ["api"],
        "app_kwargs": {"middleware": [guard]},
    }


def serve(
    host: str = "127.0.0.1",
    port: int = 7860,
    assistant: Assistant | None = None,
    block: bool = True,
    mcp: bool = False,
) -> Any:
    """Start the web chat; with ``block=False`` return the running app (``.close()`` stops it).

    The page is up at once; the corpus folder is synced in the background meanwhile (progress on the page).
    With ``mcp``, the API's ask, chat, search and ingest are also MCP tools at /gradio_api/mcp/."""
    if mcp and importlib.util.find_spec("mcp") is None:
        raise BadInput("the MCP server needs the mcp package: pip install -e '.[mcp]'")
    assistant = assistant or Assistant()
    options = launch_options(assistant)
    options["mcp_server"] = mcp
    indexing = BackgroundIndex(assistant).start()
    demo = build_app(assistant, indexing)
    # one request at a time per event: the local model is never shared; writers queue on the assistant's lock
    demo.queue(default_concurrency_limit=1, max_size=assistant.settings.web.queue_size)
    print(f"Document assistant on http://{host}:{port} (Ctrl-C stops it)", flush=True)
    if mcp:
        print(f"MCP tools (ask, chat, search, ingest) at http://{host}:{port}/gradio_api/mcp/", flush=True)
    demo.launch(server_name=host, server_port=port, prevent_thread_lock=not block, quiet=True, **options)
    return demo
