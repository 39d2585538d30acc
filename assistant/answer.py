"""The answer's decisions, made in code from evidence: can a sentence answer, which sentences to cite, do the
documents disagree, and is a quote still what the file says.

An empty ``supported`` list is a refusal: the documents don't say. No model takes part in these decisions.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .config import RetrievalSettings
from .display import tidy_sentence
from .formats import Extracted, extract, page_of, section_of
from .retrieval import Evidence
from .text import normalize
from .types import Citation, ShortAnswer
from .words import asks_for

REFUSAL = "The documents don't say."
# before an answer phrase the judge is unsure of (``judge.UNSURE``): the doubt is said first, where the phrase is
# read, not only in the note under the quote ("Not sure: 21 [1]")
UNSURE_HEAD = "Not sure: "
UNSURE_NOTE = "not sure this answers the question"  # how the note of such an answer begins
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


class SourceReader:
    """Original file texts for quote checks, re-read when a file changes on disk."""

    def __init__(self) -> None:
        self._cache: dict[str, tuple[tuple[int, int], Extracted]] = {}

    def text(self, path: str) -> str | None:
        extracted = self.extracted(path)
        return extracted.text if extracted else None

    def extracted(self, path: str) -> Extracted | None:
        """The text quotes index into (for a PDF, DOCX or web page: extracted again), with its headings."""
        try:
            stat = Path(path).stat()
            key = (stat.st_mtime_ns, stat.st_size)
            cached = self._cache.get(path)
            if cached and cached[0] == key:
                return cached[1]
            extracted = extract(Path(path).read_bytes(), path)
        except Exception:  # a vanished or unreadable file simply cannot be quoted
            return None
        self._cache[path] = (key, extracted)
        return extracted


def verify(evidence: Evidence, reader: SourceReader) -> Evidence | None:
    """The evidence with its quote read from the file at its offsets, if the file still says what was indexed."""
    extracted = reader.extracted(evidence.path)
    if extracted is None or not (0 <= evidence.start < evidence.end <= len(extracted.text)):
        return None
    original = extracted.text
    quote = original[evidence.start : evidence.end]
    if normalize(quote).text != evidence.text:
        return None
    page, section = page_of(original, evidence.start), section_of(extracted, evidence.start)
    return dataclasses.replace(evidence, quote=quote, page=page, section=section)


def phrase_in(evidence: Evidence, start: int, end: int, reader: SourceReader) -> tuple[ShortAnswer, Evidence] | None:
    """The words ``start:end`` of a sentence's text as a short answer with file offsets, with the verified
    sentence; None when the file no longer says what was indexed."""
    sentence = verify(evidence, reader)
    if sentence is None:
        return None
    mapped = normalize(sentence.quote)  # the verified quote normalises to the sentence text, offset for offset
    a, b = mapped.to_original(start, end)
    return ShortAnswer(sentence.quote[a:b], sentence.source, sentence.start + a, sentence.start + b), sentence


def other_reading(short: ShortAnswer, sentence: Evidence) -> str | None:
    """The words of the short answer's (verified) sentence that the judge's reader reads as the answer, when they
    are not the short answer's: the two readers then disagree, and on SQuAD v1.1's training articles the short answer
    is right for 20 of 43 such answers, against 0.87 when they agree. None when they agree or the judge read
    nothing."""
    if sentence.reading is None:
        return None
    a, b = normalize(sentence.quote).to_original(*sentence.reading)
    if sentence.start + a < short.end and short.start < sentence.start + b:
        return None
    return sentence.quote[a:b]


def verified(evidence: Sequence[Evidence], reader: SourceReader) -> list[Evidence]:
    """The evidence whose quotes still match the files, in the same order."""
    return [v for v in (verify(e, reader) for e in evidence) if v]


_PRONOUN_START = re.compile(r"^[\"']?(it|its|he|his|she|her|they|their|them|this|these|those)\b", re.IGNORECASE)
# an "it" that stands for nothing: "It has been noted that…", "It is unclear whether…" (unless what follows opens
# with a pronoun of its own: "It should be pointed out that they…"). All 32 such openings of SQuAD v1.1's
# sentences, articles 0-47, are of this kind; "It is a town that…", "It was so big that…" are not matched
_EXPLETIVE_IT = re.compile(
    r"^It\s+(?:(?:also|now|still|therefore|however|has|had|have|will|would|should|could|may|might|must|can|cannot"
    r"|not)\s+)*(?:is|was|be|been|seems|seemed|appears|appeared|became|becomes|remains|remained)\s+"
    r"(?:(?!(?:a|an|the|so|such|this|that|his|her|its|their|one|no|from|in|at|on|for|with|by|here|there|home|part)"
    r"\b)[a-z]+\s+){1,3}?(?:that|whether|if|how|why)\s+(?!(?:he|she|it|they|his|her|its|their|them|this|these|those)\b)"
)
# a quote said by a pronoun: '"…turn back because they are not ready," he said.' (the name is in the sentence before)
SAID_BY_PRONOUN = re.compile(
    r"[,.!?][\"”’']*\s*[\"”’']?,?\s*(?:he|she|they)\s+(?:said|says|added|adds|told|continued|went on|explained"
    r"|noted|warned|stressed|insisted|argued|claimed|declared)\b",
    re.IGNORECASE,
)


def with_antecedent(ev: Evidence, reader: SourceReader) -> Evidence:
    """A verified sentence that opens with a pronoun ("It supplies ...", not "It is unclear whether ...") or whose
    quote a pronoun said ('"…," he said.') together with the sentence before it, which says whom or what the
    pronoun stands for; the quote then covers both, still exactly the file's text."""
    leans = (_PRONOUN_START.match(ev.text) and not _EXPLETIVE_IT.match(ev.text)) or SAID_BY_PRONOUN.search(ev.text)
    if ev.previous_start < 0 or not leans or "\n" in ev.previous:
        return ev
    joined = dataclasses.replace(ev, text=f"{ev.previous} {ev.text}", start=ev.previous_start, previous="")
    return verify(joined, reader) or ev


