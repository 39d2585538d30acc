"""What the web page shows, as pure functions of plain data: answer bubbles, citation cards, the source viewer,
the start screen.

Everything taken from an answer or a document is escaped here: it is text, never markup, so a document cannot
make the page load an image, follow a link or run a script. The only markup is the page's own: citation markers
(``<a href="#cite-turn-n">``, which the page script turns into "open this quote in the viewer"; the chat's
sanitiser keeps ``href`` but drops ``data-`` attributes) and the cards.
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Callable, Sequence
from typing import Any

from ..answer import REFUSAL, UNSURE_HEAD, UNSURE_NOTE
from ..display import spaced
from ..formats import PAGE_BREAK
from ..kinds import searched_as_asked
from ..quotes import QUOTED_HEAD, SPEAKER
from ..several import numbering, renumbered
from ..text import parse_header
from ..timeline import LABEL
from ..types import Answer, Citation

SourceText = Callable[[str], "str | None"]  # an indexed source's original text (Assistant.source_text)
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>-])")
_RAW_MARKER = re.compile(r"\[(\d+)\]")
# a broad answer's paragraph: 'According to "Title" (date): sentences' or '"Title" (date): sentences'
_DOC_PART = re.compile(r'^(According to )?"([^"\n]+)"( \([^)\n]*\))?: ', re.M)
# HTML's and markdown's own characters as entities, in one pass: shown as they are, acted on by no parser
_AS_TEXT = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}
    | {c: f"&#{ord(c)};" for c in "\\`*_{}[]()#+!|~-"}
)
CONTEXT_CHARS = 90  # about one line of the document either side of a quote on a card


def _text(text: str) -> str:
    """Text inside the page's own markup (chat bubbles included): no character of it is markup or markdown."""
    return text.translate(_AS_TEXT)


def escape_markdown(text: str) -> str:
    """Plain text for the chat's markdown: no HTML, no links or images that would reach other hosts."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def _linked(text: str, turn: int, cites: Sequence[Citation]) -> str:
    """The text made safe, its ``[n]`` markers links to their quote (hovering one shows the quote)."""
    parts, last = [], 0
    for match in _RAW_MARKER.finditer(text):
        n = int(match.group(1))
        parts.append(_text(text[last : match.start()]))
        if 0 < n <= len(cites):
            quote = _text(spaced(cites[n - 1].quote))
            parts.append(f'<a class="cite" href="#cite-{turn}-{n}" title="{quote}">[{n}]</a>')
        else:
            parts.append(_text(match.group(0)))
        last = match.end()
    return "".join(parts) + _text(text[last:])


def _paragraphs(text: str, turn: int, cites: Sequence[Citation]) -> str:
    return "".join(f"<p>{_linked(p, turn, cites)}</p>" for p in text.split("\n\n") if p.strip())


def _body(answer: Answer, turn: int) -> str:
    """The answer itself, one HTML block: markdown never acts on it (its characters are all entities)."""
    if answer.parts:
        return _parts(answer, turn)
    cites = answer.citations or answer.nearest
    text = answer.text
    if answer.refused and text.startswith(REFUSAL):
        rest = _linked(text[len(REFUSAL) :].strip(), turn, cites)
        return f'<div class="refused-answer"><b>{REFUSAL}</b> {rest}</div>'
    if answer.refused:  # declined for another reason ("There is nothing to search for…"): framed as a refusal too
        return f'<div class="refused-answer">{_paragraphs(text, turn, cites)}</div>'
    # the answer phrase (or the yes or no) first, on its own line, in bold
    if answer.verdict or (answer.short and text.removeprefix(UNSURE_HEAD).startswith(answer.short.text)):
        head, _, rest = text.partition("\n\n")  # "phrase [1]", then the supporting sentences
        short = f'<p class="short-answer">{_linked(head, turn, cites)}</p>'
        return f'<div class="answer">{short}{_paragraphs(rest, turn, cites)}</div>'
    if text.startswith("Timeline") and LABEL.search(text):  # one block per date, the date first
        return f'<div class="answer">{_labelled(text, LABEL, turn, cites)}</div>'
    if text.startswith(QUOTED_HEAD):  # "Who is quoted?": one block per person, the name first
        return f'<div class="answer">{_labelled(text, SPEAKER, turn, cites)}</div>'
    if not _DOC_PART.search(text):
        return f'<div class="answer">{_paragraphs(text, turn, cites)}</div>'
    blocks = []  # a summary or comparison: one block per document, its title first
    for paragraph in text.split("\n\n"):
        found = _DOC_PART.match(paragraph)
        if not found:
            blocks.append(f"<p>{_linked(paragraph, turn, cites)}</p>")
            continue
        intro, title, when = found.group(1) or "", found.group(2), found.group(3) or ""
        blocks.append(
            f'<div class="doc-part">{_text(intro)}<b>{_text(title)}</b><span class="date">{_text(when)}</span>: '
            f"{_linked(paragraph[found.end() :], turn, cites)}</div>"
        )
    return f'<div class="answer">{"".join(blocks)}</div>'


def _parts(answer: Answer, turn: int) -> str:
    """A message that asked several questions: each question, then its answer as it would be shown alone, with its
    markers numbered in the whole answer's citations."""
    _, numbers = numbering(answer.parts)
    blocks = []
    for n, (part, mapping) in enumerate(zip(answer.parts, numbers, strict=True), 1):
        shown = dataclasses.replace(part, text=renumbered(part.text, mapping), citations=answer.citations, nearest=())
        question = f'<p class="part-question">{n}. {_text(part.question)}</p>'
        blocks.append(f'<div class="part">{question}{_body(shown, turn)}</div>')
    return "".join(blocks)


