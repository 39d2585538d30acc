"""BM25 (bm25s) over the stemmed text of every chunk, cached beside the store, with document frequencies."""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from .index import ChunkIndex
from .name_forms import NameForms
from .text import sentence_spans
from .words import folded, names, one_edit_away, stem, terms, typing_errors, words

KEYWORD_VERSION = 5  # bump when terms() or the cached fields change, so cached lists are rebuilt
MIN_CORRECTED = 5  # shorter words are too often another real word one edit away ("Mari" is not "Mali") ...
MIN_SLIP_CORRECTED = 4  # ... but "Kidl" or "gren" is still corrected when a typing slip away from a corpus word


def named_in(text: str) -> list[str]:
    """The words ``text`` writes capitalised inside its sentences, as written: the first word of a sentence is
    capitalised anyway."""
    return sorted({w for a, b in sentence_spans(text) for w in names(text[a:b])})


class KeywordIndex:
    """BM25 (bm25s) over stemmed chunk text, document frequencies for term weights, and the corpus's own words
    for spelling correction of questions: lower-cased, and the names as the corpus writes them."""

    def __init__(
        self,
        ids: Sequence[str],
        tokens: Sequence[list[str]],
        written: Sequence[list[str]] = (),
        named: Sequence[list[str]] = (),
    ) -> None:
        import bm25s

        self.ids = list(ids)
        self.tokens = list(tokens)
        self.df = Counter(t for toks in self.tokens for t in set(toks))
        self.vocabulary = set(self.df)
        # words and names are looked up without their accents, as people type them ("temur" is the text's "Temür"),
        # and given back as the text writes them
        lowered = Counter(w for ws in written for w in {x.lower() for x in ws})
        self.word_df: Counter[str] = Counter()
        self.written_as: dict[str, str] = {}
        for word, n in lowered.most_common():
            self.word_df[folded(word)] += n
            self.written_as.setdefault(folded(word), word)
        # a name is a word the corpus writes capitalised inside a sentence and never in lower case ("Kidal", "COSI")
        plain = {w for ws in written for w in ws if w.islower()}
        forms = Counter(w for ws in named for w in ws if w.lower() not in plain)
        spelled: dict[str, str] = {}
        for form, _ in forms.most_common():
            spelled.setdefault(folded(form), form)
        self.names = NameForms(spelled)
        self._bm25 = bm25s.BM25()
        if self.ids:
            self._bm25.index([toks or ["\x00"] for toks in self.tokens], show_progress=False)

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def load_or_build(cls, index: ChunkIndex, cache: Path | None) -> KeywordIndex:
        """Reuse the token lists cached beside the store; stem only chunks added since (ids carry the file hash)."""
        cached: dict[str, tuple[list[str], list[str], list[str]]] = {}
        if cache and cache.is_file():
            try:
                data = json.loads(cache.read_text(encoding="utf-8"))
                if data.get("version") == KEYWORD_VERSION and data.get("fingerprint") == index.fingerprint:
                    fields = zip(data["tokens"], data["words"], data["names"], strict=True)
                    cached = dict(zip(data["ids"], fields, strict=True))
            except (ValueError, KeyError, TypeError):
                cached = {}  # a damaged cache is rebuilt, never trusted
        ids = index.ids()
        missing = [i for i in ids if i not in cached]
        for chunk in index.get(missing):
            cached[chunk.id] = (terms(chunk.text), sorted(set(words(chunk.text))), named_in(chunk.text))
        ids = [i for i in ids if i in cached]
        tokens, written, named = ([cached[i][f] for i in ids] for f in range(3))
        if cache and (missing or len(cached) != len(ids) or not cache.is_file()):
            cache.parent.mkdir(parents=True, exist_ok=True)
            partial = cache.with_suffix(".tmp")
            payload = {
                "version": KEYWORD_VERSION,
                "fingerprint": index.fingerprint,
                "ids": ids,
                "tokens": tokens,
                "words": written,
                "names": named,
            }
            partial.write_text(json.dumps(payload), encoding="utf-8")
            partial.replace(cache)  # atomic: a crash leaves the old cache or the new one
        return cls(ids, tokens, written, named)

    def spelling(self, word: str, slips_only: bool = False) -> str | None:
        """The corpus's word (lower case, as the corpus writes it) one edit away from an unknown lower-case
        ``word``, if there is one: one that ``word`` is a typing slip of before any other, then the most common.
        Accents do not count ("temurr" -> "temür"). With ``slips_only``, and for words shorter than
        ``MIN_CORRECTED``, only a word ``word`` is a typing slip of (``typing_errors``: "kidl" -> "kidal", "gren" ->
        "green"): one edit away, a short word or a name is often another one ("mari", "mali")."""
        plain = folded(word)
        if (
            len(plain) < MIN_SLIP_CORRECTED
            or not plain.isalpha()
            or plain in self.word_df
            or stem(plain) in self.vocabulary
        ):
            return None  # "seize" is no typo in a corpus that says "seized"
        slips_only = slips_only or len(plain) < MIN_CORRECTED
        known = {w: plain in typing_errors(w) for w in one_edit_away(plain) if w in self.word_df}
        known = {w: slip for w, slip in known.items() if slip or not slips_only}
        # a slip first ("casues" is "causes" mistyped, not "cases" with a letter too many), then the commoner word
        return self.written_as[max(known, key=lambda w: (known[w], self.word_df[w], w))] if known else None

    def idf(self, term: str) -> float:
        n, df = len(self.ids), self.df.get(term, 0)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def search(self, query_terms: list[str], k: int) -> list[tuple[str, float]]:
        """Chunk ids with their BM25 scores, best first."""
        import numpy as np

        known = [t for t in query_terms if t in self.vocabulary]
        if not self.ids or not known:
            return []
        scores = self._bm25.get_scores(known)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]
