"""Broad answers: an overview of the collection or of one topic, told in the documents' own sentences.

Sentences are chosen for relevance and coverage by maximal marginal relevance (each pick is the most relevant
sentence that repeats the picked ones least), taking turns between documents so that every document with
something to say is heard; the answer groups them by document, ordered by date, each sentence with its [n].
A conversational turn gets a short reply naming the documents and questions they can answer.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence

from .answer import with_markers
from .display import tidy_sentence
from .index import Chunk
from .kinds import BY_DATE, Kind
from .retrieval import Evidence, Retriever, tells
from .words import STOPWORDS, same_term, terms, words

BUDGET = 8  # sentences in a broad answer
MMR_LAMBDA = 0.7  # relevance against novelty
MAX_PER_DOCUMENT = 3
LEAD_BONUS = 0.2  # added to a document's first sentence's relevance (half to the second, ...)
# a sentence is about the topic when it holds half its weighted words or is this close in meaning
MIN_TOPIC_COVERAGE = 0.5
MIN_TOPIC_COSINE = 0.5


def pick(
    candidates: Sequence[Evidence],
    relevance: Sequence[float],
    similarity: Callable[[int, int], float],
    budget: int = BUDGET,
    per_document: int = MAX_PER_DOCUMENT,
) -> list[int]:
    """Indices of the chosen sentences: documents take turns (the most relevant document first); within a
    document, maximal marginal relevance against everything chosen so far."""
    by_doc: dict[str, list[int]] = {}
    for i in sorted(range(len(candidates)), key=lambda i: -relevance[i]):
        by_doc.setdefault(candidates[i].source, []).append(i)
    if len(by_doc) == 1:  # the cap lets every document be heard; one alone may fill the budget
        per_document = budget
    chosen: list[int] = []
    while len(chosen) < budget:
        added = False
        for indices in by_doc.values():
            mine = [i for i in indices if i in chosen]
            left = [i for i in indices if i not in chosen]
            if not left or len(mine) >= per_document or len(chosen) >= budget:
                continue

            def marginal(i: int) -> float:
                repeat = max((similarity(i, j) for j in chosen), default=0.0)
                return MMR_LAMBDA * relevance[i] - (1 - MMR_LAMBDA) * repeat

            best = max(left, key=marginal)
            if max((similarity(best, j) for j in chosen), default=0.0) > 0.9:  # says again what is said
                indices.remove(best)
                added = True
                continue
            chosen.append(best)
            added = True
        if not added:
            break
    return chosen


def word_overlap(candidates: Sequence[Evidence]) -> Callable[[int, int], float]:
    """Similarity of two sentences as the share of content stems they have in common (Jaccard)."""
    stems = [set(terms(c.text)) for c in candidates]

    def similar(i: int, j: int) -> float:
        union = stems[i] | stems[j]
        return len(stems[i] & stems[j]) / len(union) if union else 0.0

    return similar


def grouped(chosen: Sequence[Evidence]) -> list[list[Evidence]]:
    """The chosen sentences by document (dated documents first, oldest first), each in reading order."""
    by_doc: dict[str, list[Evidence]] = {}
    for ev in chosen:
        by_doc.setdefault(ev.source, []).append(ev)
    groups = [sorted(g, key=lambda e: e.start) for g in by_doc.values()]
    return sorted(groups, key=lambda g: (not g[0].date, g[0].date, g[0].title))


def broad_text(kind: Kind, groups: Sequence[Sequence[Evidence]], lead: str = "") -> str:
    """The answer: a lead line (``lead`` or one made for the kind), then one paragraph per document; [n] numbers
    run in the order shown."""
    n_docs = len(groups)
    documents = f"{n_docs} document{'s' if n_docs != 1 else ''}"
    say = f"What the {documents} say" if n_docs != 1 else "What one document says"
    if lead:
        pass
    elif kind.comparison:
        lead = f"{say}" + (f" about {kind.topic}" if kind.topic else "") + ", side by side:"
        if n_docs == 1:
            lead = "Only one document speaks of " + (kind.topic or "this") + ":"
    elif kind.topic:
        lead = f"{say} about {kind.topic}:"
    else:
        lead = f"Overview of the {documents}, oldest first:" if n_docs != 1 else "Overview of the document:"
    lines, n = [lead], 0
    for group in groups:
        parts = []
        for ev in group:
            n += 1
            parts.append(with_markers(tidy_sentence(ev.text), [n]))
        when = f" ({group[0].date})" if group[0].date else ""
        intro = "According to " if kind.comparison else ""
        lines.append(f'{intro}"{group[0].title}"{when}: ' + " ".join(parts))
    return "\n\n".join(lines)


_GREETING = re.compile(r"^(hi|hello|hey|hiya|howdy|yo|greetings|good (morning|afternoon|evening|day))\b", re.I)
_THANKS = re.compile(r"^(thanks?|thx|cheers)\b", re.I)
_BYE = re.compile(r"^(bye|goodbye)\b", re.I)


def conversational_reply(question: str, documents: Sequence[dict[str, str]]) -> str:
    """A reply that names the indexed documents and questions they can answer; never a refusal."""
    dated = BY_DATE.match(" ".join(question.split()))
    if dated and documents:
        return _by_date(documents, oldest=bool(dated.group("old")))
    if _THANKS.match(question):
        opening = "You're welcome."
    elif _BYE.match(question):
        opening = "Goodbye."
    elif _GREETING.match(question):
        opening = "Hello!"
    else:
        opening = "I answer questions about the indexed documents, quoting the passages I use so you can check them."
    if not documents:
        return f"{opening} No documents are indexed yet: add files to the corpus folder and run `assistant ingest`."
    shown = sorted(documents, key=lambda d: (not d.get("date"), d.get("date", ""), d.get("title", "")))
    listed = "; ".join(f'"{d["title"]}"' + (f" ({d['date']})" if d.get("date") else "") for d in shown[:6])
    more = f" and {len(shown) - 6} more" if len(shown) > 6 else ""
    count = f"{len(shown)} document{'s' if len(shown) != 1 else ''}"
    examples = " ".join(f'"{q}"' for q in example_questions(documents))
    return f"{opening} I have {count} indexed: {listed}{more}. You could ask, for example: {examples}"


def _by_date(documents: Sequence[dict[str, str]], oldest: bool) -> str:
    """Which document is the newest (or oldest) by the date each carries, and which carry none."""
    dated = sorted((d for d in documents if d.get("date")), key=lambda d: d["date"], reverse=not oldest)
    undated = [f'"{d["title"]}"' for d in documents if not d.get("date")]
    which = "oldest" if oldest else "most recent"
    if not dated:
        return f"None of the documents carries a date, so they don't say which is the {which}."
    first = dated[0]
    if len(dated) == 1 and undated:
        return (
            f'Only one of the {len(documents)} documents carries a date, "{first["title"]}" ({first["date"]}), so '
            f"they don't say which is the {which}. The others: {'; '.join(undated[:6])}."
        )
    said = f'By the dates the documents carry, the {which} is "{first["title"]}" ({first["date"]}).'
    if len(dated) > 1:
        said += " Then: " + "; ".join(f'"{d["title"]}" ({d["date"]})' for d in dated[1:6]) + "."
    if undated:
        said += f" {len(undated)} of the {len(documents)} carry no date: {'; '.join(undated[:6])}."
    return said


def example_questions(documents: Sequence[dict[str, str]], n: int = 3) -> list[str]:
    """Questions the documents can answer, from the names in their titles (most shared first)."""
    counts: dict[str, int] = {}
    for doc in documents:
        for word in re.findall(r"(?<!^)(?<![.:] )\b[A-Z][a-z]+(?:[- ][A-Z][a-z]+)*\b", doc.get("title", "")):
            if word.lower() not in STOPWORDS:
                counts[word] = counts.get(word, 0) + 1
    names = sorted(counts, key=lambda w: -counts[w])
    questions = ["Summarize the documents."]
    if names:
        questions.append(f"What do the documents say about {names[0]}?")
    if len(names) > 1 and len(documents) > 1:
        questions.append(f"Compare what the documents say about {names[1]}.")
    questions.append("Give me a timeline of events.")
    return questions[:n]


def collection_choice(
    retriever: Retriever,
    budget: int = BUDGET,
    sources: Sequence[str] | None = None,
    per_document: int = MAX_PER_DOCUMENT,
) -> list[Evidence]:
    """Sentences that sum up the collection (or the ``sources`` files of it): central to their document (cosine
    to its mean vector), the lead favoured (news puts the main fact first), every document heard."""
    import numpy as np

    sentences, vectors, places = retriever.collection_sentences()
    if sources:
        kept = [i for i, s in enumerate(sentences) if s.source in set(sources)]
        sentences, vectors, places = [sentences[i] for i in kept], [vectors[i] for i in kept], [places[i] for i in kept]
    if not sentences:
        return []
    matrix = np.asarray(vectors, dtype=np.float32)
    relevance = [0.0] * len(sentences)
    for source in {s.source for s in sentences}:
        rows = [i for i, s in enumerate(sentences) if s.source == source]
        centre = matrix[rows].mean(axis=0)
        centre /= np.linalg.norm(centre) or 1.0
        for i in rows:
            relevance[i] = float(matrix[i] @ centre) + LEAD_BONUS / (1 + places[i])
    cosine = matrix @ matrix.T
    chosen = pick(sentences, relevance, lambda i, j: float(cosine[i, j]), budget, per_document)
    return [dataclasses.replace(sentences[i], score=round(relevance[i], 4)) for i in chosen]


def topic_choice(
    retriever: Retriever,
    topic: str,
    top_k: int,
    budget: int = BUDGET,
    sources: Sequence[str] | None = None,
    per_document: int = MAX_PER_DOCUMENT,
) -> list[Evidence]:
    """Sentences about the topic from the chunks retrieved for it (in ``sources`` only, when given): they hold
    its names and most of its words or are close to it in meaning; chosen for relevance and coverage."""
    vector = retriever.embed_query(topic)
    chunks = [c for c, _ in retriever.retrieve(topic, top_k, vector, sources)]
    evidence = retriever.evidence(topic, chunks, vector, max_sentences=4 * budget)
    # a heading is not quoted: it can seem about the topic only by the sentence before it, which counts half
    about = [e for e in evidence if e.coverage >= MIN_TOPIC_COVERAGE or e.similarity >= MIN_TOPIC_COSINE]
    relevant = [e for e in about if not e.missing and tells(e.text)]
    naming = _naming(topic, chunks)
    if naming:  # unless no document that names it has a sentence about it: then the others are all there is
        relevant = [e for e in relevant if e.path in naming] or relevant
    chosen = pick(relevant, [e.score for e in relevant], word_overlap(relevant), budget, per_document)
    return [relevant[i] for i in chosen]


def _naming(topic: str, chunks: Sequence[Chunk]) -> set[str]:
    """The documents (paths) whose retrieved chunks or title write every name of the topic, in any of its forms;
    empty when the topic names nothing. A document about drone strikes that never names Tinzaouaten does not tell
    of "drone strikes in Tinzaouaten", however common the name is in the collection (the search requires only the
    rarer names, ``Retriever.required_terms``)."""
    names = [t for w in words(topic) if w[0].isupper() for t in terms(w)]
    if not names:
        return set()
    written: dict[str, set[str]] = {}
    for c in chunks:
        written.setdefault(c.meta.path, set(terms(c.meta.title))).update(terms(c.text))
    return {path for path, said in written.items() if all(any(same_term(n, t) for t in said) for n in names)}
