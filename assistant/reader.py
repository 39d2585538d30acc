"""The span reader: the short answer inside a sentence ("Alexander Ivanov" in "..., said Alexander Ivanov, COSI's
head").

The packaged MiniLM reads the question and the sentence together; its top layers, fine-tuned with a start/end head
on SQuAD's training articles by ``python -m evals.train_reader``, score every token as the answer's first and last.
The best span is widened to whole words and stripped of edge punctuation; its offsets are in the sentence text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .backends.finetuned import ARTIFACT_DIR, FineTuned

READER_VERSION = 1
TRAINED_LAYERS = (3, 4, 5)
MAX_SPAN_TOKENS = 16
_LEAD = " ,;:.\"'([-"
_TRAIL = " ,;:!?\"')]-"


@dataclass(frozen=True)
class Span:
    start: int  # character offsets in the sentence it was read from
    end: int
    score: float  # start logit + end logit


class SpanReader:
    def __init__(self, cache_dir: Path, artifact_dir: Path = ARTIFACT_DIR) -> None:
        self._model = FineTuned("reader", READER_VERSION, "span", cache_dir, artifact_dir)
        self.name = self._model.name
        self.meta = self._model.meta

    def spans(self, question: str, sentences: Sequence[str]) -> list[Span | None]:
        """The best answer span of each sentence (None when nothing inside it can be an answer)."""
        if not sentences:
            return []
        encoded, logits = self._model.run([(question, s) for s in sentences])
        return [best_span(s, e, x) for s, e, x in zip(sentences, encoded, logits, strict=True)]


def best_span(sentence: str, encoding: Any, logits: Any) -> Span | None:
    """The highest-scoring span of the sentence's tokens, at most ``MAX_SPAN_TOKENS`` long, as whole words."""
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
    score = np.where(allowed, score, -np.inf)
    i, j = np.unravel_index(int(np.argmax(score)), score.shape)
    a, b = offsets[inside[i]][0], offsets[inside[j]][1]
    return _tidy(sentence, a, b, float(score[i, j]))


def _tidy(sentence: str, a: int, b: int, score: float) -> Span | None:
    """Widened to whole words (word pieces can split one), then edge punctuation and spaces removed (a full stop
    stays after a capital: "U.S.")."""
    while a > 0 and sentence[a - 1].isalnum():
        a -= 1
    while b < len(sentence) and sentence[b].isalnum():
        b += 1
    while a < b and sentence[a] in _LEAD:
        a += 1
    while b > a and (sentence[b - 1] in _TRAIL or (sentence[b - 1] == "." and not sentence[b - 2 : b - 1].isupper())):
        b -= 1
    return Span(a, b, score) if b > a else None