def with_antecedents(cited: Sequence[Evidence], reader: SourceReader) -> list[Evidence]:
    """Each sentence opening with a pronoun shown with the sentence before it, unless that one is cited too."""
    starts = {(c.source, c.start) for c in cited}
    return [c if (c.source, c.previous_start) in starts else with_antecedent(c, reader) for c in cited]


def citation(ev: Evidence) -> Citation:
    """The public form of a verified sentence."""
    return Citation(ev.source, ev.title, ev.quote, ev.start, ev.end, round(ev.score, 4), ev.date, ev.page, ev.section)


@dataclass(frozen=True)
class Bar:
    """What a sentence must reach to answer: its score (the judge's probability, or the rule score) and, for the
    rule score, its cosine and key-term coverage."""

    min_score: float
    min_coverage: float = 0.0
    min_similarity: float = 0.0
    names_required: bool = True  # the question's names and numbers must stand around the sentence

    @classmethod
    def of_rules(cls, settings: RetrievalSettings) -> Bar:
        return cls(settings.min_score, settings.min_coverage, settings.min_similarity)


def supported(question: str, evidence: Sequence[Evidence], bar: Bar) -> list[Evidence]:
    """Sentences that can answer: they hold the question's names and numbers, reach the bar, and give the kind of
    thing asked for. An empty list means the documents don't say: refusal is decided here, from evidence."""
    return [
        ev
        for ev in evidence
        if not (ev.missing and bar.names_required)
        and ev.score >= bar.min_score
        and ev.coverage >= bar.min_coverage
        and ev.similarity >= bar.min_similarity
        and answers_the_kind_asked(question, ev.text)
    ]


def extractive_choice(candidates: Sequence[Evidence], limit: int, runner_up_ratio: float) -> list[Evidence]:
    """The best supported sentence, plus runners-up that score nearly as well."""
    best = candidates[0]
    return [best] + [ev for ev in candidates[1:limit] if ev.score >= runner_up_ratio * best.score]


CONFLICT_RATIO = 0.8  # with the rule score: how close to the best answer a disagreeing one must score


def conflicting(question: str, candidates: Sequence[Evidence], ratio: float = CONFLICT_RATIO) -> list[Evidence] | None:
    """Strong answers (scoring at least ``ratio`` of the best) from different documents that give different numbers
    for a quantity or a time."""
    if asks_for(question) is None or not candidates:
        return None
    best = candidates[0]
    picked: dict[str, Evidence] = {}
    for ev in candidates:
        numbers = frozenset(NUMBER.findall(ev.text))
        if ev.score >= ratio * best.score and numbers and ev.source not in picked:
            if all(numbers.isdisjoint(NUMBER.findall(other.text)) for other in picked.values()):
                picked[ev.source] = ev
    return list(picked.values()) if len(picked) > 1 else None


def attributed(ev: Evidence, n: int) -> str:
    """``According to "Title" (date): sentence [n].`` for answers that set sources side by side."""
    when = f" ({ev.date})" if ev.date else ""
    return f'According to "{ev.title}"{when}: {with_markers(tidy_sentence(ev.text), [n])}'


def with_markers(sentence: str, numbers: Sequence[int]) -> str:
    """``sentence [1][2].``: markers go before the closing stop (and its quote mark), as in print."""
    markers = "".join(f"[{n}]" for n in numbers)
    match = re.search(r"[.!?][\"')\]]*$", sentence)
    if not match:
        return f"{sentence} {markers}"
    return f"{sentence[: match.start()]} {markers}{sentence[match.start() :]}"


_NUMBER_WORDS = re.compile(
    r"\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|"
    r"fifty|hundred|thousand|million|dozens?|several|no|none)\b",
    re.I,
)
_TIME_WORDS = re.compile(
    r"\b(january|february|march|april|may|june|july|august|september|october|november|"
    r"december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|"
    r"tonight|ago|last|recently|since|week|weekend|month|year|night|morning|days?)\b",
    re.I,
)


def answers_the_kind_asked(question: str, text: str) -> bool:
    """A question asking for a quantity or a time must get one: a fluent sentence without it is not an answer."""
    asked = asks_for(question)
    if asked == "quantity":
        return bool(NUMBER.search(text) or _NUMBER_WORDS.search(text))
    if asked == "time":
        return bool(NUMBER.search(text) or _TIME_WORDS.search(text))
    return True


# what gives a reason or a purpose, or says it is not known ("why did the army go north?": "…because…", "the exact
# purpose of the mission remains unclear")
_REASON = re.compile(
    r"\b(because|due to|owing to|as a result|in order to|so as to|so that|purpose|aim(?:ed)?|objectives?|goals?|"
    r"motives?|reasons?|why|seeking|in retaliation|unclear|unknown|not clear)\b",
    re.IGNORECASE,
)


def gives_a_reason(text: str) -> bool:
    return bool(_REASON.search(text))
