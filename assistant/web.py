"""The Gradio web chat: a thin shell over ``Assistant``; the handlers are plain functions that tests call."""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterator
from typing import Any

from .assistant import Assistant
from .errors import AssistantError
from .types import Answer, Citation

EXAMPLES = [
    "Who recovered the bodies after Tinzaouatene?",
    "How many children were killed in the drone strikes in Tinzaouaten?",
    "When did the junta seize power in Mali?",
    "Who won the 2022 football World Cup?",
]
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>-])")


def escape(text: str) -> str:
    """Plain text for the chat's markdown: no HTML, no links or images that would reach other hosts."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def _card(i: int, c: Citation) -> str:
    when = f", {escape(c.date)}" if c.date else ""
    return f"> **\\[{i}\\] {escape(c.title)}**{when} · `{escape(c.source)}` chars {c.start}–{c.end}  \n> \u201c{escape(c.quote)}\u201d"


def render(answer: Answer) -> str:
    """An answer with its citation cards (or, for a refusal, the nearest passages) as markdown."""
    parts = [escape(answer.text)]
    if answer.refused and answer.nearest:
        parts.append("*Nearest passages (they do not answer the question):*")
        parts.extend(_card(i, c) for i, c in enumerate(answer.nearest, 1))
    parts.extend(_card(i, c) for i, c in enumerate(answer.citations, 1))
    parts.extend(f"*Note: {escape(n)}*" for n in answer.notes)
    return "\n\n".join(parts)


def _questions(history: list[Any]) -> list[str]:
    out = []
    for message in history or []:
        role = message.get("role") if isinstance(message, dict) else None
        content = message.get("content") if isinstance(message, dict) else None
        if role == "user" and isinstance(content, str):
            out.append(content)
    return out


def respond(assistant: Assistant, message: str, history: list[Any]) -> Iterator[str]:
    """Stream one chat turn: the answer's text as it arrives, then the answer with its citation cards."""
    session = assistant.chat()
    for earlier in _questions(history):
        session.remember(earlier)
    text = ""
    try:
        for item in session.stream(message):
            if isinstance(item, Answer):
                yield render(item)
            else:
                text += item
                yield escape(text)
    except AssistantError as exc:
        yield f"**Error:** {escape(str(exc))}"


def ask_api(assistant: Assistant, question: str) -> dict[str, Any]:
    """The ``/ask`` endpoint: the same object as ``assistant ask --json``."""
    try:
        return assistant.ask(question).to_dict()
    except AssistantError as exc:
        return {"error": str(exc)}


def build_app(assistant: Assistant) -> Any:
    import gradio as gr

    with gr.Blocks(title="Document assistant") as demo:
        gr.Markdown("## Document assistant\nAnswers come only from the indexed documents, each with the passage "
                    "it rests on. When the documents don't say, it says so.")
        gr.ChatInterface(
            fn=lambda message, history: (yield from respond(assistant, message, history)),
            examples=EXAMPLES, cache_examples=False, api_name="chat", concurrency_limit=1,
        )
        with gr.Row(visible=False):
            q = gr.Textbox()
            out = gr.JSON()
        gr.Button(visible=False).click(lambda question: ask_api(assistant, question), q, out, api_name="ask")
    return demo


def serve(host: str = "127.0.0.1", port: int = 7860, assistant: Assistant | None = None) -> None:
    assistant = assistant or Assistant()
    print("preparing the index ...", flush=True)
    assistant.ensure_index()
    user, password = os.environ.get("ASSISTANT_WEB_USER"), os.environ.get("ASSISTANT_WEB_PASSWORD")
    demo = build_app(assistant)
    demo.queue(default_concurrency_limit=1).launch(
        server_name=host, server_port=port, share=False, auth=(user, password) if user and password else None,
        show_error=False,
    )
