"""Hybrid retrieval (dense MiniLM in Chroma + stemmed BM25, fused by reciprocal rank) and sentence evidence."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .backends.embeddings import Embedder
from .backends.finetuned import english_words
from .index import Chunk, ChunkIndex, parse_chunk_id
from .keywords import KeywordIndex
from .name_forms import as_named
from .text import looks_like_instruction
from .words import LETTERS, STOPWORDS, asks_for, folded, same_term, stem, terms, words

Vector = list[float]

RRF_K = 60
# sentence vectors kept in memory (about 30 MB): a collection's sentences recur across questions
SENTENCE_VECTORS = 20_000
COMMON_SHARE = 0.3  # a name in more than this share of chunks is not required in the evidence
_ENDS_SENTENCE = re.compile(r"[.!?][\"')\]]*$")

# Two words one edit apart whose vectors are at least this close are one word spelt two ways ("center"/"centre"
# 0.91, "neighbouring"/"neighboring" 0.87, "job"/"jobs" 0.81); different words fall well below ("lose"/"loose"
# 0.59, "might"/"fight" 0.30, "buses"/"abuses" 0.15), on 24 such pairs of common English words
SAME_WORD = 0.75


def tells(sentence: str) -> bool:
    """Whether a sentence tells something an overview can quote: not a heading ("Background of the Conflict", no
    full stop) or a fragment of a few words."""
    return bool(_ENDS_SENTENCE.search(sentence)) and len(words(sentence)) >= 4


MAX_HEADING_WORDS = 10


def heading(sentence: str) -> bool:
    """Whether a "sentence" is a heading ("International Reactions and Human Rights Concerns"): no full stop, ten
    words at most, most of those that carry meaning capitalised. It names what follows; it answers nothing. (A
    sentence that has only lost its full stop is longer: "Prominent Examination Boards that are present in
    multiple states are the CBSE and the CISCE, NENBSE" ends a SQuAD paragraph.)"""
    if _ENDS_SENTENCE.search(sentence):
        return False  # most sentences: decided before their words are read
    every = words(sentence)
    said = [w for w in every if terms(w)]
    return len(every) <= MAX_HEADING_WORDS and bool(said) and sum(w[0].isupper() for w in said) >= 0.5 * len(said)


def same_word(a: Vector, b: Vector) -> bool:
    """Whether two spellings are one word (a variant or an inflection), by the cosine of their unit vectors."""
    return sum(x * y for x, y in zip(a, b, strict=True)) >= SAME_WORD


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
    quote: str = ""  # once verified: exactly the original file's text at [start, end)
    previous: str = ""  # the sentence before it in the same chunk (normalised), and where that one starts
    previous_start: int = -1
    page: int | None = None  # once verified: the PDF page the quote starts on
    section: str | None = None  # once verified: the DOCX or web-page heading the quote falls under
    reading: tuple[int, int] | None = None  # once judged: where in ``text`` the judge's reader reads its answer


class Retriever:
    """Chunks by hybrid search, then their sentences scored as evidence for the question."""

    def __init__(self, index: ChunkIndex, embedder: Embedder, keyword_cache: Path | None = None) -> None:
        self._index = index
        self._embedder = embedder
        self._keyword_cache = keyword_cache
        self._keywords: KeywordIndex | None = None
        self._collection: tuple[list[Evidence], list[Vector], list[int]] | None = None  # collection_sentences()
        # text (a sentence, or a word ``correct`` weighs) -> its vector; the model is fixed, so never stale
        self._vectors: dict[str, Vector] = {}

    def invalidate(self) -> None:
        """Forget the keyword index and the overview's sentences after the store changed."""
        self._keywords = None
        self._collection = None

    @property
    def keywords(self) -> KeywordIndex:
        if self._keywords is None:
            self._keywords = KeywordIndex.load_or_build(self._index, self._keyword_cache)
        return self._keywords

    def correct(self, query: str) -> str:
        """The query with misspelt lower-case words replaced by the corpus's word one edit away ("recoverd" ->
        "recovered", "neighbouring" -> "neighboring"), and names (capitalised words) the corpus lacks by the one it
        holds a typing slip away ("Kidl" -> "Kidal"); an English word is left as it is."""

        def fix(match: re.Match[str]) -> str:
            word = match.group(0)
            if word.lower() in STOPWORDS or not (word[1:].islower() or word.isupper()):
                return word  # a code in mixed case ("mTORC", "aPKCz"): no spelling to correct
            before, after = match.string[match.start() - 1 : match.start()], match.string[match.end() : match.end() + 1]
            if any(c == "-" or c.isalnum() for c in before + after):
                return word  # part of "Phags-pa", "PGAM1" or "Zürich": no word of its own
            if match.start() > 0 and word[0].isupper():
                better = (
                    None if word.lower() in english_words() else self.keywords.spelling(word.lower(), slips_only=True)
                )
                return (better.upper() if word.isupper() else word[0] + better[1:]) if better else word
            better = self.keywords.spelling(word.lower())
            if better and word.lower() in english_words() and not same_word(*self._vectors_of([word.lower(), better])):
                return word  # an English word of its own ("buses", "might"), not a misspelt "abuses" or "fight"
            return (better.capitalize() if word[0].isupper() else better) if better else word

        return LETTERS.sub(fix, query)

    def corrected(self, query: str) -> tuple[str, list[tuple[str, str]]]:
        """``correct``, then the question's names as the documents write them (``name_forms``), with the names the
        documents give in another form (asked, searched)."""
        keywords = self.keywords
        return as_named(self.correct(query), keywords.names, keywords.word_df, english_words())

    def embed_query(self, query: str) -> Vector:
        return self._embedder.embed([query])[0]

    def embed(self, texts: Sequence[str]) -> list[Vector]:
        return self._embedder.embed(texts)

    def retrieve(
        self, query: str, k: int, vector: Vector | None = None, sources: Sequence[str] | None = None
    ) -> list[tuple[Chunk, float]]:
        """Chunks fused by reciprocal rank over the dense and keyword lists; with ``sources``, of those files only."""
        dense = self._index.query(vector or self.embed_query(query), k * 2, sources)
        if sources:  # the keyword index covers every file: look further down it, keep the chosen files' chunks
            chosen = set(sources)
            found = self.keywords.search(terms(query), k * 20)
            sparse = [(cid, score) for cid, score in found if parse_chunk_id(cid)[0] in chosen][: k * 2]
        else:
            sparse = self.keywords.search(terms(query), k * 2)
        fused: dict[str, float] = {}
        for ranked in ([c.id for c, _ in dense], [cid for cid, _ in sparse]):
            for rank, cid in enumerate(ranked):
                fused[cid] = fused.get(cid, 0.0) + 1.0 / (RRF_K + rank + 1)
        best = sorted(fused, key=lambda cid: -fused[cid])[:k]
        by_id = {c.id: c for c, _ in dense}
        by_id.update({c.id: c for c in self._index.get([cid for cid in best if cid not in by_id])})
        return [(by_id[cid], fused[cid]) for cid in best if cid in by_id]

    def search(self, query: str, k: int) -> tuple[list[Chunk], list[Evidence]]:
        """The top ``k`` chunks and their sentences as evidence, best first (the query is embedded once)."""
        vector = self.embed_query(query)
        chunks = [c for c, _ in self.retrieve(query, k, vector)]
        return chunks, self.evidence(query, chunks, vector)

    def ranked_sources(self, query: str, k: int, rerank_top: int = 6) -> list[str]:
        """Documents in the order the answer would use them: by their best evidence sentence among the top
        ``rerank_top`` chunks, then the rest of the fused chunk ranking. The query is spelling-corrected first, as
        the answer's is."""
        query = self.correct(query)
        vector = self.embed_query(query)
        chunks = [c for c, _ in self.retrieve(query, k, vector)]
        ordered = [e.source for e in self.evidence(query, chunks[:rerank_top], vector)] if rerank_top else []
        return list(dict.fromkeys(ordered + [c.meta.source for c in chunks]))

    def evidence(
        self, question: str, chunks: Sequence[Chunk], vector: Vector, max_sentences: int = 16
    ) -> list[Evidence]:
        """Sentences of the chunks, best first, scored by meaning (cosine to ``vector``, the question's) and by
        key-term coverage."""
        seen: set[tuple[str, int]] = set()
        candidates: list[tuple[Chunk, str, int, int, str, int]] = []  # ..., the sentence before it, its start
        for chunk in chunks:
            previous, previous_start = "", -1
            for text, start, end in chunk.sentences():
                if looks_like_instruction(text):  # planted instructions are not facts about anything
                    previous, previous_start = "", -1
                    continue
                if heading(text):  # not quoted as an answer; its words count for the sentence under it
                    previous, previous_start = text, start
                    continue
                if (chunk.meta.path, start) not in seen:
                    seen.add((chunk.meta.path, start))
                    candidates.append((chunk, text, start, end, previous, previous_start))
                previous, previous_start = text, start
        if not candidates:
            return []
        key = self.key_terms(question)
        required = self.required_terms(question)
        total_weight = sum(w for _, w in key) or 1.0
        wants_number = asks_for(question) == "quantity"
        lexical = []
        # a required name may stand anywhere in the sentence's chunk or its document's title: the answering
        # sentence often says "he" or "the company" (on SQuAD's training articles, requiring the name in the
        # sentence or the one before declined 17% of answerable questions; within the chunk, far fewer)
        surroundings = {c.id: set(terms(c.text)) | set(terms(c.meta.title)) for c in chunks}
        for rank, (chunk, text, _, _, previous, _) in enumerate(candidates):
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
            around = surroundings[chunk.id]
            missing = tuple(
                word for word, st in required if st not in around and not any(same_term(st, s) for s in around)
            )
            lexical.append((covered / total_weight, rank, missing))
        # only the lexically closest sentences are embedded: the model's time is the cost of a question
        keep = sorted(range(len(candidates)), key=lambda i: (-lexical[i][0], lexical[i][1]))[:max_sentences]
        vectors = self._vectors_of([candidates[i][1] for i in keep])
        out = []
        for i, vec in zip(keep, vectors, strict=True):
            chunk, text, start, end, previous, previous_start = candidates[i]
            coverage, _, missing = lexical[i]
            similarity = sum(a * b for a, b in zip(vector, vec, strict=True))
            score = 0.55 * similarity + 0.45 * coverage
            if wants_number and any(ch.isdigit() for ch in text):
                score += 0.1
            m = chunk.meta
            out.append(
                Evidence(
                    text,
                    m.source,
                    m.title,
                    m.date,
                    m.path,
                    start,
                    end,
                    score,
                    similarity,
                    coverage,
                    missing,
                    previous=previous,
                    previous_start=previous_start,
                )
            )
        return sorted(out, key=lambda e: -e.score)

    def _vectors_of(self, texts: Sequence[str]) -> list[Vector]:
        known = self._vectors  # one snapshot: another thread may start a new cache meanwhile
        todo = [t for t in dict.fromkeys(texts) if t not in known]
        found = dict(zip(todo, self._embedder.embed(todo), strict=True)) if todo else {}
        if len(known) + len(found) > SENTENCE_VECTORS:
            self._vectors = {}  # full: start again
        self._vectors.update(found)
        return [found[t] if t in found else known[t] for t in texts]

    @property
    def index(self) -> ChunkIndex:
        return self._index

    def collection_sentences(
        self, max_chunks: int = 60, max_sentences: int = 160
    ) -> tuple[list[Evidence], list[Vector], list[int]]:
        """Sentences of the whole collection (a large one: its documents' opening chunks), each with its vector
        and its place in its document (0 = the lead), for an overview. Kept until the index changes."""
        if self._collection is not None:
            return self._collection
        small = self._index.count() <= max_chunks
        chunks = self._index.all_chunks() if small else self._index.opening_chunks(max_chunks)
        chunks.sort(key=lambda c: (c.meta.path, c.meta.ordinal))
        out: list[Evidence] = []
        places: list[int] = []
        seen: dict[str, int] = {}
        taken: set[tuple[str, int]] = set()  # chunks overlap: a sentence can be in two
        for chunk in chunks:
            m = chunk.meta
            for text, start, end in chunk.sentences():
                if looks_like_instruction(text) or not tells(text) or (m.path, start) in taken:
                    continue
                taken.add((m.path, start))
                places.append(seen.get(m.path, 0))
                seen[m.path] = places[-1] + 1
                out.append(Evidence(text, m.source, m.title, m.date, m.path, start, end, 0.0, 0.0, 0.0, ()))
        # too many: every document's first sentences before any document's later ones
        kept = sorted(sorted(range(len(out)), key=lambda i: places[i])[:max_sentences])
        out, places = [out[i] for i in kept], [places[i] for i in kept]
        self._collection = (out, self._embedder.embed([e.text for e in out]), places)
        return self._collection

    def key_terms(self, question: str) -> list[tuple[str, float]]:
        """The question's content stems with IDF weights (unknown words weigh most: the corpus lacks them)."""
        unique = list(dict.fromkeys(terms(question)))
        return [(t, self.keywords.idf(t)) for t in unique]

    def required_terms(self, question: str) -> list[tuple[str, str]]:
        """Names and numbers in the question, which an answer's evidence must contain: (word, stem).

        A name found in most of the corpus (the country a news collection is about) tells nothing and is not required.
        """
        common = max(2.0, COMMON_SHARE * len(self.keywords))
        out = []
        for i, word in enumerate(words(question)):
            lowered = folded(word).replace("'", "")  # as ``terms`` reads it: "Börte" is the documents' "borte"
            if lowered in STOPWORDS:
                continue
            # the first word is capitalised anyway ("Describe ..."), so only later capitals mark a name
            st = stem(lowered)
            if any(ch.isdigit() for ch in word) or (
                i > 0 and word[0].isupper() and self.keywords.df.get(st, 0) < common
            ):
                out.append((word, st))
        return out
