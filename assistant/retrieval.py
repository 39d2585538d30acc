"""Hybrid retrieval (dense MiniLM in Chroma + stemmed BM25, fused by reciprocal rank) and sentence evidence."""

from __future__ import annotations

import json
import logging
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .backends.embeddings import Embedder
from .index import Chunk, ChunkIndex
from .text import looks_like_instruction, words

STOPWORDS = frozenset(
    "a about above after again against all am an and any are as at be because been before being below between both "
    "but by can could did do does doing down during each few for from further had has have having he her here hers "
    "herself him himself his i if in into is it its itself just me more most my myself no nor not now of off on once "
    "only or other our ours ourselves out over own same she should so some such than that the their theirs them "
    "themselves then there these they this those through to too under until up very was we were what when where "
    "which while who whom why will with would you your yours yourself yourselves also "
    "did how many much whose tell know give "
    # words that frame a question rather than say what it is about ("what is the full name of ...")
    "name names full kind type sort year years number".split()
)
# irregular forms the stemmer cannot join to their verb (said/say, took/take): common in news and in questions
IRREGULAR = {
    "said": "say",
    "says": "say",
    "took": "take",
    "taken": "take",
    "brought": "bring",
    "fought": "fight",
    "won": "win",
    "led": "lead",
    "began": "begin",
    "begun": "begin",
    "gave": "give",
    "given": "give",
    "went": "go",
    "gone": "go",
    "came": "come",
    "made": "make",
    "held": "hold",
    "left": "leave",
    "lost": "lose",
    "met": "meet",
    "sent": "send",
    "spent": "spend",
    "struck": "strike",
    "seen": "see",
    "saw": "see",
    "told": "tell",
    "thought": "think",
    "found": "find",
    "got": "get",
    "kept": "keep",
    "knew": "know",
    "known": "know",
    "ran": "run",
    "rose": "rise",
    "risen": "rise",
    "fell": "fall",
    "fallen": "fall",
    "shot": "shoot",
    "hit": "hit",
    "wounded": "wound",
    "killed": "kill",
    "died": "die",
    "dead": "die",
    "death": "die",
    "deaths": "die",
    "seized": "seize",
    "bodies": "body",
    "fled": "flee",
    "stood": "stand",
    "withdrew": "withdraw",
    "withdrawn": "withdraw",
    "paid": "pay",
    "bought": "buy",
    "sold": "sell",
    "built": "build",
    "chose": "choose",
    "chosen": "choose",
    "drove": "drive",
    "driven": "drive",
}
QUANTITY_CUES = ("how many", "how much", "what number", "how long", "how far", "what percentage")
TIME_CUES = ("when ", "in what year", "in which year", "what year", "since when", "since which year", "what date")
_LEAD_IN = re.compile(r"^\s*(?:and|so|but|then|also)\b[\s,]*", re.I)


def asks_for(question: str) -> str | None:
    """'quantity' or 'time' when the question's form asks for one ("And how many ...?"), else None."""
    asked = _LEAD_IN.sub("", question.lower())
    if asked.startswith(QUANTITY_CUES):
        return "quantity"
    if asked.startswith(TIME_CUES):
        return "time"
    return None


RRF_K = 60
COMMON_SHARE = 0.3  # a name in more than this share of chunks is not required in the evidence


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("english")


def terms(text: str) -> list[str]:
    """Lower-cased, stemmed content words (stopwords dropped)."""
    kept = [w.lower().replace("'", "") for w in words(text)]
    return _stemmer().stemWords([IRREGULAR.get(w, w) for w in kept if w not in STOPWORDS])


def same_term(a: str, b: str) -> bool:
    """Equal stems, or spelling variants of a long name (Tinzaouaten / Tinzaouatene)."""
    if a == b:
        return True
    return (
        min(len(a), len(b)) >= 6
        and abs(len(a) - len(b)) <= 2
        and a[:6] == b[:6]
        and (a.startswith(b) or b.startswith(a))
    )


@dataclass(frozen=True)
class Evidence:
    """One sentence of a retrieved chunk, located in the original file."""

    text: str  # normalised sentence
    source: str
    title: str
    date: str
    path: str
    start: int
    end: int
    score: float
    similarity: float  # cosine between question and sentence
    coverage: float  # IDF-weighted share of the question's key terms found in the sentence
    missing: tuple[str, ...]  # required question words (names, numbers) the sentence lacks


