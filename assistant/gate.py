"""Generation through the quote gate: the model phrases, and each sentence it writes must be backed by one of
the numbered passages (its numbers, its names and most of its content words) or it is never shown."""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass

from .answer import NUMBER, answers_the_kind_asked, with_markers
from .backends.llms import LLM, Message
from .errors import BackendUnavailable
from .prompts import Prompts
from .retrieval import Evidence
from .text import normalize, sentence_spans
from .types import Draft
from .words import names, same_term, terms

_MARKER = re.compile(r"\[(\d+)\]")


def numbered(cited: Sequence[Evidence]) -> str:
    return "\n".join(f"[{i}] ({c.title}{', ' + c.date if c.date else ''}) {c.text}" for i, c in enumerate(cited, 1))


def answer_messages(question: str, cited: Sequence[Evidence], prompts: Prompts) -> list[Message]:
    return [
        {"role": "system", "content": prompts.system},
        {"role": "user", "content": prompts.render("answer", evidence=numbered(cited), question=question)},
    ]


def fit_messages(
    question: str, cited: Sequence[Evidence], prompts: Prompts, llm: LLM, max_tokens: int
) -> tuple[list[Message], list[Evidence]] | None:
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
    if any(n not in set(NUMBER.findall(passage)) for n in NUMBER.findall(clause)):
        return False
    named = [t for n in names(clause) for t in terms(n)]
    if any(not any(same_term(n, p) for p in passage_terms) for n in named):
        return False
    clause_terms = terms(clause)
    hits = sum(1 for t in clause_terms if any(same_term(t, p) for p in passage_terms))
    return hits >= CLAUSE_COVERAGE * len(clause_terms)


def gate_sentence(sentence: str, cited: Sequence[Evidence]) -> GateResult | None:
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
        backer = next((i for i in order if backs(clause, cited[i].text)), None)
        if backer is None:
            return None
        if backer not in supports:
            supports.append(backer)
    return GateResult(clean, tuple(supports))


_MARKER_AFTER_STOP = re.compile(r"([.!?])((?:\s*\[\d+\])+)")


def gated_stream(
    pieces: Iterator[str], cited: Sequence[Evidence], drafts: bool = False
) -> Iterator[GateResult | Draft]:
    """Gate generated text sentence by sentence as it arrives, so only backed sentences are ever shown as the
    answer; with ``drafts`` each piece is also passed on as a ``Draft`` when it arrives."""
    buffer = ""
    for piece in pieces:
        if drafts:
            yield Draft(piece)
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


def generate(
    question: str,
    cited: list[Evidence],
    notes: list[str],
    llm: LLM,
    prompts: Prompts,
    max_tokens: int,
    drafts: bool = False,
) -> Generator[str, None, tuple[str, list[Evidence]] | None]:
    """Stream the model's answer as gated sentences (and, with ``drafts``, its raw pieces as ``Draft``s first);
    return (text, citations used), or None, with the reason in ``notes``, to fall back to the extractive answer."""
    fitted = fit_messages(question, cited, prompts, llm, max_tokens)
    if fitted is None:
        notes.append("the question and its passages do not fit the model's context; showing the extractive answer")
        return None
    messages, cited = fitted
    order: list[int] = []  # evidence indices in the order the answer first cites them
    parts: list[str] = []
    seen: set[str] = set()
    try:
        for result in gated_stream(llm.stream(messages, max_tokens), cited, drafts):
            if isinstance(result, Draft):
                yield result
                continue
            if result.sentence.lower() in seen:  # small models loop; a repeat adds nothing
                continue
            seen.add(result.sentence.lower())
            order.extend(i for i in result.supports if i not in order)
            part = with_markers(result.sentence, [order.index(i) + 1 for i in result.supports])
            parts.append(part)
            yield (" " if len(parts) > 1 else "") + part
    except BackendUnavailable as exc:
        notes.append(f"{exc}; showing the extractive answer instead")
        return None
    if not parts:
        notes.append("the model's answer was not backed by the passages; showing the extractive answer instead")
        return None
    if not answers_the_kind_asked(question, " ".join(parts)):
        notes.append("the model's answer did not give the quantity asked for; showing the extractive answer instead")
        return None
    return " ".join(parts), [cited[i] for i in order]
