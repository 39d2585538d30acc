"""Plain data returned by the assistant; no llama-index or chromadb types leak out."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Citation:
    """A verbatim passage: ``quote == original_file_text[start:end]``, checked before it is returned."""

    source: str
    title: str
    quote: str
    start: int
    end: int
    score: float
    date: str = ""
    page: int | None = None  # the PDF page the quote starts on (None for files without pages)
    section: str | None = None  # the DOCX or web-page heading the quote falls under, where there is one


@dataclass(frozen=True)
class ShortAnswer:
    """The answer phrase inside the first citation's quote: ``text == original_file_text[start:end]``, checked."""

    text: str
    source: str
    start: int
    end: int


@dataclass(frozen=True)
class Answer:
    text: str
    refused: bool
    citations: tuple[Citation, ...] = ()
    timings_ms: dict[str, float] = field(default_factory=dict)
    question: str = ""
    query: str = ""  # the query actually searched (a follow-up rewritten from the history)
    mode: str = "extractive"
    notes: tuple[str, ...] = ()
    nearest: tuple[Citation, ...] = ()  # with a refusal: the closest passages, for the user to judge
    judge: str = ""  # what decided which sentences answer: "judge-v5+reader-v3" (learned) or "rules"
    kind: str = "factoid"  # the question's kind (kinds.KINDS): it decides the answer's shape
    short: ShortAnswer | None = None  # factoid questions: the answer phrase, then the supporting quotes
    verdict: str | None = None  # yes/no questions: "yes" or "no" when the first quote says it plainly
    # a message that asked several questions: the answer to each, in order, its markers counting its own citations
    # (in the whole answer's text and citations they are numbered on: ``several.renumbered``)
    parts: tuple[Answer, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The shape printed by ``assistant ask --json``."""
        return {
            "answer": self.text,
            "refused": self.refused,
            "citations": [{k: v for k, v in asdict(c).items() if k != "date" or v} for c in self.citations],
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
            "query": self.query,
            "mode": self.mode,
            "notes": list(self.notes),
            "nearest": [asdict(c) for c in self.nearest],
            "judge": self.judge,
            "kind": self.kind,
            "short_answer": asdict(self.short) if self.short else None,
            "verdict": self.verdict,
            **({"parts": [{"question": p.question, **p.to_dict()} for p in self.parts]} if self.parts else {}),
        }


class Draft(str):
    """A piece of generated text not yet checked against the passages (streamed only when asked for): a page may
    show it as a draft; it is never part of the answer unless a checked sentence repeats it."""


@dataclass(frozen=True)
class Turn:
    question: str
    answer: Answer


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


@dataclass(frozen=True)
class IngestReport:
    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    chunks_embedded: int = 0
    seconds: float = 0.0
    formats: dict[str, int] = field(default_factory=dict)  # files read this time by kind: text, pdf, docx, html
    pages: int = 0  # PDF pages read this time

    def summary(self) -> str:
        read = ", ".join(f"{n} {_KIND_LABELS.get(k, k)}" for k, n in sorted(self.formats.items()) if n)
        pages = f" ({self.pages} PDF pages)" if self.pages else ""
        return (
            f"added {len(self.added)}, updated {len(self.updated)}, deleted {len(self.deleted)}, "
            f"unchanged {len(self.unchanged)}, skipped {len(self.skipped)} files; "
            + (f"read {read}{pages}; " if read else "")
            + f"{self.chunks_embedded} chunks embedded in {self.seconds:.1f} s"
        )


_KIND_LABELS = {"pdf": "PDF", "docx": "DOCX", "html": "HTML", "text": "text"}
