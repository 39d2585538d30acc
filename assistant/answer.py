"""Turning evidence into an Answer: extractive text, generation through the quote gate, refusal.

Correctness lives here, in code: which sentences are evidence, whether the question is answered at all,
and whether each generated sentence is backed by the passage it cites. The model only phrases.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .backends.llms import LLM, Message
from .config import RetrievalSettings
from .prompts import Prompts
from .retrieval import Evidence, asks_for, same_term, terms
from .text import decode, normalize, sentence_spans, words

REFUSAL = "The documents don't say."
_MARKER = re.compile(r"\[(\d+)\]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


class SourceReader:
    """Original file texts for quote checks, re-read when a file changes on disk."""

    def __init__(self) -> None:
        self._cache: dict[str, tuple[tuple[int, int], str]] = {}

    def text(self, path: str) -> str | None:
        try:
            stat = Path(path).stat()
            key = (stat.st_mtime_ns, stat.st_size)
            cached = self._cache.get(path)
            if cached and cached[0] == key:
                return cached[1]
            text, _ = decode(Path(path).read_bytes(), path)
        except Exception:  # a vanished or unreadable file simply cannot be quoted
            return None
        self._cache[path] = (key, text)
        return text


@dataclass(frozen=True)
class Cited:
    """A verified passage: ``quote`` is exactly ``original[start:end]`` of the file at ``path``."""

    evidence: Evidence
    quote: str


def verify(evidence: Evidence, reader: SourceReader) -> Cited | None:
    """The quote at the evidence's offsets, if the file still says what was indexed there."""
    original = reader.text(evidence.path)
    if original is None or not (0 <= evidence.start < evidence.end <= len(original)):
        return None
    quote = original[evidence.start : evidence.end]
    return Cited(evidence, quote) if normalize(quote).text == evidence.text else None


def supported(question: str, evidence: Sequence[Evidence], settings: RetrievalSettings) -> list[Evidence]:
    """Sentences that can answer: they hold the question's names and numbers, and match its meaning or key terms.

    An empty list means the documents don't say: refusal is decided here, from evidence, not by a model.
    """
    return [
        ev
        for ev in evidence
        if not ev.missing
        and ev.score >= settings.min_score
        and ev.coverage >= settings.min_coverage
        and ev.similarity >= settings.min_similarity
        and answers_the_kind_asked(question, ev.text)
    ]


def extractive_choice(candidates: Sequence[Evidence], limit: int, runner_up_ratio: float) -> list[Evidence]:
    """The best supported sentence, plus runners-up that score nearly as well."""
    best = candidates[0]
    return [best] + [ev for ev in candidates[1:limit] if ev.score >= runner_up_ratio * best.score]


def conflicting(question: str, candidates: Sequence[Evidence]) -> list[Evidence] | None:
    """Strong answers from different documents that give different numbers for a quantity or a time."""
    if asks_for(question) is None or not candidates:
        return None
    best = candidates[0]
    picked: dict[str, Evidence] = {}
    for ev in candidates:
        numbers = frozenset(_NUMBER.findall(ev.text))
        if ev.score >= 0.8 * best.score and numbers and ev.source not in picked:
            if all(numbers.isdisjoint(_NUMBER.findall(other.text)) for other in picked.values()):
                picked[ev.source] = ev
    return list(picked.values()) if len(picked) > 1 else None


def attributed(ev: Evidence, n: int) -> str:
    """``According to "Title" (date): sentence [n].`` for answers that set sources side by side."""
    when = f" ({ev.date})" if ev.date else ""
    return f'According to "{ev.title}"{when}: {with_markers(ev.text, [n])}'


def with_markers(sentence: str, numbers: Sequence[int]) -> str:
    """``sentence [1][2].``: markers go before the closing stop (and its quote mark), as in print."""
    markers = "".join(f"[{n}]" for n in numbers)
    match = re.search(r"[.!?][\"')\]]*$", sentence)
    if not match:
        return f"{sentence} {markers}"
    return f"{sentence[: match.start()]} {markers}{sentence[match.start() :]}"


def numbered(cited: Sequence[Cited]) -> str:
    return "\n".join(
        f"[{i}] ({c.evidence.title}{', ' + c.evidence.date if c.evidence.date else ''}) {c.evidence.text}"
        for i, c in enumerate(cited, 1)
    )


def answer_messages(question: str, cited: Sequence[Cited], prompts: Prompts) -> list[Message]:
    return [
        {"role": "system", "content": prompts.system},
        {"role": "user", "content": prompts.render("answer", evidence=numbered(cited), question=question)},
    ]


