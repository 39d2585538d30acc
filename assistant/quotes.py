"""Someone's words, asked for: "What did El Maouloud Ramadane say?", "What did he say about the convoy?" are answered
by the sentences that quote that person ('"Given the size of the convoy…," El Maouloud Ramadane, spokesman for …,
told AFP.').

News reports what people said, and asking what they said is how a reader follows a story. The span reader learned
from SQuAD's questions about facts, whose answer is a phrase inside the sentence; a whole quote is no such phrase, so
the judge is often unsure of the very sentence that gives the words asked for (0.16 for Ramadane's quote after "Who
is El Maouloud Ramadane?", under its bar). SQuAD holds a dozen questions of this form, too few to learn or measure
it, so this is a rule about the question's form, kept narrow: the question asks only what someone said (perhaps
"about" something), and a sentence answers it when the reader, asked "Who said this?", names that someone where the
sentence names its speaker (``stands_as_speaker``), or it goes on a quote of theirs ('"…," he said.' after their
sentence). When the question says what about, the sentence or the one before it must name some of it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .answer import SAID_BY_PRONOUN
from .retrieval import Evidence
from .words import terms

# "What did X say?", "What has the army claimed about the strikes?", "What did he admit?": nothing asked but the
# words, with a verb whose object is what was said (not "deny" or "criticise", whose object is something else; "What
# did the army say it destroyed?" asks for a thing, and the reader finds it)
_ASKED = re.compile(
    r"^\s*what\s+(?:did|does|do|has|have|had)\s+(?P<who>.+?)\s+(?:say|said|claim|claimed|announce|announced|declare|"
    r"declared|state|stated|tell (?:us|reporters|the press|AFP)|add|added|write|wrote|reply|replied|respond|responded|"
    r"comment|commented|explain|explained|argue|argued|insist|insisted|stress|stressed|warn|warned|admit|admitted|"
    r"acknowledge|acknowledged|concede|conceded|promise|promised|vow|vowed|pledge|pledged)"
    r"(?:\s+(?:about|on|of|regarding|concerning|over)\s+(?P<about>[^?]+?))?[\s?.!]*$",
    re.IGNORECASE,
)
_PRONOUN = re.compile(r"^(he|she|they|it|him|her|them)$", re.IGNORECASE)
# the verbs that give someone's words
_VERB = (
    r"(?:said|says|told|tells|added|adds|declared|stated|claimed|claims|announced|confirmed|warned|insisted|argued"
    r"|explained|wrote|accused|critici[sz]ed|reported|quoted|stressed|noted)"
)
# a sentence that says whose words it gives
ATTRIBUTED = re.compile(rf"\b(?:{_VERB}|according to)\b", re.IGNORECASE)
_SPEECH = re.compile(rf"\b(?:{_VERB}|according to)\b|[\"\u201c\u201d]", re.IGNORECASE)
# where a speaker stands: right before the verb that gives their words, perhaps past an apposition in commas ("El
# Maouloud Ramadane, spokesman for …, told AFP", "COSI's head, Alexander Ivanov, was quoted"), or after "according
# to" or "by". Not "Kidal" in "…in the city of Kidal, a military and regional government source said"
_AFTER_SPEAKER = re.compile(
    rf"^(?:,[^,\"\u201c\u201d]{{1,160}},|,)?\s*(?:(?:was|were|has|have|had|is|are)\s+)?(?:not\s+)?(?:\w+ly\s+)?{_VERB}\b",
    re.IGNORECASE,
)
_BEFORE_SPEAKER = re.compile(r"\b(?:according to|by)\s+$", re.IGNORECASE)
WHO_SAID = "Who said this?"
MAX_QUOTED = 3  # at most this many of the person's sentences are cited
_QUOTE_MARK = re.compile(r"[\"\u201c\u201d]")
MAX_SPEAKERS = 8  # "Who is quoted?": at most this many people, each with at most PER_SPEAKER of their sentences
PER_SPEAKER = 2
# the answer to "Who is quoted?": this head, then a paragraph per person, "Name: their sentences [n]."
QUOTED_HEAD = "Who is quoted"
SPEAKER = re.compile(r"^([^:\n]{1,100}): ")


@dataclass(frozen=True)
class Asked:
    who: str  # as the question or its conversation names them: "El Maouloud Ramadane", "the army"
    about: str  # "" when the question asks for all they said


def said_asked(question: str, antecedent: str = "") -> Asked | None:
    """Whose words ``question`` asks for, and about what; a pronoun stands for ``antecedent`` (what the
    conversation's last turn was about), and without one the question is not of this form."""
    match = _ASKED.match(question)
    if not match:
        return None
    who = match.group("who").strip()
    if _PRONOUN.match(who):
        who = antecedent.strip()
    if not terms(who):
        return None
    return Asked(who, (match.group("about") or "").strip())


def quoting(
    asked: Asked,
    evidence: Sequence[Evidence],
    speakers: Callable[[Sequence[str]], Sequence[tuple[int, int] | None]],
) -> list[Evidence]:
    """The sentences of ``evidence`` that give ``asked.who``'s words (about ``asked.about``), best first.
    ``speakers`` reads where each sentence says who said it (the span reader asked ``WHO_SAID``; None when it finds
    no one)."""
    who = set(terms(asked.who))
    about = set(terms(asked.about))
    speaking = [e for e in evidence if _SPEECH.search(e.text)]
    read = speakers([e.text for e in speaking]) if speaking else []
    said: list[Evidence] = []
    for ev, speaker in zip(speaking, read, strict=True):
        own = speaker is not None and stands_as_speaker(ev.text, *speaker) and _names(who, ev.text[slice(*speaker)])
        # '"…," he said.': the words go on, their speaker named in the sentence before
        goes_on = SAID_BY_PRONOUN.search(ev.text) is not None and _speaks(who, ev.previous)
        if not (own or goes_on):
            continue
        if about and not about & (set(terms(ev.text)) | set(terms(ev.previous))):
            continue
        said.append(ev)
    return sorted(said, key=lambda e: -e.score)[:MAX_QUOTED]


def _names(who: set[str], speaker: str) -> bool:
    """Whether the speaker read is who is asked about: all their words ("the separatists" in "elected
    representatives and the separatists"), or, when a conversation's names stand for them, only words of theirs or
    two of them at least ("Prime Minister Choguel Kokalla Maiga" for "he" after a turn whose names were "Tinzaouatene
    Choguel Kokalla Maiga")."""
    said = set(terms(speaker))
    shared = who & said
    return bool(shared) and (who <= said or said <= who or len(shared) >= 2)


def stands_as_speaker(sentence: str, start: int, end: int) -> bool:
    """Whether the words at [start, end) stand where a sentence names whose words it gives ("The separatists said",
    "according to elected representatives and the separatists"; not "Malian soldiers and their Wagner allies
    recently set off", nor "Wagner's successor Africa Corps operates")."""
    return bool(_AFTER_SPEAKER.match(sentence[end:]) or _BEFORE_SPEAKER.search(sentence[:start]))


def _speaks(who: set[str], sentence: str) -> bool:
    """Whether ``sentence`` gives someone's words and names who is asked about (all their words, or two of them)."""
    written = set(terms(sentence))
    return (who <= written or len(who & written) >= 2) and _SPEECH.search(sentence) is not None


def quoted_people(
    sentences: Sequence[Evidence],
    speakers: Callable[[Sequence[str]], Sequence[tuple[int, int] | None]],
) -> list[tuple[str, list[Evidence]]]:
    """Who ``sentences`` quote in their own words ("Who is quoted?"), in the order they first speak, each with the
    sentences that give their words: a sentence with a quotation mark whose speaker the reader names where a sentence
    names its speaker (``stands_as_speaker``), and '"…," he said.' right after one of theirs. Reported speech
    without quotation marks ("The separatists said that…") is left to the questions about what someone said."""
    quoting = [e for e in sentences if _QUOTE_MARK.search(e.text)]
    read = speakers([e.text for e in quoting]) if quoting else []
    people: dict[frozenset[str], tuple[str, list[Evidence]]] = {}
    last: tuple[frozenset[str], Evidence] | None = None
    for ev, speaker in zip(quoting, read, strict=True):
        if speaker is not None and stands_as_speaker(ev.text, *speaker):
            name = ev.text[slice(*speaker)]
            name = name[:1].upper() + name[1:]  # "the army" opens its line
            key = frozenset(terms(name))
        elif last and SAID_BY_PRONOUN.search(ev.text) and _right_after(last[1], ev):
            key, name = last[0], ""
        else:
            continue
        if not key:
            continue
        said = people.setdefault(key, (name, []))[1]
        if len(said) < PER_SPEAKER:
            said.append(ev)
        last = key, ev
    return list(people.values())[:MAX_SPEAKERS]


def _right_after(before: Evidence, sentence: Evidence) -> bool:
    """Whether ``sentence`` follows ``before`` in its document with nothing between them but spaces."""
    return sentence.source == before.source and 0 <= sentence.start - before.end <= 3
