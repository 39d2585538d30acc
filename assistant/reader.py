"""The span reader: the short answer inside a sentence ("Alexander Ivanov" in "..., said Alexander Ivanov, COSI's
head").

The packaged MiniLM reads the question and the sentence together; its top layers, fine-tuned with a start/end head
on SQuAD's training articles by ``python -m evals.train_reader``, score every token as the answer's first and last.
The best span is widened to whole words and stripped of edge punctuation; its offsets are in the sentence text.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .acronyms import names_the_asked
from .answer import SourceReader, phrase_in
from .backends.finetuned import ARTIFACT_DIR, FineTuned
from .descriptions import abbreviation, joined_to_asked, mentions, place_slots, slots
from .retrieval import Evidence
from .types import ShortAnswer
from .words import same_term, terms

READER_VERSION = 1  # the short answers: reader-v1, trained on answers only (the better at picking the words)
JUDGE_READER_VERSION = 3  # the answer judge's: reader-v3 also learned to say "no answer in this sentence"
TRAINED_LAYERS = (0, 1, 2, 3, 4, 5)
MAX_SPAN_TOKENS = 16
# The short answer, for questions a phrase can answer (``kinds.Kind.phrase``): read from the best SHORT_SENTENCES
# supported sentences, the span with the best span score plus SHORT_WEIGHT times its sentence's evidence score;
# not shown when longer than SHORT_SHARE of its sentence (then the quote is the answer) or when the reader's
# confidence is below SHORT_CONFIDENCE (on the tuning questions that hides 26 wrong short answers and 2 right ones
# at no cost in F1: the quote alone beats a wrong phrase in bold). Chosen on SQuAD training questions the reader
# did not learn from, by python -m evals.tune_short
SHORT_SENTENCES = 3
SHORT_WEIGHT = 50.0
SHORT_SHARE = 0.85
SHORT_CONFIDENCE = 0.15
# A description read in its place beside the name (``description``) needs less of the reader's confidence: where
# the words stand says much of it. On SQuAD's training questions of the kind (python -m evals.descriptions), every
# such answer is right from 0.01 up, and 4 of 32 are wrong with none; "spokesman for…" is read at 0.10
DESCRIPTION_CONFIDENCE = 0.01
_LEAD = " ,;:.\"'([-"
_TRAIL = " ,;:!?\"')]-"


@dataclass(frozen=True)
class Span:
    start: int  # character offsets in the sentence it was read from
    end: int
    score: float  # start logit + end logit
    probability: float = 1.0  # P(start) * P(end), each a softmax over the sentence's tokens: the reader's confidence
    margin: float = 0.0  # span score minus the no-answer score ([CLS] as both ends): > 0, the sentence answers

    @property
    def range(self) -> tuple[int, int]:
        return self.start, self.end


class SpanReader:
    def __init__(self, cache_dir: Path, artifact_dir: Path = ARTIFACT_DIR, version: int = READER_VERSION) -> None:
        self._model = FineTuned("reader", version, cache_dir, artifact_dir)
        self.name = self._model.name
        self.meta = self._model.meta

    def spans(
        self,
        question: str | Sequence[str],
        sentences: Sequence[str],
        places: Sequence[tuple[set[int], set[int]] | None] = (),
    ) -> list[Span | None]:
        """The best answer span of each sentence (None when nothing inside it can be an answer), read with the
        question (or each with its own); with ``places``, for each sentence the character offsets a span must start
        at or end at (``best_span``)."""
        if not sentences:
            return []
        questions = [question] * len(sentences) if isinstance(question, str) else question
        encoded, logits = self._model.run(list(zip(questions, sentences, strict=True)))
        kept = places or [None] * len(sentences)
        return [best_span(s, e, x, p) for s, e, x, p in zip(sentences, encoded, logits, kept, strict=True)]

    def short_answer(
        self,
        question: str,
        candidates: Sequence[Evidence],
        source: SourceReader,
        whole_list: bool = False,
        antecedent: str = "",
    ) -> tuple[ShortAnswer, Evidence] | None:
        """The answer phrase among the best supported sentences, with the verified sentence it is in, located in
        the file; None when the best span is most of its sentence (the quote is the answer) or the reader is unsure.
        With ``whole_list`` (the question asks for several things), a name read from a list of names is widened
        to the whole list: "Mali, Burkina Faso, and Niger", not "Niger". None too when the phrase only names the
        ``antecedent``, what the question's pronoun stands for ("Who quoted him?" is not answered by him), or a piece
        of the spelled-out name of an acronym the question names."""
        top = candidates[:SHORT_SENTENCES]
        options = [(c, s) for c, s in zip(top, self.spans(question, [c.text for c in top]), strict=True) if s]
        if not options:
            return None
        best, span = max(options, key=lambda o: SHORT_WEIGHT * o[0].score + o[1].score)
        start, end = listed(best.text, span.start, span.end) if whole_list else (span.start, span.end)
        start, end = with_conversion(best.text, *counted(question, best.text, start, end))
        span = dataclasses.replace(span, start=start, end=end)
        said = set(terms(best.text[span.start : span.end]))
        if not shown_span(span, best.text) or (antecedent and said <= set(terms(antecedent))):
            return None
        if names_the_asked(question, best.text, *span.range) or joined_to_asked(question, best.text, *span.range):
            return None
        return phrase_in(best, span.start, span.end, source)

    def description(
        self, question: str, name: str, sentences: Sequence[str], where: bool = False
    ) -> tuple[int, Span] | None:
        """The first of ``sentences`` (its index) whose answer span describes ``name`` beside it, in apposition
        ("COSI's head, Alexander Ivanov"), with that span (``descriptions`` says why such a sentence answers); with
        ``where``, one that says where it is ("Tinzaouaten, situated in northern Mali")."""
        named = [mentions(name, s) for s in sentences]
        beside = place_slots if where else slots
        places = [beside(n, s) for n, s in zip(named, sentences, strict=True)]
        holding = [i for i, (starts, ends) in enumerate(places) if starts or ends]
        # only the spans in a description's place (the reader's best span overall may be the name itself: "Who is
        # Ivanov?" -> "Alexander Ivanov"), each read with the question naming X as that sentence writes it ("Who is
        # Ramadane?" asks about "El Maouloud Ramadane")
        asked = [_named_as(question, name, sentences[i][slice(*named[i][0])]) for i in holding]
        read = self.spans(asked, [sentences[i] for i in holding], [places[i] for i in holding])
        for i, span in zip(holding, read, strict=True):
            text = sentences[i]
            if (
                span is None
                or span.probability < DESCRIPTION_CONFIDENCE
                or span.end - span.start > SHORT_SHARE * len(text)
            ):
                continue
            if not abbreviation(text, *span.range):
                return i, span
        return None


def _named_as(question: str, name: str, written: str) -> str:
    return re.sub(rf"\b{re.escape(name)}\b", lambda _: written, question, count=1, flags=re.IGNORECASE)


def shown_span(span: Span, sentence: str) -> bool:
    """Whether a span may be said as a short answer: not most of its sentence (then the quote is the answer), and
    read with enough confidence."""
    return span.end - span.start <= SHORT_SHARE * len(sentence) and span.probability >= SHORT_CONFIDENCE


def best_span(
    sentence: str, encoding: Any, logits: Any, places: tuple[set[int], set[int]] | None = None
) -> Span | None:
    """The highest-scoring span of the sentence's tokens, at most ``MAX_SPAN_TOKENS`` long, as whole words; with
    ``places`` (character offsets where a span may start, and where it may end), only a span starting or ending at
    one of them."""
    import numpy as np

    ids = encoding.sequence_ids
    offsets = encoding.offsets
    inside = [i for i, s in enumerate(ids) if s == 1]
    if not inside:
        return None
    table = np.asarray(logits)
    start, end = table[inside, 0], table[inside, 1]
    # score[i, j] = start[i] + end[j] for i <= j < i + MAX_SPAN_TOKENS
    score = start[:, None] + end[None, :]
    n = len(inside)
    allowed = np.triu(np.ones((n, n), bool)) & ~np.triu(np.ones((n, n), bool), MAX_SPAN_TOKENS)
    if places is not None:
        starts, ends = places
        opens = np.array([offsets[k][0] in starts for k in inside])
        closes = np.array([offsets[k][1] in ends for k in inside])
        allowed &= opens[:, None] | closes[None, :]
        if not allowed.any():
            return None
    score = np.where(allowed, score, -np.inf)
    i, j = np.unravel_index(int(np.argmax(score)), score.shape)
    a, b = offsets[inside[i]][0], offsets[inside[j]][1]
    p_start = np.exp(start - start.max()) / np.exp(start - start.max()).sum()
    p_end = np.exp(end - end.max()) / np.exp(end - end.max()).sum()
    span = _tidy(sentence, a, b, float(score[i, j]))
    if span is None:
        return None
    margin = float(score[i, j] - table[0, 0] - table[0, 1])
    return dataclasses.replace(span, probability=float(p_start[i] * p_end[j]), margin=margin)


_NAME = r"[A-Z][\w'’.-]*(?: (?:of |the |de |al )?[A-Z][\w'’.-]*){0,4}"
_JOIN = r"(?:,? and |,? or |, )(?:the )?"
_NAMES_BEFORE = re.compile(rf"(?:{_NAME}{_JOIN})+$")
_NAMES_AFTER = re.compile(rf"(?:{_JOIN}{_NAME})+")


# a measure and the same in other units beside it: "200 kilometres (124 miles)"
_MEASURE = r"\d[\d.,]*\s*[^\W\d_]+\.?"
_CONVERSION_AFTER = re.compile(rf"\s*\({_MEASURE}\)")
_MEASURE_BEFORE = re.compile(rf"{_MEASURE}\s*\($")


def with_conversion(sentence: str, a: int, b: int) -> tuple[int, int]:
    """The span ``a:b`` of a measure widened to its conversion in brackets, either side: "124 miles" of "200
    kilometres (124 miles)" is shown as the whole, so the unit the article leads with is not lost."""
    if not re.fullmatch(_MEASURE, sentence[a:b]):
        return a, b
    after = _CONVERSION_AFTER.match(sentence, b)
    if after:
        return a, after.end()
    before = _MEASURE_BEFORE.search(sentence, 0, a)
    if before and sentence[b : b + 1] == ")":
        return before.start(), b + 1
    return a, b


