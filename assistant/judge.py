"""The answer judge: the probability that a sentence holds the answer, and so whether the documents answer at all.

The span reader reads the question with each of the best sentences by the rule score and says how much more it
believes its best answer span than "no answer in this sentence" (``Span.margin``: it learned that from SQuAD
v2.0's unanswerable questions and from sentences beside the answer). A logistic model weighs that margin together
with the retrieval evidence (cosine, key-term coverage, missing names, whether the sentence holds the kind of
thing asked for) into a probability. The weights, the threshold and the figures they were chosen by are in
``models/judge-v5.json``, written by ``python -m evals.train_judge`` from SQuAD training questions asked in the
open setting (some asked without their own paragraph); nothing of it comes from the corpus gold set.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Sequence
from pathlib import Path

from .answer import Bar, answers_the_kind_asked
from .backends.finetuned import ARTIFACT_DIR, artifact_meta
from .errors import ConfigError
from .reader import Span, SpanReader, counted
from .retrieval import Evidence
from .words import same_term, terms, words

JUDGE_VERSION = 5  # 4, on reader-v4, was tried and not kept (evals/README.md, item 3)
MARGIN_CLIP = 15.0  # the reader's margins beyond this say nothing more
# Below this probability an answer is a coin flip, and it says so: on SQuAD training questions (v1.1 articles 20-23,
# and v2.0's unanswerable questions of the same titles taken as one question in four), about half of the answers
# whose best sentence scores under 0.30 hold a gold answer, and 0.56-0.89 of those above it, by band
# (python -m evals.tune_short --bands)
UNSURE = 0.30


def features(question: str, ev: Evidence, span: Span | None, rank: int, best_margin: float) -> list[float]:
    """What the judge weighs for one sentence (the same list in training and at run time)."""
    margin = max(-MARGIN_CLIP, min(MARGIN_CLIP, span.margin)) if span else -MARGIN_CLIP
    return [
        margin,
        float(margin >= best_margin),  # the reader's favourite among the sentences read
        ev.score,
        ev.similarity,
        ev.coverage,
        float(bool(ev.missing)),
        float(answers_the_kind_asked(question, ev.text)),
        math.log1p(rank),
    ]


FEATURES = ("margin", "reader_best", "rule_score", "similarity", "coverage", "missing", "kind_ok", "log_rank")


class AnswerJudge:
    """Re-scores the best sentences of the evidence with the probability that each holds the answer."""

    def __init__(self, reader: SpanReader, artifact_dir: Path = ARTIFACT_DIR) -> None:
        path = artifact_dir / f"judge-v{JUDGE_VERSION}.json"
        self.meta = artifact_meta(path, "the answer judge's weights")
        if self.meta.get("version") != JUDGE_VERSION or tuple(self.meta.get("features", ())) != FEATURES:
            raise ConfigError(f"the answer judge at {path} is not version {JUDGE_VERSION}; reinstall")
        if self.meta.get("reader", reader.name) != reader.name:  # its weights fit that reader's margins only
            raise ConfigError(f"the answer judge at {path} was trained with {self.meta['reader']}, not {reader.name}")
        self.name = f"judge-v{JUDGE_VERSION}+{reader.name}"
        self.reader = reader
        self.threshold = float(self.meta["threshold"])
        # whether a sentence missing a name or number of the question may still answer: chosen in training by
        # which way declines more unanswerable questions at the same share of answerable ones
        self.names_required = bool(self.meta.get("names_required", False))
        # a further sentence is cited (or set beside the best as a disagreeing source) when its probability is
        # at least this share of the best one's: chosen on the same training questions
        self.runner_up_ratio = float(self.meta["runner_up_ratio"])
        self._weights = [float(w) for w in self.meta["weights"]]
        self._bias = float(self.meta["bias"])

    @property
    def bar(self) -> Bar:
        return Bar(self.threshold, names_required=self.names_required)

    def judged(self, question: str, evidence: Sequence[Evidence]) -> list[Evidence]:
        """The sentences with ``score`` replaced by the judge's probability, best first."""
        read = [as_read(question, e) for e in evidence]
        spans = self.reader.spans(question, read)
        probabilities = self.probabilities(question, evidence, spans)
        judged = [
            dataclasses.replace(e, score=p, reading=_counted(question, e.text, _in_sentence(s, r, e.text)))
            for e, p, s, r in zip(evidence, probabilities, spans, read, strict=True)
        ]
        return sorted(judged, key=lambda e: -e.score)

    def probabilities(self, question: str, evidence: Sequence[Evidence], spans: Sequence[Span | None]) -> list[float]:
        rows = rows_of(question, evidence, spans)
        return [probability(self._weights, self._bias, row) for row in rows]


