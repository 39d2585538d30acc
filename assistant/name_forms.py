"""Names in a question written as the documents write them.

People type names as they know them, not as the article spells them: in lower case ("who heads cosi"), without
a letter the transliteration has ("Ramadan" for "Ramadane"), with a first name the article leaves out ("Mohamed El
Maouloud Ramadane") or with its parts run together ("Elmaouloud"). The reader and the search do not care about
case, but what reads a name does: the names an answer must hold, "who is X?" finding X beside its description.
So before anything else the question's names are rewritten to the documents' own, and a name shortened to the
documents' form is said in the answer's notes: the user asked about a fuller name than the documents give.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from .words import LETTERS, STOPWORDS, folded, stem

# the capital letters of the Latin, Greek and Cyrillic alphabets ("Ö", "Ž"): Python's patterns have no class for them
_UPPER = "".join(c for c in map(chr, range(0x530)) if c.isupper())
# a run of capitalised words, one space apart: one name ("Mohamed El Maouloud Ramadane", "Yesün Temür"); not part
# of a hyphenated word ("Rewe-Zentrale AG" is no run "Zentrale AG" to cut)
_NAME = rf"[{_UPPER}][^\W\d_]*"
_RUN = re.compile(rf"(?<![\w'\u2019-]){_NAME}(?: {_NAME})+\b(?![-'\u2019]\w)")
MIN_PART = 2  # "El" + "Maouloud": the shortest part a run-together name splits into
# a name shortened to the documents' form keeps at least two words: a bare surname may be someone else's. Of the
# questions of SQuAD's training titles a cut to one word would change, 7 of 9 are v2.0's unanswerable ones asking
# about someone the text does not name so ("Francois Villion", "Ibna Sina", "Zygumunt Olszewski"); two words kept,
# none is cut
MIN_KEPT = 2


@dataclass(frozen=True)
class NameForms:
    """The documents' names: lower case without accents -> as written ("cosi" -> "COSI", "temur" -> "Temür"), and
    by their stem."""

    forms: Mapping[str, str]
    by_stem: Mapping[str, str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_stem", {stem(w): form for w, form in self.forms.items()})


def as_named(
    question: str, names: NameForms, known: Collection[str], english: Collection[str]
) -> tuple[str, list[tuple[str, str]]]:
    """``question`` with its names as the documents write them, and the names shortened to the documents' form
    as (asked, searched) pairs. ``known`` holds every word of the documents (lower case, without accents: see
    ``words.folded``); a word of ``english`` is left as typed ("mali" may be the country or a word of the text)."""
    forms, by_stem = names.forms, names.by_stem

    def spelled(match: re.Match[str]) -> str:
        word = match.group(0)
        lowered = folded(word)
        if lowered in english or lowered in STOPWORDS:
            return word
        if lowered in forms:
            return forms[lowered]
        if lowered not in known and stem(lowered) in by_stem:  # "ramadan" for "Ramadane"
            return by_stem[stem(lowered)]
        return word

    text = LETTERS.sub(spelled, question)
    shortened: list[tuple[str, str]] = []

    def fitted(run: list[str]) -> list[str]:
        if len(run) < 2 or folded(run[-1]) not in forms:  # only a name the documents hold can be the one meant
            return run
        kept: list[str] = []
        dropped = False
        for word in run:
            if folded(word) in known:
                kept.append(word)
                continue
            parts = _split(folded(word), forms)
            kept.extend(parts)  # run together ("Elmaouloud"), or a part the documents leave out ("Mohamed")
            dropped = dropped or not parts
        if dropped and len(kept) < MIN_KEPT:  # "Yesun Temur" is not any "Temur" the documents name
            return run
        if kept != run:
            shortened.append((" ".join(run), " ".join(kept)))
        return kept

    def names_in(match: re.Match[str]) -> str:
        # a stop word splits a run of capitals in two: "Who Is Mohamed Ramadane Of The CSP" holds two names at most
        out: list[str] = []
        name: list[str] = []
        for word in [*match.group(0).split(" "), ""]:
            if word and word.lower() not in STOPWORDS:
                name.append(word)
                continue
            out += fitted(name) + ([word] if word else [])
            name = []
        return " ".join(out)

    return _RUN.sub(names_in, text), shortened


def _split(word: str, forms: Mapping[str, str]) -> list[str]:
    """``word`` (lower case) as two names of ``forms`` run together, or nothing."""
    for i in range(MIN_PART, len(word) - MIN_PART + 1):
        head, tail = word[:i], word[i:]
        if head in forms and tail in forms:
            return [forms[head], forms[tail]]
    return []