KEYWORD_VERSION = 1  # bump when terms() changes, so cached token lists are rebuilt


class KeywordIndex:
    """BM25 (bm25s) over stemmed chunk text, plus document frequencies for term weights."""

    def __init__(self, ids: Sequence[str], tokens: Sequence[list[str]]) -> None:
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.ERROR)  # it logs each index build as a warning
        self.ids = list(ids)
        self.tokens = list(tokens)
        self.df = Counter(t for toks in self.tokens for t in set(toks))
        self.vocabulary = set(self.df)
        self._bm25 = bm25s.BM25()
        if self.ids:
            self._bm25.index([toks or ["\x00"] for toks in self.tokens], show_progress=False)

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def load_or_build(cls, index: ChunkIndex, cache: Path | None) -> KeywordIndex:
        """Reuse the token lists cached beside the store; stem only chunks added since (ids carry the file hash)."""
        cached: dict[str, list[str]] = {}
        if cache and cache.is_file():
            try:
                data = json.loads(cache.read_text(encoding="utf-8"))
                if data.get("version") == KEYWORD_VERSION and data.get("fingerprint") == index.fingerprint:
                    cached = dict(zip(data["ids"], data["tokens"], strict=True))
            except (ValueError, KeyError, TypeError):
                cached = {}  # a damaged cache is rebuilt, never trusted
        ids = index.ids()
        missing = [i for i in ids if i not in cached]
        for chunk in index.get(missing):
            cached[chunk.id] = terms(chunk.text)
        tokens = [cached[i] for i in ids if i in cached]
        ids = [i for i in ids if i in cached]
        if cache and (missing or len(cached) != len(ids) or not cache.is_file()):
            cache.parent.mkdir(parents=True, exist_ok=True)
            partial = cache.with_suffix(".tmp")
            payload = {"version": KEYWORD_VERSION, "fingerprint": index.fingerprint, "ids": ids, "tokens": tokens}
            partial.write_text(json.dumps(payload), encoding="utf-8")
            partial.replace(cache)  # atomic: a crash leaves the old cache or the new one
        return cls(ids, tokens)

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


