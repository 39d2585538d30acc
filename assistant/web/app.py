"""The Gradio layout and launch: wires page events to the handlers; no logic of its own."""

from collections.abc import Callable, Iterator
from typing import Any

from ..assistant import Assistant
from ..errors import AssistantError, BadInput
from .handlers import (
    UPLOAD_TYPES,
    ask_api,
    backend_description,
    chat_turn,
    documents_table,
    record_feedback,
    remove_documents,
    upload_documents,
)
from .render import escape_markdown, evidence_html, source_html

EXAMPLES = [
    "Who recovered the bodies after Tinzaouatene?",
    "How many children were killed in the drone strikes in Tinzaouaten?",
    "When did the junta seize power in Mali?",
    "Who won the 2022 football World Cup?",
    "Summarize the articles.",
    "Compare what the articles say about the drone strikes.",
]
CSS = """
.card{border:1px solid #d0d7de;border-radius:8px;padding:8px 10px;margin:6px 0;background:#fff}
.card .meta{font-size:12px;color:#57606a}.card .ctx{font-size:14px;line-height:1.45;white-space:pre-wrap}
.card mark,.doc mark{background:#fff3a3;padding:0 1px}.refusal{border-left:4px solid #d4a72c;padding-left:8px}
.doc{white-space:pre-wrap;font-size:14px;line-height:1.5;max-height:480px;overflow-y:auto;border:1px solid #d0d7de;
padding:10px;border-radius:8px}
"""


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

    def turn(message: str, history: list[dict[str, Any]], session: Any, mode: str, cited: float) -> Iterator[Any]:
        if not message or not message.strip():
            yield history, gr.update(), gr.update(), gr.update(), message, session
            return
        for chat, cards, answer, choices, kept in chat_turn(assistant, message, history, session, mode, int(cited)):
            yield chat, cards, answer, gr.update(choices=choices, value=None), "", kept

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
        session_state = gr.State(None)  # this browser session's ChatSession
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
                cards = gr.HTML(evidence_html(assistant.source_text, None), elem_id="citations")
                with gr.Accordion("View source", open=False):
                    pick = gr.Dropdown(choices=[], label="Citation", elem_id="pick")
                    viewer = gr.HTML("<p>Pick a citation to open its document.</p>", elem_id="viewer")
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

        outputs = [chatbot, cards, answer_state, pick, box, session_state]
        send.click(turn, [box, chatbot, session_state, mode, cited], outputs, api_visibility="private")
        box.submit(turn, [box, chatbot, session_state, mode, cited], outputs, api_visibility="private")
        new.click(
            lambda: ([], evidence_html(assistant.source_text, None), None, gr.update(choices=[], value=None), "", None),
            None,
            outputs,
            api_visibility="private",
        ).then(lambda: "", None, feedback_status, api_visibility="private")
        pick.change(
            lambda a, c: source_html(assistant.source_text, a, c),
            [answer_state, pick],
            viewer,
            api_visibility="private",
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

    from .guard import RequestGuard

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
