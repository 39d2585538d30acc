"""Acronyms spelled out where a text defines them: "What does COSI stand for?" is answered by the words a
sentence sets before "(COSI)", "the Community of Officers for International Security (COSI)", or inside the
brackets after it, "AFC (American Football Conference)".

A definition written out in the text is read, not guessed: when no sentence defines the acronym, nothing is
returned and the question goes the usual way.
"""

from __future__ import annotations

import re

_ASKED = re.compile(
    r"\b(?:what|what's|whats)\s+(?:does|do|did|is|was)?\s*(?:the\s+)?(?:acronym\s+|abbreviation\s+)?"
    r"[\"'“]?(?P<a>[A-Za-z][A-Za-z0-9&-]{1,15})[\"'”]?\s+(?:stands?|stood)\s+for\b"
    r"|\bwhat\s+(?:is|was)\s+(?:the\s+)?[\"'“]?(?P<b>[A-Za-z][A-Za-z0-9&-]{1,15})[\"'”]?\s+short\s+for\b"
    r"|\bfull\s+(?:name|form)\s+(?:of|for)\s+(?:the\s+)?[\"'“]?(?P<c>[A-Za-z][A-Za-z0-9&-]{1,15})[\"'”]?",
    re.IGNORECASE,
)
# words an expansion may hold without giving a letter of the acronym ("Community of Officers for ...")
_SMALL = frozenset("a an and de des du for in la le of on the to &".split())
_WORD = re.compile(r"[\w'’&/-]+")
MAX_WORDS = 12


def acronym_asked(question: str) -> str | None:
    """The acronym a question asks to spell out ("What does COSI stand for?" -> "COSI"), if it asks that."""
    match = _ASKED.search(question)
    if not match:
        return None
    word = match.group("a") or match.group("b") or match.group("c")
    letters = re.sub(r"[^A-Za-z0-9]", "", word)
    # a word in capitals, or one the user typed in lower case that is short enough to be an acronym
    return word if len(letters) >= 2 and (word.isupper() or len(letters) <= 6) else None


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


def _before(acronym: str, sentence: str, end: int) -> tuple[int, int] | None:
    """The words before ``end`` that spell the acronym by their initials; else, when they are a run of capitalised
    words (a name translated from another language, "Strategic Framework for ... Azawad (CSP-DPA)"), that run."""
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
    return (run[0].start(), run[-1].end()) if len(capitalised) >= 2 else None


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
