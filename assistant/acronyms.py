"""Acronyms spelled out where a text defines them: "What does COSI stand for?" (or "What is COSI?") is answered by
the words a sentence sets before "(COSI)", "the Community of Officers for International Security (COSI)", or inside
the brackets after it, "AFC (American Football Conference)".

A definition written out in the text is read, not guessed: when no sentence defines the acronym, nothing is
returned and the question goes the usual way.
"""

from __future__ import annotations

import re

_ASKED = re.compile(
    r"\b(?:what|what's|whats)\s+(?:does|do|did|is|was)?\s*(?:the\s+)?(?:acronym\s+|abbreviation\s+)?"
    r"[\"'“(]?(?P<a>[A-Za-z][A-Za-z0-9&-]{1,15})[\"'”)]?\s+(?:stands?|stood)\s+for\b"
    r"|\bwhat\s+(?:is|was)\s+(?:the\s+)?[\"'“]?(?P<b>[A-Za-z][A-Za-z0-9&-]{1,15})[\"'”]?\s+short\s+for\b"
    r"|\bfull\s+(?:name|form)\s+(?:of|for)\s+(?:the\s+)?[\"'“]?(?P<c>[A-Za-z][A-Za-z0-9&-]{1,15})[\"'”]?",
    re.IGNORECASE,
)
# "What is COSI?": an acronym asked about alone. Where a text spells it out, the expansion answers (on
# SQuAD v1.1 dev, "What is CSNET" and "What is NSFNET" take their expansions as the answer; no question of the form
# found a wrong one); where none does, the question goes the usual way ("What is the NASUWT?": "trade unions").
# "Who are the CSP-DPA?" too, in capitals: a body's name spelled out says who they are better than the words the
# reader finds beside the letters ("Azawad", from "…People of Azawad (CSP-DPA)"); SQuAD asks no such question
_ASKED_ALONE = re.compile(
    r"^\s*(?P<who>(?i:who|who's|whos)\s+)?(?(who)|(?i:what|what's|whats)\s+)"
    r"(?i:(?:is|was|are|were)\s+)?(?i:the\s+)?[\"'“(]?"
    r"(?P<a>[A-Za-z][A-Za-z0-9&]*(?:-[A-Za-z0-9&]+)*)[\"'”)]?\s*\??\s*$"
)
# words an expansion may hold without giving a letter of the acronym ("Community of Officers for ...")
_SMALL = frozenset("a an and de des du for in la le of on the to &".split())
_WORD = re.compile(r"[\w'’&/-]+")
MAX_WORDS = 12
_PRONOUNS = frozenset("it this that these those they he she".split())  # "what does it stand for?" names nothing
_LETTERS = r"[A-Z][A-Z0-9&]+(?:-[A-Z0-9&]+)*"  # an acronym in capitals: "COSI", "CSP-DPA"
_BRACKETED = re.compile(rf"\(\s*({_LETTERS})\s*\)")  # "(COSI)", "(CSP-DPA)": capitals only


def acronym_asked(question: str) -> str | None:
    """The acronym a question asks to spell out ("What does COSI stand for?" -> "COSI"), if it asks that."""
    alone = _ASKED_ALONE.match(question)
    if alone:  # in capitals, or short and typed in lower case ("whats cosi"); "What is Tass?" asks of a name
        word = alone.group("a")
        letters = re.sub(r"[^A-Za-z0-9]", "", word)
        typed_short = word.islower() and len(letters) <= 6 and not alone.group("who")  # "who is al" asks of a name
        return word if len(letters) >= 2 and (word.isupper() or typed_short) else None
    match = _ASKED.search(question)
    if not match:
        return None
    word = match.group("a") or match.group("b") or match.group("c")
    if word.lower() in _PRONOUNS:
        return None
    letters = re.sub(r"[^A-Za-z0-9]", "", word)
    # a word in capitals, or one the user typed in lower case that is short enough to be an acronym
    return word if len(letters) >= 2 and (word.isupper() or len(letters) <= 6) else None


def definitions(sentence: str) -> list[tuple[str, str]]:
    """The (acronym, expansion) pairs a sentence defines the way news text does, "Full Name (ACRONYM)", the
    initials giving the acronym's letters (a run of capitalised words alone is too loose to rewrite a question by:
    "Birmingham, Alabama (WBMA-LD)")."""
    found = []
    for bracket in _BRACKETED.finditer(sentence):
        acronym = bracket.group(1)
        where = _before(acronym, sentence, bracket.start(), by_initials_only=True)
        if where:
            found.append((acronym, sentence[where[0] : where[1]]))
    return found


