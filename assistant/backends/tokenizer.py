"""tiktoken encodings read from the copy llama-index ships, so nothing is downloaded.

``tiktoken.get_encoding`` would fetch the merge table from the network (or from a cache folder named by an
environment variable); here the table is loaded from llama-index's bundled file by path and the ``Encoding`` is
built explicitly, so no process-wide setting is changed. A test checks it encodes exactly as tiktoken's own.
"""

from __future__ import annotations

import hashlib
import importlib.util
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from ..errors import ConfigError

# what tiktoken_ext.openai_public.cl100k_base() declares: the merge table's address and hash, the split pattern
# and the special tokens
_ENCODINGS: dict[str, dict[str, Any]] = {
    "cl100k_base": {
        "url": "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
        "sha256": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
        "pat_str": r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s""",  # noqa: E501
        "special_tokens": {
            "<|endoftext|>": 100257,
            "<|fim_prefix|>": 100258,
            "<|fim_middle|>": 100259,
            "<|fim_suffix|>": 100260,
            "<|endofprompt|>": 100276,
        },
    }
}


class Tokenizer(Protocol):
    name: str

    def count(self, text: str) -> int: ...


def _bundled_file(url: str) -> Path | None:
    """llama-index's copy of a tiktoken file (named, as tiktoken's cache names it, by the SHA-1 of its URL)."""
    spec = importlib.util.find_spec("llama_index.core")  # located, not imported: importing it is slow
    if not (spec and spec.submodule_search_locations):
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "_static" / "tiktoken_cache"
    path = folder / hashlib.sha1(url.encode()).hexdigest()
    return path if path.is_file() else None


class TiktokenTokenizer:
    def __init__(self, encoding: str) -> None:
        import tiktoken
        from tiktoken.load import load_tiktoken_bpe

        known = _ENCODINGS.get(encoding)
        path = _bundled_file(known["url"]) if known else None
        if known is None or path is None:
            raise ConfigError(
                f"tiktoken encoding {encoding!r} is not available offline; use cl100k_base "
                "(its file ships with llama-index-core)"
            )
        ranks = load_tiktoken_bpe(str(path), expected_hash=known["sha256"])
        self._enc = tiktoken.Encoding(
            name=encoding, pat_str=known["pat_str"], mergeable_ranks=ranks, special_tokens=known["special_tokens"]
        )
        self.name = f"tiktoken:{encoding}"

    def count(self, text: str) -> int:
        return len(self._enc.encode(text, disallowed_special=()))


@lru_cache(maxsize=4)
def get_tokenizer(encoding: str) -> TiktokenTokenizer:
    return TiktokenTokenizer(encoding)