def _labelled(text: str, label: re.Pattern[str], turn: int, cites: Sequence[Citation]) -> str:
    """Paragraphs that begin with a label (a timeline's dates) as blocks with the label in bold."""
    blocks = []
    for paragraph in text.split("\n\n"):
        found = label.match(paragraph)
        if not found:
            blocks.append(f"<p>{_linked(paragraph, turn, cites)}</p>")
            continue
        rest = _linked(paragraph[found.end() :], turn, cites)
        blocks.append(f'<div class="doc-part"><b>{_text(found.group(1))}</b>: {rest}</div>')
    return "".join(blocks)


def _note_class(note: str) -> str:
    # the judge's doubt is a warning about the answer above it, not an aside: it is set apart as one
    return "note unsure" if note.startswith(UNSURE_NOTE) else "note"


def answer_html(source_text: SourceText, answer: Answer, turn: int) -> str:
    """One answer's bubble: the answer, then its sources collapsed under it (the way to them on a phone)."""
    cites = answer.citations or answer.nearest
    notes = "".join(f"<p class='{_note_class(n)}'>Note: {_text(n)}</p>" for n in answer.notes)
    if not cites:
        return _body(answer, turn) + notes
    label = "Nearest passages (none was judged to answer it)" if answer.refused else "Sources"
    cards = "".join(citation_card(source_text, c, n, turn) for n, c in enumerate(cites, 1))
    count = f"{len(cites)} passage{'s' if len(cites) != 1 else ''}"
    # one line of HTML: a blank line would end the markdown's HTML block
    sources = f'<details class="sources"><summary>{label} · {count}</summary>{_searched_as(answer)}{cards}</details>'
    return f"{_body(answer, turn)}{notes}{sources}"


STREAMING = '<div class="answer streaming">'  # an answer still arriving starts so (Stop looks for it)


def streaming_html(shown: str, draft: str = "", waiting: str = "") -> str:
    """An answer still arriving: what passed the checks, then the model's unchecked draft, marked as such (or
    what it waits for)."""
    if waiting:
        return f"{STREAMING}<p><i>{_text(waiting)}</i> The answer follows.</p></div>"
    if draft.strip():
        checking = f'<span class="draft">{_text(draft.strip())} <i>(checking against the passages…)</i></span>'
        return f"{STREAMING}<p>{_text(shown)} {checking}</p></div>"
    return STREAMING + "".join(f"<p>{_text(p)}</p>" for p in (shown or "…").split("\n\n")) + "</div>"


def _context(original: str, start: int, end: int, reach: int = CONTEXT_CHARS, floor: int = 0) -> tuple[str, str, str]:
    """About a line of the paragraph either side of the quote, cut at a word, never before ``floor``."""
    left = max(original.rfind("\n", 0, start) + 1, start - reach, floor)
    if left > floor and original[left - 1] not in "\n ":
        left = original.find(" ", left, start) + 1 or start
    right_break = original.find("\n", end)
    right = min(right_break if right_break != -1 else len(original), end + reach)
    if right < len(original) and original[right] not in "\n ":
        right = original.rfind(" ", end, right) if original.rfind(" ", end, right) != -1 else end
    before = ("…" if left > floor and original[left - 1] != "\n" else "") + original[left:start]
    after = original[end:right] + ("…" if right < len(original) and original[right] != "\n" else "")
    return before, original[start:end], after


def citation_card(source_text: SourceText, c: Citation, n: int, turn: int | None = None) -> str:
    """A compact card: the title and date, the quote in about a line of context, then file and offsets."""
    e = _text
    original = source_text(c.source)
    if original is not None and original[c.start : c.end] == c.quote:
        original = original.replace(PAGE_BREAK, "\n")  # a PDF's page ends show as paragraph ends (offsets hold)
        # a "date YYYY-MM-DD" header is the document's metadata, shown as the card's date, not as its text
        body = min(parse_header(original)[1], c.start)
        before, quote, after = _context(original, c.start, c.end, floor=body)
    else:
        before, quote, after = "", c.quote, ""
    before, quote, after = (spaced(" ".join(part.split("\n"))) for part in (before, quote, after))
    if before and not before[-1].isspace():  # sentences glued in the source ("territory".Mali's)
        before += " "
    if after and not after[0].isspace() and after[0] not in ".,;:!?)…":
        after = " " + after
    date = f' <span class="date">· {e(c.date)}</span>' if c.date else ""
    opens = f' data-cite="{turn}:{n}" title="Open the document at this quote"' if turn is not None else ""
    return (
        f'<div class="card"{opens}><div class="title"><b>[{n}]</b> {e(c.title)}{date}</div>'
        f'<div class="ctx">{e(before)}<mark>{e(quote)}</mark>{e(after)}</div>'
        f'<div class="meta">{e(c.source)}{_page(c.page)}{_section(c.section)} · '
        f"characters {c.start}–{c.end}</div></div>"
    )


