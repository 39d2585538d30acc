"""The packaged MiniLM with a trained delta (top layers and a head), run by onnxruntime over (question, text) pairs.

The span reader is made this way by ``python -m evals.train_reader``. Only the changed tensors ship with the
package (``models/<name>.safetensors``, packed small by ``packed.pack``), beside a metadata file naming the data,
the seed and the figures on held-back training articles. The ONNX graph is built once from the packaged
weights plus the delta and cached beside the embedder's, keyed by both.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from .embeddings import _length_batches, _model_dir, weights_key

ARTIFACT_DIR = Path(__file__).resolve().parents[1] / "models"
MAX_TOKENS = 128


@lru_cache(maxsize=1)
def pair_tokenizer() -> Any:
    """The model's tokenizer for (question, text) pairs. A pair too long is cut from the longer of the two: the text,
    but for a question longer than its text, the question too (cutting only the text failed on such questions)."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(_model_dir() / "tokenizer.json"))
    tokenizer.enable_truncation(MAX_TOKENS, strategy="longest_first")
    tokenizer.no_padding()
    return tokenizer


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """The whole words of the model's vocabulary (about 22,500 common English words): a word among them is no typo,
    even where the corpus does not use it ("buses" is not a misspelt "abuses")."""
    return frozenset(w for w in pair_tokenizer().get_vocab() if w.isalpha())


def artifact_meta(path: Path, what: str) -> dict[str, Any]:
    """A trained artifact's metadata file, or a clear error naming ``what`` it belongs to."""
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{what} {path} cannot be read ({exc}); reinstall") from exc
    if not isinstance(meta, dict):
        raise ConfigError(f"{what} {path} is not a JSON object; reinstall")
    return meta


class FineTuned:
    """One trained artifact with a span head: start and end logits for every token of each pair."""

    def __init__(
        self, name: str, version: int, cache_dir: Path, artifact_dir: Path = ARTIFACT_DIR, batch: int = 32
    ) -> None:
        self.name = f"{name}-v{version}"
        self._delta = artifact_dir / f"{self.name}.safetensors"
        meta_path = artifact_dir / f"{self.name}.json"
        self.meta = artifact_meta(meta_path, f"the {name}'s metadata")
        if self.meta.get("version") != version or not self._delta.is_file():
            raise ConfigError(f"the {name} at {artifact_dir} is not version {version}; reinstall")
        self._cache_dir = cache_dir
        self._batch = batch
        self._session: Any = None

    def _graph(self) -> Path:
        model_dir = _model_dir()
        base = weights_key(model_dir / "model.safetensors", self._cache_dir)
        delta = hashlib.sha256(self._delta.read_bytes()).hexdigest()[:16]
        path = self._cache_dir / f"{self.name}-{base}-{delta}.onnx"
        if not path.is_file():
            from safetensors import SafetensorError
            from safetensors.numpy import load_file

            from .onnx_bert import build_bert_onnx
            from .packed import unpack

            try:
                overrides = unpack(load_file(str(self._delta)), load_file(str(model_dir / "model.safetensors")))
            except (OSError, SafetensorError, KeyError, ValueError) as exc:
                raise ConfigError(f"the {self.name} weights {self._delta} cannot be read ({exc}); reinstall") from exc
            self._cache_dir.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(dir=self._cache_dir) as scratch:
                partial = Path(scratch) / path.name
                build_bert_onnx(model_dir, partial, overrides=overrides, output="span")
                partial.replace(path)  # atomic: another process sees no file or the whole file
        return path

    def run(self, pairs: Sequence[tuple[str, str]]) -> tuple[list[Any], list[Any]]:
        """The tokenised pairs and, for each, the graph's output cut to its own tokens."""
        import numpy as np

        if self._session is None:
            import onnxruntime

            options = onnxruntime.SessionOptions()
            options.log_severity_level = 3
            self._session = onnxruntime.InferenceSession(
                str(self._graph()), options, providers=["CPUExecutionProvider"]
            )
        encoded = pair_tokenizer().encode_batch(list(pairs))
        lengths = [len(e.ids) for e in encoded]
        outputs: list[Any] = [None] * len(encoded)
        for picked in _length_batches(lengths, self._batch):
            width = max(lengths[i] for i in picked)
            feed = {
                name: np.array([getattr(encoded[i], attr) + [0] * (width - lengths[i]) for i in picked], np.int64)
                for name, attr in (
                    ("input_ids", "ids"),
                    ("attention_mask", "attention_mask"),
                    ("token_type_ids", "type_ids"),
                )
            }
            result = self._session.run(None, feed)[0]
            for row, i in enumerate(picked):
                outputs[i] = result[row, : lengths[i]]
        return encoded, outputs
