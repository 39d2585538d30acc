"""A timeline: the sentences that date what they tell, in the order of their dates ("give me a timeline").

Only dates a sentence writes are used: a year ("in 2022"), a month with a year, or a month alone, which takes the
year of its document's date when the document has one (the month before or in it: news tells what has happened).
A dated document's opening sentence stands at that date ("Last night, …" on 2024-03-30). What has no year to go
by (a month in an undated article, "on Sunday") is listed after, as such, rather than guessed into the order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .answer import with_markers
from .broad import topic_choice
from .display import tidy_sentence
from .retrieval import Evidence, Retriever
from .words import MONTHS

BUDGET = 12  # sentences in a timeline
PER_DATE = 3  # at most this many sentences under one date
UNDATED = 4  # sentences without a date added to a timeline of a topic
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b(?![,.]?\d)")  # not "2,000" or "2000.5"
# capitalised month names only ("may" is a verb); "May" opening a sentence is read as the verb too
_MONTH = re.compile(r"\b(" + "|".join(m if m != "May" else "(?<!^)May" for m in MONTHS) + r")\b")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
NO_YEAR = "year not given"
NOT_DATED = "Not dated, in the order the documents tell them"
# how a timeline's paragraph begins: its date, as ``timeline_text`` writes it (the page shows it in bold)
LABEL = re.compile(
    r'^(\d{4}(?:-\d{2}(?:-\d{2})?)?(?:, the date of "[^"\n]*")?|(?:'
    + "|".join(MONTHS)
    + r")(?: \d{4}|, "
    + NO_YEAR
    + ")|"
    + NOT_DATED
    + "): ",
    re.M,
)


# a time said from the day the article was written: "last night", "on Sunday", "10 days ago"
_RELATIVE = re.compile(
    r"^(?:(?:on|early|late) )?(?:(?:last|this|next|early|late|on) )?(?:night|week|weekend|month|year|morning|evening"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tonight)$"
    r"|\bago$|^(?:earlier|later) this (?:week|month|year)$|^(?:this|last) (?:week|weekend)$",
    re.IGNORECASE,
)


def written_on(when: str, date: str) -> str:
    """The document's date for a time it gives relative to it ("Last night" in an article of 2024-03-30), to be said
    beside it; "" when ``when`` is not relative or the document is undated."""
    return date.strip() if _RELATIVE.search(when.strip()) and _ISO_DATE.match(date.strip()) else ""


@dataclass(frozen=True)
class Dated:
    key: tuple[int, int, int]  # (year, month, day); (0, month, 0) when the year is not known
    label: str
    evidence: Evidence


def dated(evidence: Evidence, lead: bool = False) -> Dated | None:
    """When ``evidence`` says its event happened, from the dates it writes; a dated document's ``lead`` sentence
    without a date of its own stands at the document's date. None when it gives no date."""
    year_found, month_found = _YEAR.search(evidence.text), _MONTH.search(evidence.text)
    month = MONTHS.index(month_found.group(1)) + 1 if month_found else 0
    document = _ISO_DATE.match(evidence.date.strip())
    if year_found:
        year = int(year_found.group(1))
        return Dated((year, month, 0), f"{MONTHS[month - 1]} {year}" if month else str(year), evidence)
    if month and document:
        year, published = int(document.group(1)), int(document.group(2))
        year -= month > published  # "in July", written in March: last year's July
        return Dated((year, month, 0), f"{MONTHS[month - 1]} {year}", evidence)
    if month:
        return Dated((0, month, 0), f"{MONTHS[month - 1]}, {NO_YEAR}", evidence)
    if lead and document:
        day = int(document.group(3) or 0)
        key = (int(document.group(1)), int(document.group(2)), day)
        return Dated(key, f'{evidence.date.strip()}, the date of "{evidence.title}"', evidence)
    return None


def timeline(
    sentences: Sequence[Evidence], leads: Sequence[bool], budget: int = BUDGET, undated: int = 0
) -> list[Dated]:
    """The dated sentences, earliest first; those without a year after them, then up to ``undated`` sentences that
    give no date at all, in the order the documents tell them. Sentences come in order of importance (a document's
    lead first); a date keeps its first few, and the timeline its first ``budget``."""
    taken: list[Dated] = []
    per_date: dict[str, int] = {}
    for evidence, lead in zip(sentences, leads, strict=True):
        found = dated(evidence, lead) or Dated((0, len(MONTHS) + 1, 0), NOT_DATED, evidence)
        limit = undated if found.label == NOT_DATED else PER_DATE
        if per_date.get(found.label, 0) >= limit:
            continue
        per_date[found.label] = per_date.get(found.label, 0) + 1
        taken.append(found)
        if len(taken) >= budget:
            break
    if all(d.label == NOT_DATED for d in taken):
        return []
    known = sorted((d for d in taken if d.key[0]), key=lambda d: d.key)
    unknown = sorted((d for d in taken if not d.key[0]), key=lambda d: (d.key, d.evidence.source, d.evidence.start))
    return [*known, *unknown]


def timeline_choice(retriever: Retriever, topic: str, top_k: int, sources: Sequence[str] | None = None) -> list[Dated]:
    """The timeline of the collection (of ``sources`` only, when given), or of what is about ``topic``: about a
    topic, what happened without a date is part of its story too ("the convoy": "10 days ago")."""
    everything, _, places = retriever.collection_sentences()
    leads = {(e.path, e.start) for e, place in zip(everything, places, strict=True) if place == 0}
    if topic:
        chosen = topic_choice(retriever, topic, top_k, budget=4 * BUDGET, sources=sources)
    else:  # a document's first sentences first: news tells the main events first
        order = sorted(range(len(everything)), key=lambda i: places[i])
        chosen = [everything[i] for i in order if not sources or everything[i].source in sources]
    return timeline(chosen, [(e.path, e.start) in leads for e in chosen], undated=UNDATED if topic else 0)


def timeline_text(entries: Sequence[Dated], topic: str = "") -> str:
    """One paragraph per date, earliest first, each sentence with its [n] in the order shown."""
    about = f": {topic}" if topic else ""
    lines = [f"Timeline{about}, by the dates the documents give (earliest first):"]
    n = 0
    for label in dict.fromkeys(d.label for d in entries):
        parts = []
        for entry in (d for d in entries if d.label == label):
            n += 1
            parts.append(with_markers(tidy_sentence(entry.evidence.text), [n]))
        lines.append(f"{label}: " + " ".join(parts))
    return "\n\n".join(lines)
