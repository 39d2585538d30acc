"""What the web page shows, as pure functions of plain data: escaped chat text, citation cards, the source viewer.

Everything shown is escaped here: answers, quotes and documents are text, never markup, so a document
cannot make the page load an image, follow a link or run a script.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

from ..answer import REFUSAL
from ..types import Answer, Citation

SourceText = Callable[[str], "str | None"]  # an indexed source's original text (Assistant.source_text)
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
    if answer.short and answer.text.startswith(answer.short.text):  # the answer phrase first, in bold
        rest = _MARKER.sub(r"[\1]", escape_markdown(answer.text[len(answer.short.text) :]))
        return f"**{escape_markdown(answer.short.text)}**{rest}"
    return _MARKER.sub(r"[\1]", escape_markdown(answer.text))


def _context(original: str, start: int, end: int, reach: int = 320) -> tuple[str, str, str]:
    """The quote with the rest of its paragraph around it (cut at blank lines, or at ``reach`` characters)."""
    left = max(original.rfind("\n", 0, start) + 1, start - reach)
    right_break = original.find("\n", end)
    right = min(right_break if right_break != -1 else len(original), end + reach)
    before = ("…" if left > 0 and original[left - 1] != "\n" else "") + original[left:start]
    after = original[end:right] + ("…" if right < len(original) and original[right] != "\n" else "")
    return before, original[start:end], after


def citation_card(source_text: SourceText, n: int, c: Citation) -> str:
    e = html.escape
    original = source_text(c.source)
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


def evidence_html(source_text: SourceText, answer: Answer | None) -> str:
    """Citation cards under the answer; for a refusal, the nearest passages, marked as not answering."""
    if answer is None:
        return "<p>Citations for the latest answer appear here.</p>"
    if answer.refused:
        cards = "".join(citation_card(source_text, i, c) for i, c in enumerate(answer.nearest, 1))
        return (
            f'<div class="refusal"><p><b>The documents don\'t say.</b> Searched for: '
            f"{html.escape(answer.query)}</p><p>Nearest passages (they do not answer the question):</p>"
            f"{cards}</div>"
        )
    cards = "".join(citation_card(source_text, i, c) for i, c in enumerate(answer.citations, 1))
    notes = "".join(f"<p><i>Note: {html.escape(n)}</i></p>" for n in answer.notes)
    return cards + notes


def source_html(source_text: SourceText, answer: dict[str, Any] | None, choice: str | None) -> str:
    """The whole document of a cited passage, with the quote marked (the page scrolls to it)."""
    if not answer or not choice:
        return "<p>Pick a citation to open its document.</p>"
    match = re.match(r"\[(\d+)\]", choice)
    cites = answer.get("citations") or answer.get("nearest") or []
    if not match or not 0 < int(match.group(1)) <= len(cites):
        return "<p>Pick a citation to open its document.</p>"
    c = cites[int(match.group(1)) - 1]
    original = source_text(c["source"])
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
