"""Two-turn conversations made from SQuAD: a question, then the next question asked of the same paragraph with the
name the two share said as a pronoun ("What river did Genghis Khan cross?", then "Where did Genghis Khan die?"
asked as "Where did he die?").

People in a chat name a thing once and then say "it"; SQuAD's questions were written one at a time and each
names what it asks about. Saying the shared name as a pronoun makes the second question a follow-up that only
the conversation can complete, while its gold answers (or, in v2.0, its having none) stay as SQuAD wrote them.
The name is shared with the first question ("subject": the conversation stays on it) or only with the first
question's answer ("answer": the conversation moves on to what was just answered). Comparing the follow-ups
with the same questions asked as written measures what the conversation costs.
"""

from __future__ import annotations

import difflib
import itertools
import random
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.chat import MAX_ELLIPTICAL_TERMS, pronoun_in
from assistant.ellipsis import TOKEN
from assistant.words import QUESTION_WORDS, STOPWORDS, names, terms

# a run of capitalised words ("Genghis Khan", "the Yuan dynasty" is only "Yuan"), not the question's first word
_NAME = re.compile(r"(?<![\w'])(?:the\s+)?((?:[A-Z][\w\-]*)(?:\s+(?:of\s+)?[A-Z][\w\-]*)*)(?P<own>'s)?")
_PERSON_ASKED = re.compile(r"^\s*who\b", re.IGNORECASE)
_NOT_ALONE = {"a", "an", "and", "or", "multiple", "many", "some"}  # a name said after these is a modifier or a part
_AUXILIARIES = {"did", "does", "do", "was", "is", "were", "are", "has", "had", "have", "can", "could", "will", "would"}
_ADJECTIVE = re.compile(r"(?:ic|an|ese|ish|ern|ean)$")  # "Germanic", "Chinese", "Western", "Peruvian"
_CLAUSE_WORD = re.compile(r"\b(there|that|it)\b", re.IGNORECASE)  # words a chat may take for pronouns
MIN_WORDS = 3  # a follow-up shorter than this ("Who was it?") asks nothing the pair can score


@dataclass(frozen=True)
class Pair:
    """One conversation: the first question and its answers, then the follow-up, as asked and as written."""

    id: str
    first: str
    first_answers: tuple[str, ...]
    follow_up: str
    written: str
    answers: tuple[str, ...]  # empty: the documents do not answer it (SQuAD v2.0)
    shared: str  # "subject" or "answer"; "fragment" for a fragment (``fragment_pairs``)
    source: str
    middle: tuple[str, tuple[str, ...]] | None = None  # in a conversation of three: the follow-up asked between


def as_follow_up(question: str, first: str, first_answers: Sequence[str]) -> tuple[str, str] | None:
    """``question`` with the first name it shares with ``first`` (or else with one of its answers) said as a
    pronoun, and which it shared; None when they share none."""
    for shared, where in (("subject", [first]), ("answer", list(first_answers))):
        for match in _NAME.finditer(question):
            name = match.group(1)
            before = question[: match.start()].split()
            after = question[match.end() :].split()
            if not before or before[-1].lower() in _NOT_ALONE or before[-1].startswith('"') or after[:1] == ["and"]:
                continue  # the question's first word; "a Gaussian integer", "Meuse and Waal", a quoted title
            # "the Rhine basin", "Fresno architects", "did the Germanic tribes claim": the name qualifies a noun
            # (after "did", "is"… a verb follows a subject: "did the Rhine change" unless the name reads as an
            # adjective)
            nouns = bool(after) and after[0][:1].islower() and after[0].lower() not in STOPWORDS
            subject = before[-1].lower() in _AUXILIARIES and not _ADJECTIVE.search(name)
            if (nouns and not subject) or after[:1] and after[0].endswith("'s"):
                continue
            if not any(re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) for text in where):
                continue
            person = shared == "answer" and bool(_PERSON_ASKED.match(first))
            pronoun = ("his" if person else "its") if match.group("own") else ("him" if person else "it")
            if not match.group("own") and person and not _object(question, match.start()):
                pronoun = "he"
            said = f"{question[: match.start()]}{pronoun}{question[match.end() :]}"
            said = " ".join(said.split())
            if len(said.split()) >= MIN_WORDS:
                return said, shared
    return None