_NUMBER = (
    r"(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen"
    r"|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|dozens?)"
)
# "how many X": X runs to the auxiliary or preposition after it; its last word names the thing ("How many Malian
# troops did…" counts troops), or when no number counts that (a verb: "How many piston strokes occur…"), any word
_HOW_MANY = re.compile(r"^\s*how many (?P<thing>[^\W\d_][\w'-]*(?:\s+[^\W\d_][\w'-]*){0,2})", re.IGNORECASE)
_ENDS_THING = re.compile(
    r"\b(?:did|do|does|were|was|are|is|have|has|had|will|would|can|could|should|may|might|must|of|in|on|at|from|"
    r"for|to|by|with|per|that|who|which)\b.*",
    re.IGNORECASE,
)
_SCALE = r"(?:hundred|thousand|million|billion|trillion|dozens?)"
# a number and the word after it, and the word after that when the first is no number ("47 Mali troops")
_COUNTS = re.compile(
    rf"\b(?P<number>{_NUMBER})\s+(?P<thing>[^\W\d_][\w'-]*)(?:\s+(?P<then>[^\W\d_][\w'-]*))?",
    re.IGNORECASE,
)


# words after a number that count no thing of their own: "wounded three others" counts people too
_NO_THING = frozenset("other others more less fewer times each apiece percent per additional further again".split())