_SUBJECT_PRONOUN = re.compile(r"^(?:He|She|They|It)\b")
# an "It" that stands for nothing ("It is unclear whether…"); wider than ``answer._EXPLETIVE_IT``, which keeps
# the sentence before for display when a pronoun follows ("It should be pointed out that they…"): here no "It" of
# that shape is said as anything
_NO_ONE = re.compile(r"^It\s+(?:[\w'-]+\s+){0,3}?(?:that|whether|if|to|how|why)\b")
MAX_ANTECEDENT_WORDS = 4


def as_read(question: str, ev: Evidence) -> str:
    """The sentence as the judge's reader reads it: one that opens with a subject pronoun whose words only the
    sentence before holds is read with the pronoun said as the question says them ("They have since lost control of
    several towns", after "…separatists took up arms…", is read "separatists have since lost control…" for "Which
    towns did separatists lose?"): the reader sees one sentence, and news leaves the subject to the one before."""
    opening = _SUBJECT_PRONOUN.match(ev.text)
    if not opening or not ev.previous or _NO_ONE.match(ev.text):
        return ev.text
    own, before = terms(ev.text), terms(ev.previous)
    run: list[str] = []
    for word in words(question.split("(")[0]):  # not the words a follow-up carries in brackets
        stems = terms(word)
        if not stems:  # a stop word: inside a run ("the Tuareg separatists"), never at its ends
            if run:
                run.append(word)
            continue
        only_before = not any(same_term(stems[0], t) for t in own) and any(same_term(stems[0], t) for t in before)
        if only_before:
            run.append(word)
        elif run:
            break
    while run and not terms(run[-1]):
        run.pop()
    if not run or sum(bool(terms(w)) for w in run) > MAX_ANTECEDENT_WORDS:
        return ev.text
    return " ".join(run) + ev.text[opening.end() :]


def _in_sentence(span: Span | None, read: str, text: str) -> tuple[int, int] | None:
    """The span read in ``as_read``'s wording as offsets of the sentence's own text; None when it lies in the
    words said for the opening pronoun, which the sentence does not write."""
    if span is None:
        return None
    opening = _SUBJECT_PRONOUN.match(text)
    if read == text or opening is None:  # as_read rewrites nothing but an opening pronoun
        return span.range
    said = len(read) - (len(text) - opening.end())  # the pronoun is said as the first ``said`` characters
    if span.start < said:
        return None
    shift = said - opening.end()
    return span.start - shift, span.end - shift


def _counted(question: str, text: str, reading: tuple[int, int] | None) -> tuple[int, int] | None:
    """The reading re-chosen as the short answer's is (``reader.counted``): the number that counts what "how many X"
    asks for, so the two readers are not set against each other over a rule only one of them went through."""
    return counted(question, text, *reading) if reading else None


def rows_of(question: str, evidence: Sequence[Evidence], spans: Sequence[Span | None]) -> list[list[float]]:
    """The feature rows of sentences in their rule-score order, with their reader spans."""
    margins = [s.margin if s else -MARGIN_CLIP for s in spans]
    best = max(margins, default=-MARGIN_CLIP)
    return [features(question, e, s, rank, best) for rank, (e, s) in enumerate(zip(evidence, spans, strict=True))]


def probability(weights: Sequence[float], bias: float, row: Sequence[float]) -> float:
    z = bias + sum(w * x for w, x in zip(weights, row, strict=True))
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
