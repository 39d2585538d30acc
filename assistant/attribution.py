"""Where the last answer comes from, asked as a follow-up: "Which article says that?" shows its passages again, each
read again from its file; "Who said that?" also names whose words they are."""

from __future__ import annotations

import dataclasses
import re

from .answer import with_markers
from .display import tidy_sentence
from .engine import AnswerEngine
from .follow_ups import asks_for_the_source, asks_who_said_it
from .kinds import question_kind
from .quotes import ATTRIBUTED, WHO_SAID, stands_as_speaker
from .reader import shown_span
from .text import normalize
from .types import Answer, Citation, ShortAnswer
from .words import terms

_PRONOUN = re.compile(r"(he|she|it|they|them|his|her|its|their|him|this|that|these|those)", re.IGNORECASE)


NOTHING_SAID = "Nothing has been answered yet in this conversation; ask a question about the documents first."


def points_back(question: str, answered: bool = True) -> bool:
    """Whether a question asks where the last answer comes from or whose words it quotes. Before any answer
    (``answered`` False), "Who is quoted?" asks whom the documents quote."""
    if not answered and question_kind(question).speakers:
        return False
    return asks_for_the_source(question) or asks_who_said_it(question)


def nothing_said(question: str) -> Answer:
    """The reply to "which article says that?" or "who said that?" when nothing was answered before."""
    return Answer(NOTHING_SAID, False, (), question=question, query=question, kind="conversational")


def restated(engine: AnswerEngine, question: str, last: Answer) -> Answer:
    """Where ``last`` comes from: its passages by document, each read again from its file and shown only if the file
    still says it (the quote is the check a reader will make)."""
    quoted = last.citations or last.nearest
    cites = [c for c in quoted if _still_says(engine, c)]
    if not cites:
        if quoted:
            text = "The passages of the last answer are no longer in the files as they were; ask again."
        else:
            text = "The last answer quotes no passage" + (": the documents did not answer it." if last.refused else ".")
        return Answer(text, False, (), question=question, query=question, kind="conversational")
    titles = list(dict.fromkeys(c.title for c in cites))
    ordered = [c for title in titles for c in cites if c.title == title]  # by document, numbered as shown
    said = [with_markers(tidy_sentence(normalize(c.quote).text), [n]) for n, c in enumerate(ordered, 1)]
    parts = ["Nearest passages (none answered it):" if last.refused else "The last answer comes from:"]
    for title in titles:
        mine = [x for x, c in zip(said, ordered, strict=True) if c.title == title]
        date = next((f" ({c.date})" for c in ordered if c.title == title and c.date), "")
        parts.append(f'"{title}"{date}: ' + " ".join(mine))
    return Answer("\n\n".join(parts), False, tuple(ordered), question=question, query=question, kind="conversational")


def said_by(engine: AnswerEngine, restated: Answer) -> Answer:
    """A restated answer with the speaker of its first quote said first, as the span reader reads it for "Who said
    this?" ('"…," El Maouloud Ramadane, spokesman for …, told AFP.' -> El Maouloud Ramadane); unchanged when the
    reader is unsure, reads a pronoun, or reads a name where the sentence names no speaker."""
    first = restated.citations[0] if restated.citations and not restated.refused else None
    # "21 people were killed…" is said by no one in it
    if first is None or engine.span_reader is None or not ATTRIBUTED.search(first.quote):
        return restated
    span = engine.span_reader.spans(WHO_SAID, [first.quote])[0]
    if span is None or not shown_span(span, first.quote):
        return restated
    name = first.quote[span.start : span.end]
    # "Kidal" is read in "…in the city of Kidal, a military and regional government source said": no name is said
    if not name[:1].isupper() or not terms(name) or _PRONOUN.fullmatch(name):
        return restated
    if not stands_as_speaker(first.quote, span.start, span.end):
        return restated
    short = ShortAnswer(name, first.source, first.start + span.start, first.start + span.end)
    text = f"{name} [1]\n\n{restated.text}"
    return dataclasses.replace(restated, text=text, short=short)


def _still_says(engine: AnswerEngine, cite: Citation) -> bool:
    path = engine.retriever.index.path_of(cite.source)
    text = engine.reader.text(path) if path else None
    return text is not None and text[cite.start : cite.end] == cite.quote
