"""tiktoken encodings read from the copy llama-index ships, so nothing is downloaded."""

from __future__ import annotations

import importlib.util
import os
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from ..errors import ConfigError


class Tokenizer(Protocol):
    name: str

    def count(self, text: str) -> int: ...


def _point_tiktoken_at_bundled_cache() -> None:
    if os.environ.get("TIKTOKEN_CACHE_DIR"):
        return
    spec = importlib.util.find_spec("llama_index.core")  # located, not imported: importing it is slow
    if spec and spec.submodule_search_locations:
        cache = Path(next(iter(spec.submodule_search_locations))) / "_static" / "tiktoken_cache"
        if cache.is_dir():
            os.environ["TIKTOKEN_CACHE_DIR"] = str(cache)


class TiktokenTokenizer:
    def __init__(self, encoding: str) -> None:
        _point_tiktoken_at_bundled_cache()
        import tiktoken

        try:
            self._enc = tiktoken.get_encoding(encoding)
        except Exception as exc:  # tiktoken raises plain errors when its file is not cached and offline
            raise ConfigError(
                f"tiktoken encoding {encoding!r} is not available offline ({exc}); "
                "use cl100k_base or set TIKTOKEN_CACHE_DIR to a folder holding the encoding file"
            ) from exc
        self.name = f"tiktoken:{encoding}"

    def count(self, text: str) -> int:
        return len(self._enc.encode(text, disallowed_special=()))


@lru_cache(maxsize=4)
def get_tokenizer(encoding: str) -> TiktokenTokenizer:
    return TiktokenTokenizer(encoding)