def _counts(found: re.Match[str], wanted: Sequence[str]) -> bool:
    """Whether a number of ``_COUNTS`` counts the thing: the word after it, or the one after that ("47 Mali
    troops") unless the first is a number's scale ("3 million children" is not "3" children)."""
    after = [found.group("thing")]
    if found.group("then") and not re.fullmatch(_SCALE, after[0], re.IGNORECASE):
        after.append(found.group("then"))
    return any(same_term(w, t) for word in after for t in terms(word) for w in wanted)


def counted(question: str, sentence: str, a: int, b: int) -> tuple[int, int]:
    """The number ``a:b`` re-chosen as the one that counts what "how many X" asks for: "At least 21 people,
    including 11 children were killed" gives "11" for "How many children were killed?". Only when the reader's
    number counts a thing the question does not name ("people"; not "Six of the seven lines", not "three turnovers"
    for "how many times did they cause turnovers?") and another number stands right before X; or when the reader
    read several numbers ("50 of the mercenaries and 10" [soldiers]) and one of them stands right before X."""
    asked = _HOW_MANY.match(question)
    phrase = _ENDS_THING.sub("", asked.group("thing")) if asked else ""
    if not terms(phrase):
        return a, b
    wanted = terms(phrase)
    counts = [c for c in _COUNTS.finditer(sentence) if _counts(c, wanted[-1:])]
    counts = counts or [c for c in _COUNTS.finditer(sentence) if _counts(c, wanted)]
    numbers = re.findall(rf"\b{_NUMBER}\b", sentence[a:b], re.IGNORECASE)
    # "50 of the mercenaries and 10" [soldiers]: the one of them that counts X (not a range, "100–150", "16,000 to
    # 35,000", nor one number in words, "three hundred sixty")
    if len(numbers) > 1 and re.search(rf"{_NUMBER}\s+[^\W\d_].*\band\b", sentence[a:b], re.IGNORECASE):
        inside = [c for c in counts if a <= c.start() < b]
        return inside[0].span("number") if len(inside) == 1 else (a, b)
    thing = re.match(r"\s+([^\W\d_][\w'-]*)", sentence[b:])
    if not thing or not re.fullmatch(_NUMBER, sentence[a:b], re.IGNORECASE):
        return a, b
    its, named = terms(thing.group(1)), terms(question)
    if not its or thing.group(1).lower() in _NO_THING or any(same_term(t, q) for t in its for q in named):
        return a, b
    # here only a number right before X's first word: "47 Mali troops" may well be the "Malian soldiers" asked for
    # ("How many Malian soldiers died…?" is not answered by "10 soldiers" that another side claims)
    right_before = [c for c in _COUNTS.finditer(sentence) if any(same_term(wanted[0], t) for t in terms(c["thing"]))]
    others = [c for c in right_before if c.start() != a]
    return others[0].span("number") if others else (a, b)