def fit_messages(
    question: str, cited: Sequence[Cited], prompts: Prompts, llm: LLM, max_tokens: int
) -> tuple[list[Message], list[Cited]] | None:
    """Messages that leave room for the reply in the model's context, dropping the weakest passages if needed.

    None when even the question with one passage does not fit.
    """
    count = getattr(llm, "count_tokens", None) or (lambda text: len(text) // 3 + 1)  # servers: a safe estimate
    budget = int(getattr(llm, "context_tokens", 2048)) - max_tokens - 16  # 16: the chat template's own tokens
    used = list(cited)
    while used:
        messages = answer_messages(question, used, prompts)
        if sum(count(m["content"]) for m in messages) <= budget:
            return messages, used
        used.pop()
    return None


@dataclass(frozen=True)
class GateResult:
    sentence: str  # the sentence as it will be shown, markers renumbered later
    supports: tuple[int, ...]  # 0-based indices into the evidence list


_CLAUSE_BREAK = re.compile(r"[,;:()]|\s(?:and|but|while|when|whereas|after|before|because|which|who)\s", re.I)
CLAUSE_COVERAGE = 0.75


def clauses(sentence: str) -> list[str]:
    """Pieces of a sentence that each make one claim; a piece of under two content words joins the previous one."""
    out: list[str] = []
    for piece in _CLAUSE_BREAK.split(sentence):
        if out and len(terms(piece)) < 2:
            out[-1] = f"{out[-1]} {piece}"
        elif piece.strip():
            out.append(piece)
    return out


def backs(clause: str, passage: str) -> bool:
    """The passage holds the clause's numbers, its names and most of its content words."""
    passage_terms = terms(passage)
    if any(n not in set(_NUMBER.findall(passage)) for n in _NUMBER.findall(clause)):
        return False
    tokens = words(clause)
    names = [t for n in (w for i, w in enumerate(tokens) if i > 0 and w[0].isupper()) for t in terms(n)]
    if any(not any(same_term(n, p) for p in passage_terms) for n in names):
        return False
    clause_terms = terms(clause)
    hits = sum(1 for t in clause_terms if any(same_term(t, p) for p in passage_terms))
    return hits >= CLAUSE_COVERAGE * len(clause_terms)


def gate_sentence(sentence: str, cited: Sequence[Cited]) -> GateResult | None:
    """Keep a generated sentence only if each of its clauses is backed by one passage.

    The sentence then cites the passages that back it, whatever markers the model wrote: a weak model's
    wrong marker is corrected, a strong model's right one is kept.
    """
    clean = re.sub(r"\s+([.!?,;:])", r"\1", _MARKER.sub("", sentence)).strip()
    if clean.startswith("(") and clean.rstrip(".").endswith(")"):  # a whole sentence in brackets
        clean = clean.rstrip(".")[1:-1].strip()
    if not terms(clean) or "documents don't say" in clean.lower().replace("\u2019", "'"):
        return None
    markers = [int(m) - 1 for m in _MARKER.findall(sentence) if 0 < int(m) <= len(cited)]
    order = list(dict.fromkeys(markers + list(range(len(cited)))))  # the model's own markers are tried first
    supports: list[int] = []
    for clause in clauses(clean):
        backer = next((i for i in order if backs(clause, cited[i].evidence.text)), None)
        if backer is None:
            return None
        if backer not in supports:
            supports.append(backer)
    return GateResult(clean, tuple(supports))


_MARKER_AFTER_STOP = re.compile(r"([.!?])((?:\s*\[\d+\])+)")


def gated_stream(pieces: Iterator[str], cited: Sequence[Cited]) -> Iterator[GateResult]:
    """Gate generated text sentence by sentence as it arrives, so only backed sentences are ever shown."""
    buffer = ""
    for piece in pieces:
        buffer += piece
        norm = normalize(_MARKER_AFTER_STOP.sub(r"\2\1", buffer))
        spans = sentence_spans(norm.text)
        # wait until the next sentence has two words: a marker such as " [1]" may still follow the last stop
        if len(spans) < 2 or " " not in norm.text[spans[-1][0] : spans[-1][1]]:
            continue
        for a, b in spans[:-1]:
            result = gate_sentence(norm.text[a:b], cited)
            if result:
                yield result
        buffer = norm.text[spans[-1][0] :] + (" " if buffer[-1].isspace() else "")
    norm = normalize(_MARKER_AFTER_STOP.sub(r"\2\1", buffer))
    for a, b in sentence_spans(norm.text):
        result = gate_sentence(norm.text[a:b], cited)
        if result:
            yield result


_NUMBER_WORDS = re.compile(
    r"\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|"
    r"fifty|hundred|thousand|million|dozens?|several|no|none)\b",
    re.I,
)
_TIME_WORDS = re.compile(
    r"\b(january|february|march|april|may|june|july|august|september|october|november|"
    r"december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|"
    r"tonight|ago|last|recently|since|week|weekend|month|year|night|morning|days?)\b",
    re.I,
)


def answers_the_kind_asked(question: str, text: str) -> bool:
    """A question asking for a quantity or a time must get one: a fluent sentence without it is not an answer."""
    asked = asks_for(question)
    if asked == "quantity":
        return bool(_NUMBER.search(text) or _NUMBER_WORDS.search(text))
    if asked == "time":
        return bool(_NUMBER.search(text) or _TIME_WORDS.search(text))
    return True
