"""Normalisation that keeps an offset map to the original text, and sentence spans.

Citations quote the original file, so every span computed on normalised text is mapped back
through ``Normalized.to_original`` before it leaves this module's callers.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .errors import BadInput

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
    }
)
# "said.But", "operates.”The": a sentence end glued to the next sentence's capital.
_GLUED = re.compile(
    r"(?:(?<=[a-z0-9%)\]\"'\u201d\u2019])|(?<=[A-Z]{2}))([.!?][\"'\u201d\u2019]?)(?=[\"'\u201c\u201d\u2018\u2019]?[A-Z]|-\s)"
)
# A news agency's subheading set between dashes in running text ("…of the troops.- 'Had to give up' -\"Given the
# size…"): a few words, no sentence end, then a capital or a quote. It is a heading, not part of the sentence after
# it, whose quote and answer it would otherwise open.
_HEADING = r"-\s?[\"'\u2018\u201cA-Z][^.!?\n-]{0,60}?\s?-"
_SUBHEADING = re.compile(rf"{_HEADING}(?=\s?[\"'A-Z])")
SUBHEADING_WORDS = 8
# one glued to the sentence after it ("troops.- 'Had to give up' -\u201cGiven"): a space after its closing dash, as
# after a glued sentence end
_GLUED_SUBHEADING = re.compile(rf"[.!?][\"'\u201d\u2019]?\s*({_HEADING})(?=[\"'\u201c\u2018A-Z])")
_DATE_HEADER = re.compile(r"\A\s*date[:\s]+(\d{4}-\d{2}-\d{2})\b[ \t]*\n?", re.IGNORECASE)
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "st", "gen", "col", "lt", "sgt", "u.s", "u.k", "no", "vs", "e.g", "i.e"}
_SENTENCE_END = re.compile(r"[.!?][\"')\]]*(?=\s+[\"'(\[]?[A-Z0-9-])|\n")


@dataclass(frozen=True)
class Normalized:
    text: str
    offsets: tuple[int, ...]  # offsets[i]: index in the original text of normalised character i

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map the normalised span [start, end) to the smallest original span covering it."""
        if end <= start:
            raise ValueError("empty span")
        return self.offsets[start], self.offsets[end - 1] + 1


def parse_header(original: str) -> tuple[dict[str, str], int]:
    """Metadata from a leading ``date YYYY-MM-DD`` line, and where the body starts."""
    match = _DATE_HEADER.match(original)
    if not match:
        return {}, 0
    return {"date": match.group(1)}, match.end()


def normalize(original: str, start: int = 0) -> Normalized:
    """Straight quotes, a space after glued sentence ends, whitespace collapsed (paragraph breaks kept as newlines)."""
    chars: list[str] = []
    offsets: list[int] = []
    glued_after = {m.end(1) for m in _GLUED.finditer(original, start)}
    glued_after |= {m.end(1) for m in _GLUED_SUBHEADING.finditer(original, start)}
    pending_space: int | None = None  # original index of a whitespace run not yet written
    pending_newline = False
    for i in range(start, len(original)):
        ch = original[i]
        if i in glued_after and pending_space is None:
            pending_space = i
        if ch.isspace():
            if pending_space is None:
                pending_space = i
            pending_newline = pending_newline or ch == "\n"
            continue
        if pending_space is not None and chars:
            chars.append("\n" if pending_newline else " ")
            offsets.append(pending_space)
        pending_space, pending_newline = None, False
        chars.append(ch.translate(_QUOTES))
        offsets.append(i)
    return Normalized("".join(chars), tuple(offsets))


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence spans of normalised text, without surrounding whitespace."""
    spans: list[tuple[int, int]] = []
    begin = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        if text[match.start()] == ".":
            word = text[max(begin, text.rfind(" ", begin, match.start()) + 1) : match.start()].lower()
            if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue
        _append_subheaded(text, begin, end, spans)
        begin = end
    _append_subheaded(text, begin, len(text), spans)
    return spans


def _append_subheaded(text: str, begin: int, end: int, spans: list[tuple[int, int]]) -> None:
    """The sentence, with a subheading that opens it split off as a span of its own."""
    while begin < end and text[begin].isspace():
        begin += 1
    heading = _SUBHEADING.match(text, begin, end)
    if heading and len(text[begin : heading.end()].split()) <= SUBHEADING_WORDS + 2:  # + the two dashes
        _append_trimmed(text, begin, heading.end(), spans)
        begin = heading.end()
    _append_trimmed(text, begin, end, spans)


def _append_trimmed(text: str, begin: int, end: int, spans: list[tuple[int, int]]) -> None:
    while begin < end and text[begin].isspace():
        begin += 1
    while end > begin and text[end - 1].isspace():
        end -= 1
    if end > begin:
        spans.append((begin, end))


# Sentences that address an AI rather than report anything: planted instructions (indirect prompt injection).
_INSTRUCTION = re.compile(
    r"\b(ignore|disregard|forget|override)\b.{0,40}\b(instructions?|prompts?|rules|context|above|previous)\b"
    r"|\b(system|developer|hidden)\s+(prompt|message|instructions?)\b"
    r"|\b(you are|act as|pretend to be|you must|from now on)\b.{0,60}"
    r"\b(assistant|ai|model|chatbot|answer|respond|reply)\b"
    r"|\b(answer|respond|reply|say|output|print)\s+(only\s+)?(with\s+)?[\"']?[A-Z0-9_]{4,}[\"']?\s*[.!]?$"
    r"|\b(answer|respond|reply)\b.{0,30}\b(every|all|any)\s+(question|query|request)",
    re.IGNORECASE,
)


def looks_like_instruction(sentence: str) -> bool:
    """True for a sentence written to steer an assistant; such a sentence is never used as evidence."""
    return bool(_INSTRUCTION.search(sentence))


_WORD = re.compile(r"[A-Za-z0-9]+(?:[-'][A-Za-z0-9]+)*")


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def decode(data: bytes, name: str) -> tuple[str, str | None]:
    """UTF-8 (BOM stripped), else cp1252 with a warning; binary data is refused."""
    if b"\x00" in data[:8192]:
        raise BadInput(f"{name}: looks binary (NUL bytes); skipped")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), f"{name}: not valid UTF-8; decoded as cp1252"
    except UnicodeDecodeError:
        raise BadInput(f"{name}: neither UTF-8 nor cp1252 text; skipped") from None


def clean_question(question: str, limit: int | None) -> str:
    """Control characters and lone surrogates removed; empty or oversize questions are refused clearly."""
    if not isinstance(question, str):
        raise BadInput("the question must be text")
    text = question.encode("utf-8", "ignore").decode("utf-8")
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", " ", text)  # terminal colour codes pasted along with a question
    text = "".join(ch if ch.isspace() or unicodedata.category(ch)[0] != "C" else " " for ch in text)
    text = normalize(text).text.replace("\n", " ").strip()
    if not text:
        raise BadInput("the question is empty; type a question about the documents")
    if limit is not None and len(text) > limit:
        raise BadInput(
            f"the question is {len(text):,} characters long; the limit is {limit:,} (ASSISTANT_MAX_QUESTION_CHARS)"
        )
    return text