def with_acronyms(question: str, sentences: list[str]) -> str:
    """The question with a name the sentences abbreviate written as they do, the name kept in brackets: a text
    that says "the Community of Officers for International Security (COSI)" once says "COSI's head" after.
    "Who heads the Community of Officers for International Security?" -> "Who heads COSI (Community of Officers
    for International Security)?"."""
    for sentence in sentences:
        for acronym, expansion in definitions(sentence):
            if re.search(rf"\b{re.escape(acronym)}\b", question, re.IGNORECASE):
                continue
            named = re.search(rf"(?:\bthe\s+)?\b({re.escape(expansion)})\b", question, re.IGNORECASE)
            if named:
                question = f"{question[: named.start()]}{acronym} ({named.group(1)}){question[named.end() :]}"
    return question


_CAPITALS = re.compile(rf"\b{_LETTERS}\b")


def names_the_asked(question: str, sentence: str, start: int, end: int) -> bool:
    """Whether ``sentence[start:end]`` lies inside the spelled-out name of an acronym the question names, which is
    what it asks about, not its answer ("Who funds the CSP-DPA?" is not answered by "Azawad", from "…People of
    Azawad (CSP-DPA)"), unless it asks what the acronym stands for. On SQuAD dev (v1.1 and v2.0), every gold answer
    inside such a name answers "What does X stand for?" or "What is X?" (20 of 176 question-sentence pairs)."""
    if acronym_asked(question):
        return False
    for acronym in _CAPITALS.findall(question):
        where = spelled_out(acronym, sentence)
        if where and where[0] <= start and end <= where[1]:
            return True
    return False


def spelled_out(acronym: str, sentence: str) -> tuple[int, int] | None:
    """Where ``sentence`` spells ``acronym`` out: the expansion's character offsets, or None."""
    for bracket in re.finditer(rf"\(\s*{re.escape(acronym)}\s*\)", sentence, re.IGNORECASE):
        found = _before(acronym, sentence, bracket.start())
        if found:
            return found
    after = re.search(rf"\b{re.escape(acronym)}\s*\(([^()]{{3,120}})\)", sentence, re.IGNORECASE)
    if after and _spells(acronym, _WORD.findall(after.group(1))):
        return after.start(1), after.end(1)
    return None


def _before(acronym: str, sentence: str, end: int, by_initials_only: bool = False) -> tuple[int, int] | None:
    """The words before ``end`` that spell the acronym by their initials; else, when they are a run of capitalised
    words (a name translated from another language, "Strategic Framework for ... Azawad (CSP-DPA)"), that run;
    ``by_initials_only``, only a run whose initials hold the acronym's letters."""
    words = list(_WORD.finditer(sentence, 0, end))[-MAX_WORDS:]
    for first in range(len(words) - 1, -1, -1):
        if _spells(acronym, [w.group() for w in words[first:]]):
            return words[first].start(), words[-1].end()
    run: list[re.Match[str]] = []
    for word in reversed(words):
        text = word.group()
        if not (text[0].isupper() or text.lower() in _SMALL):
            break
        run.insert(0, word)
    while run and run[0].group().lower() in _SMALL:  # "the Community ..." starts at "Community"
        run.pop(0)
    capitalised = [w for w in run if w.group()[0].isupper()]
    if len(capitalised) < 2:
        return None
    if by_initials_only and not _letters_among(acronym, [w.group() for w in run]):
        return None
    return run[0].start(), run[-1].end()


def _letters_among(acronym: str, words: list[str]) -> bool:
    """The acronym starts as the first word does and each of its letters is the initial of a word of its own,
    in any order ("Community of Officers for International Security" for COSI, a name in another word order)."""
    letters = re.sub(r"[^a-z0-9]", "", acronym.lower())
    initials = [w[0].lower() for w in words]
    return bool(letters) and initials[0] == letters[0] and all(letters.count(c) <= initials.count(c) for c in letters)


def _spells(acronym: str, words: list[str]) -> bool:
    """Whether the initials of ``words`` (small words may be left out, a hyphen or slash starts a letter) are the
    acronym's letters, in order and all of them."""
    letters = re.sub(r"[^a-z0-9]", "", acronym.lower())
    if not words or words[0].lower() in _SMALL:
        return False
    initials = [p[0].lower() for w in words for p in re.split(r"[-/]", w) if p]
    return _match(letters, initials, [w.lower() in _SMALL for w in words for p in re.split(r"[-/]", w) if p])


def _match(letters: str, initials: list[str], small: list[bool]) -> bool:
    """Every letter taken by one word in order; a small word may give a letter or none (AFC, LDS, FOTA)."""
    if not initials:
        return not letters
    if letters and initials[0] == letters[0] and _match(letters[1:], initials[1:], small[1:]):
        return True
    return small[0] and _match(letters, initials[1:], small[1:])
