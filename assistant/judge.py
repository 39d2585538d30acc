"""The answer judge: a probability that a sentence answers a question, read together by a cross-encoder.

It is the packaged all-MiniLM-L6-v2 with its top two layers fine-tuned and a scoring head on the mean-pooled
tokens, trained on SQuAD's training articles by ``python -m evals.train_judge`` (``backends/finetuned.py``: how
the artifact ships and runs).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from .backends.finetuned import ARTIFACT_DIR, MAX_TOKENS, FineTuned, pair_tokenizer

__all__ = ["ARTIFACT_DIR", "JUDGE_VERSION", "MAX_TOKENS", "TRAINED_LAYERS", "AnswerJudge", "pair_tokenizer"]

JUDGE_VERSION = 1
TRAINED_LAYERS = (4, 5)


class AnswerJudge:
    """Scores (question, sentence) pairs; ``threshold`` is the probability below which nothing answers."""

    def __init__(self, cache_dir: Path, artifact_dir: Path = ARTIFACT_DIR) -> None:
        self._model = FineTuned("judge", JUDGE_VERSION, "score", cache_dir, artifact_dir)
        self.name = self._model.name
        self.meta = self._model.meta
        self.threshold = float(self.meta["threshold"])
        self._platt = tuple(float(x) for x in self.meta["platt"])

    def probabilities(self, question: str, sentences: Sequence[str]) -> list[float]:
        """For each sentence, the calibrated probability that it answers the question."""
        if not sentences:
            return []
        _, logits = self._model.run([(question, s) for s in sentences])
        a, b = self._platt
        return [1.0 / (1.0 + math.exp(-(a * float(x) + b))) for x in logits]