def listed(sentence: str, a: int, b: int) -> tuple[int, int]:
    """The span ``a:b`` widened to the list of names it is one of ("Mali, Burkina Faso, and Niger"): names
    joined by commas, with "and" or "or" before the last (without one it is no list: "Ivanov, COSI's head")."""
    if not sentence[a : a + 1].isupper():
        return a, b
    before = _NAMES_BEFORE.search(sentence, 0, a)
    after = _NAMES_AFTER.match(sentence, b)
    start = before.start() if before else a
    end = after.end() if after else b
    joined = sentence[start:end]
    if (start, end) == (a, b) or not re.search(r"\b(and|or)\b", joined.replace(sentence[a:b], "", 1)):
        return a, b
    return start, end


def _tidy(sentence: str, a: int, b: int, score: float) -> Span | None:
    """Widened to whole words (word pieces can split one), then edge punctuation and spaces removed (a full stop
    stays after a capital: "U.S."), and its brackets made whole (``_bracketed``)."""
    while a > 0 and sentence[a - 1].isalnum():
        a -= 1
    while b < len(sentence) and sentence[b].isalnum():
        b += 1
    while a < b and sentence[a] in _LEAD:
        a += 1
    while b > a and (sentence[b - 1] in _TRAIL or (sentence[b - 1] == "." and not sentence[b - 2 : b - 1].isupper())):
        b -= 1
    a, b = _bracketed(sentence, a, b)
    return Span(a, b, score) if b > a else None


MAX_BRACKETED = 40  # characters a bracket may run on for (or back) to be taken whole


def _bracketed(sentence: str, a: int, b: int) -> tuple[int, int]:
    """A span with its brackets whole, as a reader expects to see them: "Azawad (CSP-DPA" becomes "Azawad
    (CSP-DPA)" when the bracket closes soon after, else "Azawad"; "Roman) Catholic" becomes "(Roman) Catholic"
    when the bracket opens soon before, else "Catholic"."""
    text = sentence[a:b]
    if text.count("(") > text.count(")"):
        close = sentence.find(")", b, b + MAX_BRACKETED)
        if close >= 0 and "(" not in sentence[b:close]:
            return a, close + 1
        return a, a + len(text[: text.rfind("(")].rstrip(" ,;:-"))
    if text.count(")") > text.count("("):
        opened = sentence.rfind("(", max(0, a - MAX_BRACKETED), a)
        if opened >= 0 and ")" not in sentence[opened:a]:
            return opened, b
        cut = text.find(")") + 1
        return a + cut + len(text[cut:]) - len(text[cut:].lstrip(" ,;:-")), b
    return a, b