def _object(question: str, start: int) -> bool:
    """Whether the name at ``start`` follows a verb or preposition (then "him", else "he")."""
    before = question[:start].split()
    return bool(before) and before[-1].lower() not in {"did", "does", "was", "is", "were", "has", "had", "and"}


def pairs(
    data: Sequence[dict[str, Any]], titles: set[str], name_of: Any, rng: random.Random, turns: int = 2
) -> list[Pair]:
    """Every follow-up ``as_follow_up`` can make from consecutive questions of a paragraph of ``titles`` whose first
    question has an answer, shuffled by ``rng``; ``name_of(article, paragraph)`` names the paragraph's file. With
    ``turns=3``, three consecutive questions, the second and the third each made a follow-up of the first (the
    third's words a conversation of three piles up: "What did he say? (Genghis Khan …)", then its own)."""
    out = []
    for a, p, qas in _paragraphs(data, titles):
        for window in zip(*(qas[i:] for i in range(turns)), strict=False):
            first, last = window[0], window[-1]
            first_answers = _answers(first)
            if not first_answers:
                continue
            made = [as_follow_up(q["question"], first["question"], first_answers) for q in window[1:]]
            if any(m is None for m in made):
                continue
            middle = (made[0][0], _answers(window[1])) if turns == 3 and made[0] else None
            said, shared = made[-1] or ("", "")
            out.append(
                Pair(
                    last["id"],
                    first["question"],
                    first_answers,
                    said,
                    last["question"],
                    _answers(last),
                    shared,
                    f"{name_of(a, p)}.txt",
                    middle,
                )
            )
    rng.shuffle(out)
    return out


def _paragraphs(data: Sequence[dict[str, Any]], titles: set[str]) -> Iterator[tuple[int, int, list[dict[str, Any]]]]:
    """(article number, paragraph number, its questions) for the articles of ``titles`` (all when empty)."""
    for a, article in enumerate(data):
        if not titles or article["title"] in titles:
            for p, paragraph in enumerate(article["paragraphs"]):
                yield a, p, paragraph["qas"]


def _answers(qa: dict[str, Any]) -> tuple[str, ...]:
    """A question's gold answers; none for SQuAD v2.0's unanswerable ones."""
    return () if qa.get("is_impossible") else tuple(dict.fromkeys(x["text"] for x in qa["answers"]))


MAX_SWAPPED = 3  # words on either side of a swap: longer, the second question is a new one, not a fragment


def as_fragment(question: str, first: str) -> str | None:
    """``question`` said as the fragment that completes ``first`` into it: "and the NFC?" when the two differ in
    one place only ("…represented the AFC…" / "…represented the NFC…"), "and why?" when only their opening
    differs ("When did Tesla go…" / "Why did Tesla go…"); None when they differ in more, or the fragment would
    open or end on a word that carries nothing ("and is?" after "who if…", a typing slip mended)."""
    said, before = TOKEN.findall(question), TOKEN.findall(first)
    lower = [w.lower() for w in said]
    ops = difflib.SequenceMatcher(a=[w.lower() for w in before], b=lower, autojunk=False).get_opcodes()
    changed = [op for op in ops if op[0] != "equal"]
    if len(changed) != 1 or changed[0][0] != "replace":
        return None
    _, i1, i2, j1, j2 = changed[0]
    new = lower[j1:j2]
    if i2 - i1 > MAX_SWAPPED or j2 - j1 > MAX_SWAPPED:
        return None
    if new[0] in QUESTION_WORDS:  # "and why?", "and how many?"; "and who analyzed?" is a question of its own
        return f"and {' '.join(new)}?" if len(new) == 1 or (new[0] == "how" and len(new) == 2) else None
    if new[0] in STOPWORDS or new[-1] in STOPWORDS or not all(re.match(r"\w", w) for w in new):
        return None
    determiner = lower[j1 - 1] if j1 and lower[j1 - 1] in {"the", "a", "an"} else ""
    return f"and {determiner + ' ' if determiner else ''}{' '.join(said[j1:j2])}?"