class Retriever:
    def __init__(self, index: ChunkIndex, embedder: Embedder, keyword_cache: Path | None = None) -> None:
        self._index = index
        self._embedder = embedder
        self._keyword_cache = keyword_cache
        self._keywords: KeywordIndex | None = None
        self._last_query: tuple[str, list[float]] | None = None  # evidence() reuses retrieve()'s question vector

    def invalidate(self) -> None:
        """Forget the keyword index after the store changed."""
        self._keywords = None

    @property
    def keywords(self) -> KeywordIndex:
        if self._keywords is None:
            self._keywords = KeywordIndex.load_or_build(self._index, self._keyword_cache)
        return self._keywords

    def retrieve(self, query: str, k: int) -> list[tuple[Chunk, float]]:
        """Chunks fused by reciprocal rank over the dense and keyword lists."""
        vector = self._query_vector(query)
        dense = self._index.query(vector, k * 2)
        sparse = self.keywords.search(terms(query), k * 2)
        fused: dict[str, float] = {}
        for ranked in ([c.id for c, _ in dense], [cid for cid, _ in sparse]):
            for rank, cid in enumerate(ranked):
                fused[cid] = fused.get(cid, 0.0) + 1.0 / (RRF_K + rank + 1)
        best = sorted(fused, key=lambda cid: -fused[cid])[:k]
        by_id = {c.id: c for c, _ in dense}
        by_id.update({c.id: c for c in self._index.get([cid for cid in best if cid not in by_id])})
        return [(by_id[cid], fused[cid]) for cid in best if cid in by_id]

    def _query_vector(self, query: str) -> list[float]:
        last = self._last_query  # read once: another thread may replace it meanwhile
        if last is None or last[0] != query:
            last = self._last_query = (query, self._embedder.embed([query])[0])
        return last[1]

    def ranked_sources(self, query: str, k: int, rerank_top: int = 6) -> list[str]:
        """Documents in the order the answer would use them: by their best evidence sentence among the top
        ``rerank_top`` chunks, then the rest of the fused chunk ranking."""
        chunks = [c for c, _ in self.retrieve(query, k)]
        ordered = [e.source for e in self.evidence(query, chunks[:rerank_top])] if rerank_top else []
        return list(dict.fromkeys(ordered + [str(c.metadata["source"]) for c in chunks]))

    def evidence(self, question: str, chunks: Sequence[Chunk], max_sentences: int = 16) -> list[Evidence]:
        """Sentences of the retrieved chunks, best first, scored by meaning and by key-term coverage."""
        seen: set[tuple[str, int]] = set()
        candidates: list[tuple[Chunk, str, int, int, str]] = []  # ..., the sentence before it (for names)
        for chunk in chunks:
            previous = ""
            for text, start, end in chunk.sentences():
                if looks_like_instruction(text):  # planted instructions are not facts about anything
                    previous = ""
                    continue
                if (chunk.metadata["path"], start) not in seen:
                    seen.add((chunk.metadata["path"], start))
                    candidates.append((chunk, text, start, end, previous))
                previous = text
        if not candidates:
            return []
        key = self.key_terms(question)
        required = self.required_terms(question)
        total_weight = sum(w for _, w in key) or 1.0
        wants_number = asks_for(question) == "quantity"
        lexical = []
        for rank, (_, text, _, _, previous) in enumerate(candidates):
            sentence_terms = terms(text)
            previous_terms = terms(previous)
            # what the sentence before says counts half: a sentence often continues it ("... The spokesperson also")
            covered = sum(
                w
                if any(same_term(t, s) for s in sentence_terms)
                else 0.5 * w
                if any(same_term(t, s) for s in previous_terms)
                else 0.0
                for t, w in key
            )
            context_terms = sentence_terms + previous_terms  # a required name may stand in the sentence before
            missing = tuple(word for word, stem in required if not any(same_term(stem, s) for s in context_terms))
            lexical.append((covered / total_weight, rank, missing))
        # only the lexically closest sentences are embedded: the model's time is the cost of a question
        keep = sorted(range(len(candidates)), key=lambda i: (-lexical[i][0], lexical[i][1]))[:max_sentences]
        qvec = self._query_vector(question)
        vectors = self._embedder.embed([candidates[i][1] for i in keep])
        out = []
        for i, vec in zip(keep, vectors, strict=True):
            chunk, text, start, end, _ = candidates[i]
            coverage, _, missing = lexical[i]
            similarity = sum(a * b for a, b in zip(qvec, vec, strict=True))
            score = 0.55 * similarity + 0.45 * coverage
            if wants_number and any(ch.isdigit() for ch in text):
                score += 0.1
            meta = chunk.metadata
            out.append(
                Evidence(
                    text,
                    meta["source"],
                    meta["title"],
                    meta["date"],
                    meta["path"],
                    start,
                    end,
                    score,
                    similarity,
                    coverage,
                    missing,
                )
            )
        return sorted(out, key=lambda e: -e.score)

    def key_terms(self, question: str) -> list[tuple[str, float]]:
        """The question's content stems with IDF weights (unknown words weigh most: the corpus lacks them)."""
        unique = list(dict.fromkeys(terms(question)))
        return [(t, self.keywords.idf(t)) for t in unique]

    def required_terms(self, question: str) -> list[tuple[str, str]]:
        """Names and numbers in the question, which an answer's evidence must contain: (word, stem).

        A name found in most of the corpus (the country a news collection is about) tells nothing and is not required.
        """
        common = max(2.0, COMMON_SHARE * len(self.keywords))
        tokens = words(question)
        out = []
        for i, word in enumerate(tokens):
            lowered = word.lower().replace("'", "")
            if lowered in STOPWORDS:
                continue
            # the first word is capitalised anyway ("Describe ..."), so only later capitals mark a name
            stem = _stemmer().stemWord(IRREGULAR.get(lowered, lowered))
            if any(ch.isdigit() for ch in word) or (
                i > 0 and word[0].isupper() and self.keywords.df.get(stem, 0) < common
            ):
                out.append((word, stem))
        return out
