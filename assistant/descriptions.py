"""Descriptions written beside a name: "Who is El Maouloud Ramadane?" is answered by "…El Maouloud Ramadane,
spokesman for the predominantly Tuareg separatist coalition (CSP-DPA), told AFP", "Who is Alexander Ivanov?" by
"COSI's head, Alexander Ivanov", "What was Tymnet?" by "Tymnet was an international data communications network".

News names a person or a body once and says what it is in apposition; the span reader finds those words, but for a
question this short it is often unsure the sentence answers at all, and its best span may be the name itself. So the
reader is asked only for a span in a description's place beside the name (``slots``), and one it reads there answers
whatever the judge's probability, as an acronym spelled out does. Measured on SQuAD dev (``what is X?``, ``who
was X?`` and ``what was X's job?``, each sentence of the question's paragraph that holds X read by the short-answer
reader, ``python -m evals.descriptions``): v1.1 training articles, 32 of 49 answerable questions answered this way,
all rightly; v2.0 training titles, 22 of 31, all rightly, and 4 of 16 unanswerable ones; v1.1 articles 24-47 (held
out), 13 of 45, 12 rightly ("What was Martin Parry's role in the IPCC?" -> "climate expert", not his co-chair).
A name's abbreviation in brackets ("Engineering News-Record (ENR)") is no description and is not taken.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# "Who is X?", "What was X?": X a short name or term, asked about alone ("What is the capital of Mali?" asks for
# something else, and so do "Who is X's father?" and "What is X called?")
_ASKED = re.compile(
    r"^\s*(?:(?:who|what)\s+(?:is|was|are|were)|who'?s|what'?s)\s+(?:(?:an?|the)\s+)?(?P<x>.+?)\s*\??\s*$",
    re.IGNORECASE,
)
_RELATION = re.compile(
    r"\b(of|for|in|on|at|by|to|from|with|about|called|known|named|used|made|like|located|doing|and|or)\b"
    r"|['\u2019]s?\b|\b(the|a|an)\s",
    re.IGNORECASE,
)
_PRONOUN = re.compile(r"^(he|she|it|they|this|that|these|those|him|her|them|you|i|we|there|here)$", re.IGNORECASE)
MAX_NAME_WORDS = 5
_ABBREVIATION = re.compile(r"^[A-Z][A-Z0-9&.-]*$")  # "Engineering News-Record (ENR)": the name shortened


# what someone does, asked of their name: "What is Ramadane's job?", "What was Robert Watson's role in the IPCC?",
# "What was the occupation of Joseph Priestley?". Not "title" (of a work) nor "position" after "of" (of the sun).
_ROLE = re.compile(
    r"^\s*what(?:'s|\s+(?:is|was|are|were))\s+(?:(?P<x>.+?)['\u2019]s?\s+(?:job|role|occupation|profession|position)\b"
    r"|the\s+(?:job|occupation|profession)\s+of\s+(?P<y>.+?)\s*\??\s*$)",
    re.IGNORECASE,
)


def described_asked(question: str) -> str | None:
    """The name a question asks to describe ("Who is Alexander Ivanov?" -> "Alexander Ivanov", "What is
    Ramadane's job?" -> "Ramadane"), if it asks that."""
    match = _ROLE.match(question) or _ASKED.match(question)
    if not match:
        return None
    name = (match.group("x") or match.groupdict().get("y") or "").strip()
    if not name or _RELATION.search(f" {name} ") or len(name.split()) > MAX_NAME_WORDS or _PRONOUN.match(name):
        return None
    return name


def read_as(question: str, name: str) -> str:
    """The question the reader reads for a description of ``name``: "What is X's job?" as "Who is X?", which is how
    the reader finds an apposition ("COSI's head, Alexander Ivanov"); on SQuAD's role questions the same answers."""
    return f"Who is {name}?" if _ROLE.match(question) else question


_NAME_BEFORE = re.compile(r"(?:[A-Z][\w'\u2019.-]*\s)+$")  # "El Maouloud " before "Ramadane"
_NAME_AFTER = re.compile(r"(?:\s[A-Z][\w'\u2019.-]*)+")


def mentions(name: str, sentence: str) -> list[tuple[int, int]]:
    """Where ``sentence`` names ``name``, each widened to the whole run of capitalised words it is part of: "Who is
    Ramadane?" is about "El Maouloud Ramadane", whose description comes after the whole name."""
    found = []
    for match in re.finditer(rf"\b{re.escape(name)}\b", sentence, re.IGNORECASE):
        start, end = match.span()
        before = _NAME_BEFORE.search(sentence, 0, start)
        after = _NAME_AFTER.match(sentence, end)
        found.append((before.start() if before else start, after.end() if after else end))
    return found


# where a description stands: after the name past a comma, a bracket, "who is" or "is", an article perhaps opening
# it ("X, description", "X (description", "X is a description"); before it only past a comma ("description, X"):
# words right before a name may be the rest of it ("El Maouloud" before "Ramadane"), and a title there ("Prime
# Minister Choguel Kokalla Maiga") is what the reader picks anyway
_AFTER = re.compile(
    r"\s*(?:,|\(|,?\s*(?:who|which)\s+(?:is|was|are|were)|(?:is|was|are|were))\s*((?:a|an|the)\s+)?", re.IGNORECASE
)
_BEFORE = re.compile(r",\s*(?:the\s+)?$", re.IGNORECASE)
# a common noun right before the name says what it is ("the Tuareg separatist group CSP", "Wagner's successor Africa
# Corps"); a capitalised word there may be the rest of the name, and a verb or a function word is none
_NOUN_BEFORE = re.compile(r"\b([a-z][a-z-]*)\s+$")
_NOT_A_NOUN = frozenset(
    "the a an of by in on at to for from with and or but as than that which who whom whose when where while "
    "is was are were be been being has have had do does did not no its his her their our your my this these those "
    "said says say told tells tell met led left hit struck took made gave sent saw won lost beat became become "
    "became against about into onto over under between among during after before since until via per like "
    "also only even both all each every some any many much more most such own new former called named".split()
)


def slots(named: Sequence[tuple[int, int]], sentence: str) -> tuple[set[int], set[int]]:
    """Where a description of the ``named`` places may start (after "X, ", "X is a ") and end (before ", X")."""
    starts: set[int] = set()
    ends: set[int] = set()
    for first, last in named:
        after = _AFTER.match(sentence, last)
        if after and after.end() > last:
            starts.add(after.end())
            if after.group(1):  # the article may open the description too
                starts.add(after.start(1))
        before = _BEFORE.search(sentence, 0, first)
        if before:
            ends.add(before.start())
        noun = _NOUN_BEFORE.search(sentence, 0, first)
        if noun and not _verb_or_function_word(noun.group(1)):
            ends.add(noun.end(1))
    return starts, ends


def _verb_or_function_word(word: str) -> bool:
    # verbs' and adverbs' endings, and adjectives' ("microscopic colloblasts" says how they look, not what they are)
    endings = ("ed", "ing", "ly", "ic", "al", "ous", "ive", "ful", "less", "able", "ible", "ary")
    return word in _NOT_A_NOUN or word.endswith(endings)


def abbreviation(sentence: str, start: int, end: int) -> bool:
    """Whether ``sentence[start:end]`` is a name's abbreviation in brackets ("Engineering News-Record (ENR)"): in a
    description's place, but no description."""
    return bool(_ABBREVIATION.match(sentence[start:end])) and sentence[:start].rstrip().endswith("(")