def fragment_pairs(data: Sequence[dict[str, Any]], titles: set[str], name_of: Any, rng: random.Random) -> list[Pair]:
    """Every two consecutive questions of a paragraph of ``titles`` whose second ``as_fragment`` can say as a
    fragment of the first, and whose first has an answer; and each unanswerable question of SQuAD v2.0 (listed
    after the paragraph's answerable ones, and most often written by swapping a word of one of them: "…major
    exports?" / "…major imports?") after the first answerable question of its paragraph it is a fragment of.
    Shuffled by ``rng``."""
    out = []
    for a, p, qas in _paragraphs(data, titles):
        answered = [q for q in qas if _answers(q)]
        made = [(first, second) for first, second in itertools.pairwise(qas) if _answers(second)]
        for second in (q for q in qas if not _answers(q)):
            first = next((q for q in answered if as_fragment(second["question"], q["question"])), None)
            made += [(first, second)] if first else []
        for first, second in made:
            said = as_fragment(second["question"], first["question"])
            if said and _answers(first):
                out.append(
                    Pair(
                        second["id"],
                        first["question"],
                        _answers(first),
                        said,
                        second["question"],
                        _answers(second),
                        "fragment",
                        f"{name_of(a, p)}.txt",
                    )
                )
    rng.shuffle(out)
    return out


def short_pairs(data: Sequence[dict[str, Any]], titles: set[str], name_of: Any, rng: random.Random) -> list[Pair]:
    """Each short question that names nothing ("When did the accident occur?", "Who was the hostage?": at most two
    content words, no name) asked after another whose first has an answer: the question before it in its paragraph
    ("same": what the conversation was about, as SQuAD's writers asked it), and a question of another article
    ("switch": a conversation moving to a new subject). In SQuAD v2.0 the short question may be unanswerable.
    Shuffled by ``rng``."""
    return _asked_after(
        data, titles, name_of, rng, lambda text: len(set(terms(text))) <= MAX_ELLIPTICAL_TERMS and not names(text)
    )


def clause_pairs(data: Sequence[dict[str, Any]], titles: set[str], name_of: Any, rng: random.Random) -> list[Pair]:
    """As ``short_pairs``, each question whose "there", "that" or "it" points at nothing ("How many television
    stations were there in 1952?", "What is the ABC affiliate that serves Lima, Ohio?": ``chat.pronoun_in`` finds
    no pronoun in it) asked after the question before it in its paragraph and after one of another article."""
    return _asked_after(
        data, titles, name_of, rng, lambda text: bool(_CLAUSE_WORD.search(text)) and not pronoun_in(text)
    )


def _asked_after(
    data: Sequence[dict[str, Any]], titles: set[str], name_of: Any, rng: random.Random, kept: Callable[[str], bool]
) -> list[Pair]:
    answered = [(a, q) for a, _, qas in _paragraphs(data, titles) for q in qas if _answers(q)]
    out = []
    for a, p, qas in _paragraphs(data, titles):
        for before, question in itertools.pairwise(qas):
            text = question["question"].strip()
            if not kept(text):
                continue
            other = rng.choice([q for b, q in answered if b != a])
            for shared, first in (("same", before), ("switch", other)):
                if _answers(first):
                    source = f"{name_of(a, p)}.txt"
                    out.append(
                        Pair(
                            question["id"],
                            first["question"],
                            _answers(first),
                            text,
                            text,
                            _answers(question),
                            shared,
                            source,
                        )
                    )
    rng.shuffle(out)
    return out
