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

"Where is X?" is answered the same way, by a place beside the name (``located_asked``, ``place_slots``): "the town
of Tinzaouaten, situated in northern Mali". Same measure: v1.1 training articles 12 of 24 answered, all rightly;
held out 4 of 14, all rightly; v2.0 training 8 of 12 and held out 4 of 9, all rightly, and none of 5 unanswerable.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .words import MONTHS, WEEKDAYS, folded, same_term, stem

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
    return name if _alone(name) else None


def joined_to_asked(question: str, sentence: str, start: int, end: int) -> bool:
    """Whether the phrase at [start, end) is joined to the name a "Who is X?" question asks about by "and" ("the
    Mongols and the Semuren", "Tuareg and Islamist militants"): two things, so no description of it. Given the
    answer's sentence, SQuAD v1.1's description questions have such a short answer once in 162, a wrong one."""
    name = described_asked(question)
    if not name:
        return False
    phrase, named = re.escape(sentence[start:end]), re.escape(name)
    joined = rf"\b{named}\s+and\s+(?:the\s+)?{phrase}|{phrase}\s+and\s+(?:the\s+)?{named}\b"
    return re.search(joined, sentence, re.IGNORECASE) is not None


def _alone(name: str) -> bool:
    """Whether ``name`` is a short name or term asked about alone: not a relation ("the head of COSI"), not a
    pronoun (a follow-up's: the name is in the conversation)."""
    return bool(name) and not (
        _RELATION.search(f" {name} ") or len(name.split()) > MAX_NAME_WORDS or _PRONOUN.match(name)
    )


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
    for start, end in _written(name, sentence):
        before = _NAME_BEFORE.search(sentence, 0, start)
        after = _NAME_AFTER.match(sentence, end)
        found.append((before.start() if before else start, after.end() if after else end))
    return found


def _written(name: str, sentence: str) -> list[tuple[int, int]]:
    """Where ``sentence`` writes ``name``; a one-word name also in another spelling ("Tinzaouatene" for
    "Tinzaouaten": news spells a transliterated name both ways). A common noun only as asked: "ctenophores" are not
    what "What is a ctenophora?" asks about."""
    exact = [m.span() for m in re.finditer(rf"\b{re.escape(name)}\b", sentence, re.IGNORECASE)]
    if not re.fullmatch(r"[^\W\d_]+", name) or not name[0].isupper():
        return exact
    asked = stem(folded(name))
    written = re.finditer(r"[^\W\d_]+", sentence)
    spelt = [m.span() for m in written if m.group()[0].isupper() and same_term(stem(folded(m.group())), asked)]
    return sorted(set(exact + spelt))


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


# "Where is X?", "Where is X located?": where X stands, which news writes beside the name ("the town of Tinzaouaten,
# situated in northern Mali, close to the border with Algeria"). Not "Where was X held / born / buried?": those ask
# where something happened, which no place beside the name says
_WHERE = re.compile(
    r"^\s*where(?:'?s|\s+(?:is|was|are|were))\s+(?:the\s+)?(?P<x>.+?)"
    r"(?:\s+(?:located|situated|based|found|headquartered))?\s*\??\s*$",
    re.IGNORECASE,
)
# a verb, an adverb or a negation in what is asked about: it asks where something was done ("Where was the ball
# recovered?", "Where were the tribes originally?", "Where are no pharmacies located?")
_EVENT = re.compile(r"\b(?:[a-z]+(?:ed|ing|ly)|born|built|made|sent|taken|found|held|from|now|then|no|not|never)\b")


def located_asked(question: str) -> str | None:
    """The name a question asks the place of ("Where is Tinzaouaten?" -> "Tinzaouaten"), if it asks that."""
    match = _WHERE.match(question)
    if not match:
        return None
    name = match.group("x").strip()
    return name if _alone(name) and not _EVENT.search(name) else None


# where a place stands beside the name: after it, a preposition of place past a comma or a bracket, perhaps after a
# noun it is or "situated" ("X, situated in Y", "X (near Y", "X, a town close to Y"), or past "is" or "situated"
# ("X is located on Y", "X lies near Y"). A bare "X in Y" only between names ("the Galaxy Public School in
# Kathmandu"): before a common noun it is most often where something happened ("a stop south of Tinzaouatene in the
# city of Kidal"), and so is one before a month or a day
_SITUATED = r"(?:situated|located|based|lying|lies|sited|set|headquartered|found)"
_AT = (
    r"(?P<at>(?:in|on|at|near|by|along|off|outside|inside|within|between|beside|close\s+to|next\s+to|"
    r"(?:north|south|east|west)(?:-?(?:east|west))?\s+of)\b)\s*"
)
_PLACE_AFTER = re.compile(
    r"(?:\s*[,(]\s*(?:(?:which|that)\s+(?:is|was|are|were)\s+)?(?:(?:an?|the)\s+(?:[a-z][\w-]*\s+){1,2})?"
    rf"(?:{_SITUATED}\s+)?|\s+(?:(?:is|was|are|were)\s+(?:{_SITUATED}\s+)?|{_SITUATED}\s+)){_AT}"
    rf"|\s+(?P<bare>in|at|on)\s+(?=(?:the\s+)?(?-i:[A-Z]))(?!(?:{'|'.join(MONTHS + WEEKDAYS)})\b)",
    re.IGNORECASE,
)


def place_slots(named: Sequence[tuple[int, int]], sentence: str) -> tuple[set[int], set[int]]:
    """Where the place of the ``named`` places may start: at the preposition after the name, or right after it
    ("situated in northern Mali": "in northern Mali" or "northern Mali"). No end is fixed."""
    starts: set[int] = set()
    for first, last in named:
        after = _PLACE_AFTER.match(sentence, last)
        # a bare "in Y" after a common noun is where it is in a ranking or a count ("the fastest growing regional
        # airport in the UK"), after a name where the name is
        if after and (after.group("at") or sentence[first].isupper()):
            starts.update({after.start("at" if after.group("at") else "bare"), after.end()})
    return starts, set()
