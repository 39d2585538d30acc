"""A follow-up that is only a fragment, said as the last question with the fragment in the place of what it swaps.

"How many separatists were killed?" then "and hurt?" asks "How many separatists were hurt?"; "Which team
represented the AFC?" then "what about the NFC?" asks "Which team represented the NFC?"; "When did Tesla go to
Karlovac?" then "why?" asks "Why did Tesla go to Karlovac?". Searched as the fragment plus the last question's
words, the reader would read "and hurt? (killed separatists)", a question it was never trained on.

Which part of the last question the fragment swaps is chosen by meaning: the span (a name as a whole, or one to
three words that carry meaning) whose MiniLM vector is closest to the fragment's; a name swaps only a name and a
time only a time. A fragment that opens with a preposition swaps what follows the same preposition ("and in
Tinzaouaten?" after "…in Kidal?"), or is added at the end when nothing there fits ("and in July?"). A question word
swaps the question's opening when both ask a time, place, reason or manner. Where nothing fits, the usual
follow-up rewrite (``chat.rewrite_by_rules``) takes over.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from .words import AUXILIARIES, QUESTION_WORDS, STOPWORDS

Embed = Callable[[Sequence[str]], list[list[float]]]  # unit-length vectors, one per text

_FRAGMENT = re.compile(r"^(?:(?:and|but|so)\s+)?(?:(?:what|how)\s+about\s+)?(?P<x>.+?)[\s?.!]*$", re.IGNORECASE)
_CARRIED = re.compile(r"\s*\(.*\)\s*$")  # the words a follow-up carried from the turn before it
_LEAD = re.compile(r"^(?:and|but|so|what about|how about)\b", re.IGNORECASE)
TOKEN = re.compile(r"[^\W_]+(?:[-'&.][^\W_]+)*|[^\w\s]")  # words, and punctuation alone
_PRONOUNS = frozenset(
    "he she it they them him her his hers its their this that these those there then one ones".split()
)
_HOW = frozenset({"many", "much", "long", "far", "old", "often", "big", "large", "soon"})  # "how many?"
# a time said as a fragment ("and in July?", "and 2023?", "and last week?") swaps only a time
_TIME = re.compile(
    r"(?:(?:early|late|mid|last|this|next)[\s-])?(?:january|february|march|april|may|june|july|august|september"
    r"|october|november|december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|tonight"
    r"|week|weekend|month|year|night|morning|\d{4}s?)(?:\s+\d{4})?",
    re.IGNORECASE,
)
_ADVERBIAL = frozenset({"when", "where", "why", "how"})
# "how long?" asks a measure, not a thing: it may swap "when" ("How many?" may not: "How many were killed?")
_HOW_ADVERBIAL = frozenset({"long", "far", "often", "soon", "big", "large", "old"})
_DETERMINERS = frozenset({"the", "a", "an"})
_PREPOSITIONS = frozenset(
    "in at on for of to from with by about near after before during since under over between against into".split()
)
MAX_FRAGMENT_WORDS = 4  # "and the Denver Broncos?": longer, a fragment says more than what it swaps
MAX_SPAN_WORDS = 3
MAX_LEAD_WORDS = 5  # "In what year" / "How many square kilometres": the question's opening before its verb
# Added to the cosine (0.2 to 0.4 did best on the SQuAD training pairs of ``evals.conversations.fragment_pairs``,
# 41 of 64 completed exactly as SQuAD wrote the second question): a word swaps a word before a name ("and hurt?"
# swaps "killed", not "Kidal"; a name only ever swaps a name), and "the NFC" swaps "the AFC" before "NFL team"
NAME_PREFERENCE = 0.2
DETERMINER_PREFERENCE = 0.2


def fragment(question: str) -> str | None:
    """What an elliptical follow-up names ("and hurt?" -> "hurt", "what about the NFC?" -> "the NFC", "why?" ->
    "why"), or None for anything that asks on its own ("and where did he go?", "what about him?", "Kidal?")."""
    text = " ".join(question.split())
    match = _FRAGMENT.match(text)
    if not match:
        return None
    x = match.group("x")
    tokens = [t.lower() for t in TOKEN.findall(x)]
    if not tokens or len(tokens) > MAX_FRAGMENT_WORDS or not all(re.match(r"\w", t) for t in tokens):
        return None
    if tokens[0] in QUESTION_WORDS:  # "why?", "and when?", "how many?": the question's opening alone
        alone = len(tokens) == 1 or (tokens[0] == "how" and len(tokens) == 2 and tokens[1] in _HOW)
        return x if alone else None
    if not _LEAD.match(text):  # "Kidal?" or "hurt?" alone may be a new question; "and hurt?" follows one up
        return None
    if any(t in AUXILIARIES or t in _PRONOUNS for t in tokens) or tokens[-1] in STOPWORDS:
        return None
    return x


def completed(question: str, previous: str, embed: Embed) -> str | None:
    """``previous`` with the fragment ``question`` names in the place of what it swaps, or None when ``question`` is
    no fragment or ``previous`` has no place for it."""
    x = fragment(question)
    if x is None:
        return None
    carried = _CARRIED.search(previous)  # "What did he say? (Alexander Ivanov)": the swap is in the question
    if carried:
        whole = completed(question, previous[: carried.start()], embed)
        return None if whole is None else whole + previous[carried.start() :]
    spans = [(m.start(), m.end(), m.group()) for m in TOKEN.finditer(previous)]
    words = [s[2] for s in spans]
    said = TOKEN.findall(x)
    if said[0].lower() in QUESTION_WORDS:
        return _new_opening(x, previous, spans)
    determined = said[0].lower() in _DETERMINERS and len(said) > 1
    if determined:
        x, said = x[len(said[0]) :].strip(), said[1:]
    after: str | None = None
    if said[0].lower() in _PREPOSITIONS and len(said) > 1:
        after = said[0].lower()
        x, said = x[len(said[0]) :].strip(), said[1:]
    named, timed = _capitalised(said[0]), bool(_TIME.fullmatch(x))
    # "and Malian soldiers?" after "How many Wagner fighters…?": a name with its noun swaps a name with its noun
    noun_after = named and len(said) > 1 and not _capitalised(said[-1])

    def fits(i: int, j: int) -> bool:  # a name swaps a name, a time a time ("and in July?" keeps "in Kidal")
        like_time = bool(_TIME.fullmatch(" ".join(words[i:j])))
        return like_time == timed and (timed or not named or _capitalised(words[i]))

    candidates = [(i, j) for i, j in _candidates(words, after, noun_after) if fits(i, j)]
    if after and not named:  # "and in total?" after "…killed in Tinzaouaten?": added, not swapped for the name
        candidates = [(i, j) for i, j in candidates if not _capitalised(words[i])]
    if not candidates and after and named:  # "and in Tinzaouaten?" after "…the strike on Kidal?": the name swaps
        candidates = [(i, j) for i, j in _candidates(words, None, noun_after) if fits(i, j)]
    if not candidates:
        if after is None:
            return None
        # "How many were killed?" then "and in July?": the last question, in July
        head = previous.rstrip().rstrip("?.! ")
        return f"{head} {after} {x}{previous.rstrip()[len(head) :] or '?'}"
    vectors = embed([x, *(" ".join(words[i:j]) for i, j in candidates)])

    def closeness(k: int) -> float:
        i, _ = candidates[k]
        same_form = named == _capitalised(words[i])
        same_determiner = determined == (i > 0 and words[i - 1].lower() in _DETERMINERS)
        cosine = sum(a * b for a, b in zip(vectors[0], vectors[k + 1], strict=True))
        return cosine + NAME_PREFERENCE * same_form + DETERMINER_PREFERENCE * same_determiner

    i, j = candidates[max(range(len(candidates)), key=closeness)]
    return previous[: spans[i][0]] + x + previous[spans[j - 1][1] :]


def _new_opening(x: str, previous: str, spans: list[tuple[int, int, str]]) -> str | None:
    """The opening up to the first auxiliary swapped: "why?" after "When did Tesla go to Karlovac?"."""
    first_verb = next((k for k, s in enumerate(spans) if s[2].lower() in AUXILIARIES), None)
    if first_verb is None or first_verb > MAX_LEAD_WORDS:
        return None  # "Who won?": "why won?" is no question
    opening = [s[2].lower() for s in spans[:first_verb]]
    # only a time, place, reason or manner swaps one: "Who was killed?" or "How many people were killed?" opens
    # with what was killed, and "why?" there would drop it ("Why were killed?")
    adverbial = (
        opening in (["when"], ["where"], ["why"], ["how"])
        or (len(opening) == 2 and opening[0] == "how" and opening[1] in _HOW_ADVERBIAL)  # "How long is the Rhine?"
        or (len(opening) > 2 and opening[0] in _PREPOSITIONS and opening[1] in ("what", "which"))
    )
    asked = x.lower().split()
    if not adverbial or asked[0] not in _ADVERBIAL or (len(asked) > 1 and asked[1] not in _HOW_ADVERBIAL):
        return None
    return x[:1].upper() + x[1:] + " " + previous[spans[first_verb][0] :]


def _candidates(words: list[str], after: str | None, noun_after: bool = False) -> list[tuple[int, int]]:
    """The spans a fragment may swap: each name as a whole ("Super Bowl 50"), and runs of one to three words that
    carry meaning outside names; with ``noun_after``, also each name with the words that carry meaning right after it
    ("Wagner fighters"); with ``after``, only those right after that preposition (a determiner between)."""
    lower = [w.lower() for w in words]
    start = 1 if lower and lower[0] in QUESTION_WORDS else 0
    names: list[tuple[int, int]] = []
    i = start
    while i < len(words):
        if _capitalised(words[i]) and lower[i] not in STOPWORDS:
            j = i + 1
            while j < len(words) and (_capitalised(words[j]) or words[j][:1].isdigit()):
                j += 1
            names.append((i, j))
            i = j
        else:
            i += 1
    inside = {k for i, j in names for k in range(i, j)}
    runs = [
        (i, j)
        for i in range(start, len(words))
        for j in range(i + 1, min(i + MAX_SPAN_WORDS, len(words)) + 1)
        if not inside & set(range(i, j))
        and lower[i] not in STOPWORDS
        and lower[j - 1] not in STOPWORDS
        and all(re.match(r"\w", w) for w in words[i:j])
    ]
    nouns = [
        (i, k)
        for i, j in (names if noun_after else [])
        for k in range(j + 1, min(i + MAX_SPAN_WORDS, len(words)) + 1)
        if all(re.match(r"\w", w) and w.lower() not in STOPWORDS and not _capitalised(w) for w in words[j:k])
    ]
    spans = names + nouns + runs
    if after is None:
        return spans

    def follows(i: int) -> bool:
        before = lower[i - 2 : i] if i >= 2 else lower[:i]
        return bool(before) and (before[-1] == after or (before[-1] in _DETERMINERS and before[:1] == [after]))

    return [(i, j) for i, j in spans if follows(i)]


def _capitalised(word: str) -> bool:
    return word[:1].isupper()