def _section(section: str | None) -> str:
    return f" · {_text(section)}" if section else ""


def _page(page: int | None) -> str:
    return f" · page {page}" if page else ""


def evidence_html(source_text: SourceText, answer: Answer | None, turn: int | None = None) -> str:
    """The side panel: the latest answer's cards; for a refusal, the nearest passages, marked as not answering."""
    if answer is None:
        return "<p class='hint'>The passages behind the latest answer appear here.</p>"
    if answer.refused and not answer.text.startswith(REFUSAL):  # declined before any search: nothing to list
        return f'<div class="refusal"><p>{html.escape(answer.text)}</p></div>'
    if answer.refused:
        cards = "".join(citation_card(source_text, c, n, turn) for n, c in enumerate(answer.nearest, 1))
        return (
            f'<div class="refusal"><p><b>The documents don\'t say.</b> Searched for: '
            f"{html.escape(answer.query)}</p><p>Nearest passages (none was judged to answer the question):</p>"
            f"{cards}</div>"
        )
    cards = "".join(citation_card(source_text, c, n, turn) for n, c in enumerate(answer.citations, 1))
    notes = "".join(f"<p><i>Note: {html.escape(n)}</i></p>" for n in answer.notes)
    return _searched_as(answer) + cards + notes


def _searched_as(answer: Answer) -> str:
    """What was looked up, when it is not the question: a misspelt name corrected ("Kidl"), a follow-up completed
    from the conversation; not a name only written as the documents write it ("cosi" searched as "COSI")."""
    searched = answer.query and not searched_as_asked(answer.question, answer.query) and not answer.refused
    return f'<p class="hint">Searched as: {html.escape(answer.query)}</p>' if searched else ""


def source_html(source_text: SourceText, answer: dict[str, Any] | None, n: int) -> str:
    """The whole document of citation ``n`` of ``answer``, the quote marked (the page scrolls to it)."""
    cites = (answer or {}).get("citations") or (answer or {}).get("nearest") or []
    if not 0 < n <= len(cites):
        return VIEWER_HINT
    c = cites[n - 1]
    original = source_text(c["source"])
    if original is None or original[c["start"] : c["end"]] != c["quote"]:
        return "<p>That document changed or is gone since the answer was given; ask again.</p>"
    e = html.escape
    date = f" · {e(c['date'])}" if c.get("date") else ""
    # a PDF is shown a page at a time: the page the quote is on (each page ends with a form feed)
    first = original.rfind(PAGE_BREAK, 0, c["start"]) + 1
    last = original.find(PAGE_BREAK, c["end"])
    last = len(original) if last < 0 else last
    pages = f" of {original.count(PAGE_BREAK)}" if c.get("page") else ""
    where = f"{e(c['source'])}{_page(c.get('page'))}{pages}{_section(c.get('section'))}"
    parts = (original[first : c["start"]], c["quote"], original[c["end"] : last])
    before, quote, after = (spaced(part.replace(PAGE_BREAK, "\n")) for part in parts)
    if before and not before[-1].isspace():  # display only, as on the cards
        before += " "
    if after and not after[0].isspace() and after[0] not in ".,;:!?)":
        after = " " + after
    return (
        f'<div class="doc-head"><b>[{n}] {e(c["title"])}</b>{date}<div class="meta">{where} · '
        f'characters {c["start"]}–{c["end"]}</div><a class="back" href="#chat">↑ back to the conversation</a></div>'
        f'<div class="doc">{e(before)}<mark id="quote-mark">{e(quote)}</mark>{e(after)}</div>'
    )


VIEWER_HINT = "<p class='hint'>Click a marker such as [1] in an answer to open its document here, at the quote.</p>"


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def start_screen(documents: Sequence[dict[str, Any]], status: str = "") -> str:
    """What an empty conversation shows: the promise, the indexed documents, and where things stand."""
    promise = (
        "**Ask about the documents below.** Every answer comes from them, with the exact passage it rests on; "
        "when they don't say, the assistant says so."
    )
    if not documents:
        return f"{promise}\n\n{escape_markdown(status or 'No documents are indexed yet.')}"
    shown = sorted(documents, key=lambda d: (not d.get("date"), d.get("date", ""), d.get("title", "")))
    rows = "\n".join(
        f"| {escape_markdown(str(d['title']))} | {escape_markdown(str(d.get('date') or '–'))} | "
        f"{plural(int(d['chunks']), 'passage')} |"
        for d in shown[:12]
    )
    more = f"\n\n…and {len(shown) - 12} more (see Documents)." if len(shown) > 12 else ""
    heading = f"{plural(len(shown), 'document')} indexed"
    return f"{promise}\n\n**{heading}**\n\n| Title | Date | Size |\n|---|---|---|\n{rows}{more}"
