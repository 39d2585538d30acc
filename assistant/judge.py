"""The answer judge: a probability that a sentence answers a question, read together by a cross-encoder.

It is the packaged all-MiniLM-L6-v2 with its top two layers fine-tuned and a scoring head added, trained on
SQuAD's training articles by ``python -m evals.train_judge``; only the changed tensors ship with the package
(``models/judge-v1.safetensors``, float16) beside a metadata file naming the data, the seed, the calibration
and the figures on held-back training articles. The ONNX graph is built once from the packaged weights plus that
delta and cached beside the embedder's, keyed by both.
"""

from __future__ import annotations

import hashlib
import json
import math
import tempfile
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from .backends.embeddings import _length_batches, _model_dir, weights_key
from .errors import ConfigError

JUDGE_VERSION = 1
ARTIFACT_DIR = Path(__file__).resolve().parent / "models"
TRAINED_LAYERS = (4, 5)
MAX_TOKENS = 128


@lru_cache(maxsize=1)
def pair_tokenizer() -> Any:
    """The model's tokenizer for (question, sentence) pairs: only the sentence is cut when a pair is too long."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(_model_dir() / "tokenizer.json"))
    tokenizer.enable_truncation(MAX_TOKENS, strategy="only_second")
    tokenizer.no_padding()
    return tokenizer


class AnswerJudge:
    """Scores (question, sentence) pairs; ``threshold`` is the probability below which nothing answers."""

    def __init__(self, cache_dir: Path, artifact_dir: Path = ARTIFACT_DIR, batch_size: int = 32) -> None:
        name = f"judge-v{JUDGE_VERSION}"
        self._delta = artifact_dir / f"{name}.safetensors"
        meta_path = artifact_dir / f"{name}.json"
        try:
            self.meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigError(f"the answer judge's metadata {meta_path} cannot be read ({exc}); reinstall") from exc
        if self.meta.get("version") != JUDGE_VERSION or not self._delta.is_file():
            raise ConfigError(f"the answer judge at {artifact_dir} is not version {JUDGE_VERSION}; reinstall")
        self.name = f"judge-v{JUDGE_VERSION}"
        self.threshold = float(self.meta["threshold"])
        self._platt = tuple(float(x) for x in self.meta["platt"])
        self._cache_dir = cache_dir
        self._batch_size = batch_size
        self._session: Any = None

    def _graph(self) -> Path:
        model_dir = _model_dir()
        base = weights_key(model_dir / "model.safetensors", self._cache_dir)
        delta = hashlib.sha256(self._delta.read_bytes()).hexdigest()[:16]
        path = self._cache_dir / f"{self.name}-{base}-{delta}.onnx"
        if not path.is_file():
            import numpy as np
            from safetensors.numpy import load_file

            from .backends.onnx_bert import build_bert_onnx

            overrides = {k: v.astype(np.float32) for k, v in load_file(str(self._delta)).items()}
            self._cache_dir.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(dir=self._cache_dir) as scratch:
                partial = Path(scratch) / path.name
                build_bert_onnx(model_dir, partial, overrides=overrides, output="score")
                partial.replace(path)  # atomic: another process sees no file or the whole file
        return path

    def probabilities(self, question: str, sentences: Sequence[str]) -> list[float]:
        """For each sentence, the calibrated probability that it answers the question."""
        if not sentences:
            return []
        import numpy as np

        if self._session is None:
            import onnxruntime

            options = onnxruntime.SessionOptions()
            options.log_severity_level = 3
            self._session = onnxruntime.InferenceSession(
                str(self._graph()), options, providers=["CPUExecutionProvider"]
            )
        encoded = pair_tokenizer().encode_batch([(question, s) for s in sentences])
        lengths = [len(e.ids) for e in encoded]
        logits = np.zeros(len(sentences), dtype=np.float32)
        for picked in _length_batches(lengths, self._batch_size):
            width = max(lengths[i] for i in picked)
            feed = {
                name: np.array([getattr(encoded[i], attr) + [0] * (width - lengths[i]) for i in picked], np.int64)
                for name, attr in (
                    ("input_ids", "ids"),
                    ("attention_mask", "attention_mask"),
                    ("token_type_ids", "type_ids"),
                )
            }
            logits[picked] = self._session.run(None, feed)[0]
        a, b = self._platt
        return [1.0 / (1.0 + math.exp(-(a * float(x) + b))) for x in logits]
