"""The answer engine: a question in, an ``Answer`` out, streamed.

retrieval (chunks, then sentence evidence) -> judgement (``answer.supported``: can any sentence answer?) ->
either a refusal with the nearest passages, the documents side by side when they disagree, an extractive
answer, or a generated one through the quote gate; every quote verified against its file before it is shown.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Callable, Collection, Generator, Iterator, Sequence
from typing import Any

from .acronyms import acronym_asked, spelled_out, with_acronyms
from .answer import (
    CONFLICT_RATIO,
    REFUSAL,
    UNSURE_HEAD,
    UNSURE_NOTE,
    Bar,
    SourceReader,
    attributed,
    citation,
    conflicting,
    extractive_choice,
    gives_a_reason,
    other_reading,
    phrase_in,
    supported,
    verified,
    with_antecedents,
    with_markers,
)
from .backends.llms import LLM
from .broad import BUDGET as BROAD_BUDGET
from .broad import MAX_PER_DOCUMENT, broad_text, collection_choice, conversational_reply, grouped, topic_choice
from .config import Settings
from .descriptions import described_asked, located_asked, read_as
from .display import tidy_sentence
from .errors import AssistantError, BackendUnavailable, BadInput
from .gate import generate
from .judge import UNSURE, AnswerJudge
from .kinds import Kind, direct, question_kind
from .prompts import Prompts
from .quotes import QUOTED_HEAD, WHO_SAID, quoted_people, quoting, said_asked
from .reader import SpanReader
from .retrieval import Evidence, Retriever
from .text import clean_question
from .timeline import timeline_choice, timeline_text, written_on
from .types import Answer, ShortAnswer
from .verdict import verdict
from .verifier import Verifier
from .words import QUESTION_WORDS, asks_for, content_words, terms, words

MODES = ("extractive", "generative")
NOTHING_ASKED = "ask about a person, place, event or number in the documents."
RELATED_BUDGET = 4  # sentences shown for a yes/no or why question that no single sentence answers
REASONS = 2  # and for a why question, at most this many more from its evidence that give a reason


class AnswerEngine:
    """Answers one standalone query. The LLM is asked for only when a generative answer needs it."""

    def __init__(
        self,
        retriever: Retriever,
        reader: SourceReader,
        prompts: Prompts,
        settings: Settings,
        llm: Callable[[], LLM] | None = None,
        judge: AnswerJudge | None = None,
        span_reader: SpanReader | None = None,
        verifier: Verifier | None = None,
    ) -> None:
        self.retriever = retriever
        self.reader = reader
        self.prompts = prompts
        self.settings = settings
        self._llm = llm
        self.judge = judge  # None: the rule score and thresholds decide
        self.span_reader = span_reader  # None: no short answer phrase before the quotes
        self.verifier = verifier if judge else None  # it weighs the judge's probability: nothing to weigh without

    def stream(
        self,
        question: str,
        query: str | None = None,
        *,
        mode: str | None = None,
        max_citations: int | None = None,
        drafts: bool = False,
        sources: Sequence[str] | None = None,
        kind: Kind | None = None,
        shown: Collection[tuple[str, int]] = (),
        antecedent: str = "",
    ) -> Iterator[str | Answer]:
        """Yield the answer's text as it is produced, then the full ``Answer`` (authoritative: when generation
        falls back to the extractive answer, its text replaces what was streamed). ``query`` is what is searched
        (a follow-up rewritten from its conversation); by default the question itself. ``kind`` is the question's
        kind when its conversation says it ("and in Tinzaouaten?" is broad after a broad question), and an overview
        leaves out the ``shown`` sentences (source, start) its conversation has seen ("tell me more"); a short
        answer never only names the ``antecedent``, what a follow-up's pronoun stands for. With
        ``drafts``, generated text is also streamed token by token as ``Draft`` pieces before its sentence is
        checked. With ``sources``, only those files are searched."""
        question = clean_question(question, self.settings.max_question_chars)
        mode = mode or self.settings.mode
        if mode not in MODES:
            raise BadInput(f"unknown answer mode {mode!r}; use extractive or generative")
        clock = time.perf_counter()
        timings: dict[str, float] = {}
        kind = kind or question_kind(question)
        if kind.name == "conversational":
            documents = [{"title": d["title"], "date": d["date"]} for d in self.retriever.index.documents().values()]
            yield from _emit(
                _answer(conversational_reply(question, documents), [], _base(question, kind, mode, timings), clock)
            )
            return
        if kind.name == "broad":
            broad = self._broad(kind, question, mode, clock, sources, shown)
            if broad is None and shown:  # "tell me more" when all there is was shown: say so, no passage again
                yield from _emit(_answer(_all_shown(kind.topic), [], _base(question, kind, mode, timings), clock))
                return
            if broad:  # nothing about the topic: the usual path answers or refuses
                yield from _emit(broad)
                return
        # "Can you tell me who heads COSI?" is searched and read as "who heads COSI?"
        query, renamed = self.retriever.corrected(direct(clean_question(query, None) if query else question))
        notes = [_renamed_note(asked, searched) for asked, searched in renamed]
        if not content_words(query):  # "???", "what is the": whatever a search found would be chance
            text = f"There is nothing to search for in {question!r}: {NOTHING_ASKED}"
            timings["total"] = _since(clock)
            yield from _emit(Answer(text, True, (), timings, question, query, mode, kind=kind.name))
            return
        evidence = self.evidence(query, timings, sources)
        named = with_acronyms(query, [e.text for e in evidence])
        if named != query:  # the documents abbreviate a name the question spells out: searched as they write it
            query, evidence = named, self.evidence(named, timings, sources)
        bar = self.judge.bar if self.judge else Bar.of_rules(self.settings.retrieval)
        judge = self.judge.name if self.judge else "rules"
        unsure, weighed_by = UNSURE, "the judge gives"
        if self.verifier and self.judge and evidence:
            evidence = _verified_judgement(self.verifier, query, evidence, timings)
            bar = Bar(self.verifier.threshold, names_required=self.judge.names_required)
            judge = f"{judge}+{self.verifier.name}"
            unsure, weighed_by = self.verifier.unsure, "the judge and the verifier give"
        base: dict[str, Any] = {
            "question": question,
            "query": query,
            "mode": mode,
            "timings_ms": timings,
            "judge": judge,
            "kind": kind.name,
        }
        candidates = supported(query, evidence, bar)
        defined = _definition(question, evidence) or self._description(query, evidence)
        if defined:  # the text spells out the acronym or describes the name asked about: that sentence answers
            candidates = [defined[0], *(c for c in candidates if c is not defined[0])]
        quoted = [] if defined else self._quoted(question, antecedent, evidence)
        if quoted:  # "What did he say?": the sentences that give their words answer, whatever the judge's probability
            candidates = quoted
        if not candidates and kind.name in ("yes/no", "why/how") and not kind.phrase:
            topical = self._about(query, sources)
            # a sentence about its topic may still say yes or no plainly: then it answers
            candidates = [e for e in topical if kind.name == "yes/no" and verdict(query, e.text, e.previous)][:1]
            reasons = _reasons(evidence) if kind.name == "why/how" else []
            related_to = reasons + [t for t in topical if all((t.path, t.start) != (r.path, r.start) for r in reasons)]
            related = None if candidates else self._related(kind, question, query, related_to, clock)
            if related:  # the documents speak of it, though no one sentence settles it: show what they say
                yield from _emit(related)
                return
        if not candidates:
            yield from _emit(self._refusal(query, evidence, base, clock, notes))
            return
        limit = max_citations or self.settings.retrieval.max_citations
        strong = self.judge.runner_up_ratio if self.judge else CONFLICT_RATIO
        conflict = conflicting(query, candidates, strong)
        if conflict:  # the documents disagree: set them side by side, whatever the mode
            cited = verified(conflict[:limit], self.reader)
            if len(cited) > 1:
                text = "The documents disagree. " + " ".join(attributed(c, i) for i, c in enumerate(cited, 1))
                yield from _emit(_answer(text, cited, base, clock, notes))
                return
        best = max(c.score for c in candidates)
        # a definition read in the text, or the words of the person asked about, answer whatever their probability
        weighed = bool(self.judge) and not defined and not quoted
        if mode == "generative":
            cited = self._verified_or_note(candidates[:limit], notes)
            generated = (yield from self._generate(question, cited, notes, drafts)) if cited else None
            timings["generate"] = _since(clock) - sum(timings.values())  # after retrieval, evidence and judge
            if generated:
                text, used = generated
                # a generated answer draws on the best passages; an extractive one is weighed below by its first
                unsure_of = [_unsure_note(weighed_by, best, "the best passage")] if weighed and best < unsure else []
                yield _answer(text, used, base, clock, [*unsure_of, *notes])
                return
            base["mode"] = "extractive"
        ratio = self.judge.runner_up_ratio if self.judge else self.settings.retrieval.runner_up_ratio
        chosen = [defined[0]] if defined else quoted[:limit] if quoted else extractive_choice(candidates, limit, ratio)
        cited = self._verified_or_note(chosen, notes)
        if not cited:
            notes.append("the passages changed on disk since they were indexed; run `assistant ingest`")
            yield from _emit(self._refusal(query, [], base, clock, notes))
            return
        said = _verdict(query, cited) if kind.name == "yes/no" else None
        if said:  # the sentence that says yes or no is cited first
            cited = [said[1], *(c for c in cited if c is not said[1])]
        short, found = None, None
        if defined:
            found = phrase_in(*defined, self.reader)
        elif kind.phrase and self.span_reader and not quoted:  # a quote is its own answer
            listing = kind.name == "list"
            found = self.span_reader.short_answer(
                query, candidates, self.reader, whole_list=listing, antecedent=antecedent
            )
        read_otherwise = None
        if found:  # its sentence is cited first
            short, source = found
            others = [c for c in cited if (c.source, c.start) != (source.source, source.start)]
            cited = [source, *others][: len(cited)]
            read_otherwise = None if defined else other_reading(short, source)
        lead = cited[0].score  # the short answer's or the verdict's passage may be a runner-up to the best
        doubted = weighed and lead < unsure
        if doubted:
            notes.insert(
                0, _unsure_note(weighed_by, lead, "the best passage" if lead >= best else "the passage cited first")
            )
        if read_otherwise:  # the two readers disagree: the short answer is then a coin flip
            doubted = True
            notes.append(
                f'{UNSURE_NOTE}: the judge reads "{read_otherwise}" as the answer in this passage; check the quote'
            )
        cited = with_antecedents(cited, self.reader)
        text = " ".join(with_markers(tidy_sentence(c.text), [i]) for i, c in enumerate(cited, 1))
        if short:
            # "When did the drones hit Kidal?" -> "Last night [1]": the reader needs the day the article said it on
            date = written_on(short.text, cited[0].date) if asks_for(query) == "time" else ""
            head = f"{UNSURE_HEAD if doubted else ''}{short.text} [1]"
            text = head + (f" (the article is dated {date})" if date else "") + f"\n\n{text}"
            timings["short"] = _since(clock) - sum(timings.values())
        if said:
            text = f"{said[0].capitalize()} [1]\n\n{text}"
            base["verdict"] = said[0]
        yield from _emit(_answer(text, cited, base, clock, notes, short))

    def _broad(
        self,
        kind: Kind,
        question: str,
        mode: str,
        clock: float,
        sources: Sequence[str] | None,
        shown: Collection[tuple[str, int]] = (),
    ) -> Answer | None:
        """An overview of the collection or of the topic, grouped by document, without the ``shown`` sentences; None
        when nothing (more) is about it."""
        topic, renamed = self.retriever.corrected(kind.topic) if kind.topic else ("", [])
        parts = tuple(self.retriever.corrected(p)[0] for p in kind.parts)
        kind = dataclasses.replace(kind, topic=topic, parts=parts)  # said as the documents write its names
        named = self._named_document(topic, sources) if kind.document else None
        if kind.field:  # "When was the Kidal article published?": its date, or that it carries none; or its title
            return self._metadata(named, question, kind, clock)
        if kind.speakers:  # "Who is quoted?": each person quoted, with their words (a document not found: its topic)
            kind = dataclasses.replace(kind, document=bool(named))
            return self._quoted_people(kind, question, clock, [named["source"]] if named else sources, shown)
        notes = ["broad answers are extractive: the documents' own sentences"] if mode == "generative" else []
        notes += [_renamed_note(asked, searched) for asked, searched in renamed]
        if kind.timeline:
            dated = self._timeline(kind, question, topic, clock, sources, notes)
            if dated:
                return dated
            notes.append("no sentence about it gives a date, so this is an overview instead of a timeline")
        # room for what was shown before ("tell me more"), which is then left out
        budget, per_document = BROAD_BUDGET + len(shown), MAX_PER_DOCUMENT + len(shown)
        if kind.sentences:  # "in two sentences": that many (of each document, for the whole collection's overview)
            per_document = kind.sentences + len(shown)
            budget = budget if not (topic or named or kind.parts) else per_document
        top_k = 2 * self.settings.retrieval.top_k
        if named:  # "summarize the Kidal article": that document's overview
            kind = dataclasses.replace(kind, topic="")
            topic, chosen = "", collection_choice(self.retriever, budget, [named["source"]], per_document)
        elif kind.parts:  # each thing compared is searched for alone, then all are set side by side by document
            each = -(-budget // len(kind.parts))
            found = [e for p in kind.parts for e in topic_choice(self.retriever, p, top_k, each, sources, per_document)]
            chosen = list({(e.path, e.start): e for e in found}.values())
        elif topic:
            chosen = topic_choice(self.retriever, topic, top_k, budget, sources, per_document)
        else:
            topic, chosen = "", collection_choice(self.retriever, budget, sources, per_document)
        if shown:  # "tell me more": what was not shown yet
            chosen = [e for e in chosen if (e.source, e.start) not in shown][:BROAD_BUDGET]
        return self._grouped(chosen, kind, question, topic or question, clock, notes)

    def _metadata(self, document: dict[str, Any] | None, question: str, kind: Kind, clock: float) -> Answer | None:
        """The named ``document``'s title, or when it was published as the date it carries says; the documents
        don't say when it carries none (news files often don't). None when no document is named (the usual path
        answers)."""
        if document is None:
            return None
        base: dict[str, Any] = {"question": question, "query": kind.topic, "mode": "extractive", "kind": kind.name}
        base["timings_ms"] = {"total": _since(clock)}
        if kind.field == "title":
            return Answer(f'The {kind.topic} article is titled "{document["title"]}".', False, (), **base)
        if document.get("date"):
            text = f'"{document["title"]}" is dated {document["date"]}, the date the document carries.'
            return Answer(text, False, (), **base)
        text = f'{REFUSAL} "{document["title"]}" carries no date, so when it was published is not in the documents.'
        return Answer(text, True, (), **base)

    def _quoted_people(
        self,
        kind: Kind,
        question: str,
        clock: float,
        sources: Sequence[str] | None,
        shown: Collection[tuple[str, int]] = (),
    ) -> Answer | None:
        """Who the documents (or the passages about the topic) quote in their own words, each with at most two of
        their sentences, as the span reader reads each sentence's speaker; that no one is, when so. The ``shown``
        sentences are left out ("tell me more"); None when they were all there is, or without a span reader (the
        usual path answers)."""
        reader = self.span_reader or (self.judge.reader if self.judge else None)
        if reader is None:
            return None
        if kind.topic and not kind.document:
            vector = self.retriever.embed_query(kind.topic)
            chunks = [
                c for c, _ in self.retriever.retrieve(kind.topic, 2 * self.settings.retrieval.top_k, vector, sources)
            ]
            sentences = self.retriever.evidence(kind.topic, chunks, vector, max_sentences=4 * BROAD_BUDGET)
            sentences.sort(key=lambda e: (e.path, e.start))
        else:
            sentences = [e for e in self.retriever.collection_sentences()[0] if not sources or e.source in sources]

        def speakers(texts: Sequence[str]) -> list[tuple[int, int] | None]:
            return [(span.start, span.end) if span else None for span in reader.spans(WHO_SAID, texts)]

        people = [(name, verified(said, self.reader)) for name, said in quoted_people(sentences, speakers)]
        people = [(name, [e for e in said if (e.source, e.start) not in shown]) for name, said in people]
        people = [(name, said) for name, said in people if said]
        if shown and not people:
            return None
        about = f" in the {kind.topic} article" if kind.document else f" about {kind.topic}" if kind.topic else ""
        base: dict[str, Any] = {"question": question, "query": kind.topic or question, "mode": "extractive"}
        base.update(kind=kind.name, timings_ms={"overview": _since(clock)})
        if not people:
            text = f"{REFUSAL} No passage{about} quotes anyone in their own words."
            base["timings_ms"]["total"] = _since(clock)
            return Answer(text, True, (), **base)
        lines, cited = [], []
        for name, said in people:
            marked = []
            for ev in said:
                cited.append(ev)
                marked.append(with_markers(tidy_sentence(ev.text), [len(cited)]))
            lines.append(f"{name}: " + " ".join(marked))
        head = f"{QUOTED_HEAD}{about}, in their own words (as each sentence names its speaker):"
        return _answer("\n\n".join([head, *lines]), cited, base, clock)

    def _timeline(
        self, kind: Kind, question: str, topic: str, clock: float, sources: Sequence[str] | None, notes: list[str]
    ) -> Answer | None:
        """The dated sentences of the collection, or of what is about the topic, in the order of their dates; None
        when none gives a date."""
        entries = timeline_choice(self.retriever, topic, 2 * self.settings.retrieval.top_k, sources)
        checked = {(e.path, e.start): e for e in verified([d.evidence for d in entries], self.reader)}
        entries = [
            dataclasses.replace(d, evidence=checked[k])
            for d in entries
            if (k := (d.evidence.path, d.evidence.start)) in checked
        ]
        if not entries:
            return None
        base: dict[str, Any] = {"question": question, "query": topic or question, "mode": "extractive"}
        base.update(kind=kind.name, timings_ms={"overview": _since(clock)})
        dates = "the dates are those the sentences write; check each against its passage"
        return _answer(timeline_text(entries, topic), [d.evidence for d in entries], base, clock, [*notes, dates])

    def _named_document(self, topic: str, sources: Sequence[str] | None) -> dict[str, Any] | None:
        """The document a question names by its topic (its metadata: source, title, date): the one whose title holds
        all the topic's words, else the one whose passage the search for the topic ranks first, if it holds one of
        them; None when none does."""
        wanted = set(terms(topic))
        documents = [d for d in self.retriever.index.documents().values() if not sources or d["source"] in sources]
        titled = [d for d in documents if wanted and wanted <= set(terms(str(d["title"])))]
        # two titles write the name in two spellings ("Tinzaouaten", "Tinzaouatene"): the one spelt as asked
        spelt = [d for d in titled if set(words(topic.lower())) <= set(words(str(d["title"]).lower()))]
        if len(titled) == 1 or len(spelt) == 1:
            return titled[0] if len(titled) == 1 else spelt[0]
        vector = self.retriever.embed_query(topic)
        found = [c for c, _ in self.retriever.retrieve(topic, self.settings.retrieval.top_k, vector, sources)]
        first = found[0] if found else None
        if not first or not wanted & set(terms(f"{first.meta.title} {first.text}")):
            return None
        return next((d for d in documents if d["source"] == first.meta.source), None)

    def _related(
        self, kind: Kind, question: str, query: str, chosen: Sequence[Evidence], clock: float
    ) -> Answer | None:
        """For a yes/no or why question no single sentence answers: the few sentences about its topic, said to be
        that; None when nothing is about it (then the question is declined)."""
        lead = "No single passage answers this directly. What the documents say about it:"
        note = "no one sentence answers the question; these passages are about its topic, judge from them"
        return self._grouped(chosen, kind, question, query, clock, [note], lead)

    def _about(self, query: str, sources: Sequence[str] | None) -> list[Evidence]:
        """The few sentences about a question's topic (its words without the question words)."""
        topic = " ".join(w for w in content_words(query) if w.lower() not in QUESTION_WORDS)
        top_k = 2 * self.settings.retrieval.top_k
        return topic_choice(self.retriever, topic, top_k, budget=RELATED_BUDGET, sources=sources)

    def _grouped(
        self,
        chosen: Sequence[Evidence],
        kind: Kind,
        question: str,
        query: str,
        clock: float,
        notes: Sequence[str],
        lead: str = "",
    ) -> Answer | None:
        cited = verified(chosen, self.reader)
        if not cited:
            return None
        groups = grouped(cited)
        base: dict[str, Any] = {"question": question, "query": query, "mode": "extractive", "kind": kind.name}
        base["timings_ms"] = {"overview": _since(clock)}
        return _answer(broad_text(kind, groups, lead), [e for g in groups for e in g], base, clock, notes)

    def evidence(
        self, query: str, timings: dict[str, float] | None = None, sources: Sequence[str] | None = None
    ) -> list[Evidence]:
        """The sentences of the retrieved passages, best first (ranked by the judge when there is one); the
        time of each step is added to ``timings``."""
        timings = {} if timings is None else timings
        clock = time.perf_counter()
        vector = self.retriever.embed_query(query)
        chunks = [c for c, _ in self.retriever.retrieve(query, self.settings.retrieval.top_k, vector, sources)]
        timings["retrieve"] = _since(clock)
        evidence = self.retriever.evidence(query, chunks, vector)
        timings["evidence"] = _since(clock) - timings["retrieve"]
        if self.judge:
            evidence = self.judge.judged(query, evidence[: self.settings.retrieval.judged_sentences])
            timings["judge"] = _since(clock) - timings["retrieve"] - timings["evidence"]
        return evidence

    def search(self, query: str, limit: int, sources: Sequence[str] | None = None) -> list[Evidence]:
        """The best ``limit`` sentences for ``query`` whose quotes match the files: retrieval without an answer."""
        query = self.retriever.correct(clean_question(query, self.settings.max_question_chars))
        return verified(self.evidence(query, None, sources)[: limit * 2], self.reader)[:limit]

    def _description(self, query: str, evidence: Sequence[Evidence]) -> tuple[Evidence, int, int] | None:
        """For "who is X?": the first of the best sentences that describes X beside it, and where; for "where is
        X?", the first that says where X is beside it ("Tinzaouaten, situated in northern Mali")."""
        place = located_asked(query)
        name = place or described_asked(query)
        if name is None or self.span_reader is None:
            return None
        best = evidence[: self.settings.retrieval.judged_sentences]
        asked = query if place else read_as(query, name)
        found = self.span_reader.description(asked, name, [e.text for e in best], where=bool(place))
        return (best[found[0]], *found[1].range) if found else None

    def _quoted(self, question: str, antecedent: str, evidence: Sequence[Evidence]) -> list[Evidence]:
        """For "what did X say?": the best sentences that give X's words (``quotes``)."""
        asked = said_asked(direct(question), antecedent)
        if asked is None or self.span_reader is None:
            return []
        reader = self.span_reader

        def speakers(sentences: Sequence[str]) -> list[tuple[int, int] | None]:
            return [(span.start, span.end) if span else None for span in reader.spans(WHO_SAID, sentences)]

        return quoting(asked, evidence[: self.settings.retrieval.judged_sentences], speakers)

    def _verified_or_note(self, chosen: Sequence[Evidence], notes: list[str]) -> list[Evidence]:
        cited = verified(chosen, self.reader)
        if len(cited) < len(chosen) and cited:
            notes.append(
                "some passages changed on disk since they were indexed and were left out; run `assistant ingest`"
            )
        return cited

    def _generate(
        self, question: str, cited: list[Evidence], notes: list[str], drafts: bool = False
    ) -> Generator[str, None, tuple[str, list[Evidence]] | None]:
        """Stream gated sentences; return (text, citations used), or None to fall back to the extractive answer."""
        try:
            llm = self._llm() if self._llm else None  # a misconfiguration (ConfigError) is the user's to fix: raised
        except BackendUnavailable as exc:
            notes.append(f"{exc}; showing the extractive answer instead")
            return None
        if llm is None:
            notes.append("no language model is configured; showing the extractive answer instead")
            return None
        return (yield from generate(question, cited, notes, llm, self.prompts, self.settings.llm.max_tokens, drafts))

    def _refusal(
        self, query: str, evidence: list[Evidence], base: dict[str, Any], clock: float, notes: Sequence[str] = ()
    ) -> Answer:
        nearest = verified(evidence[:3], self.reader)
        searched = ", ".join(w for w in content_words(query) if w.lower() not in QUESTION_WORDS) or query
        text = f"{REFUSAL} No passage in the indexed documents answers this (searched for: {searched})."
        base["timings_ms"]["total"] = _since(clock)
        return Answer(text, True, (), nearest=tuple(citation(c) for c in nearest), notes=tuple(notes), **base)


def _renamed_note(asked: str, searched: str) -> str:
    return f'the documents write no "{asked}": searched for "{searched}", as they write the name'


def _unsure_note(weighed_by: str, probability: float, passage: str) -> str:
    return (
        f"{UNSURE_NOTE}: {weighed_by} {passage} a probability of {probability:.2f}, "
        "and about half of the answers this unsure are wrong; check the quote"
    )


def _definition(question: str, evidence: Sequence[Evidence]) -> tuple[Evidence, int, int] | None:
    """For "what does X stand for?": the first sentence that spells X out, and where."""
    acronym = acronym_asked(question)
    if acronym is None:
        return None
    for ev in evidence:
        found = spelled_out(acronym, ev.text)
        if found:
            return ev, *found
    return None


def _verdict(query: str, cited: Sequence[Evidence]) -> tuple[str, Evidence] | None:
    """Yes or no from the first cited sentence that says it plainly, with that sentence; None when none does or
    two of them say opposite things (then the quotes speak for themselves)."""
    said = [(v, c) for c in cited if (v := verdict(query, c.text, c.previous))]
    if not said or any(v != said[0][0] for v, _ in said):
        return None
    return said[0]


def last_answer(items: Iterator[str | Answer]) -> Answer:
    """The ``Answer`` that ends a stream."""
    answer = None
    for item in items:
        if isinstance(item, Answer):
            answer = item
    if answer is None:  # every path of AnswerEngine.stream ends with an Answer
        raise AssistantError("internal error: no answer was produced")
    return answer


# where one cited sentence ends and the next begins: after its markers, before the space or line break
_AFTER_MARKERS = re.compile(r"(?:(?<=\])|(?<=\][.!?]))(?=\s)")


def _answer(
    text: str,
    cited: Sequence[Evidence],
    base: dict[str, Any],
    clock: float,
    notes: Sequence[str] = (),
    short: ShortAnswer | None = None,
) -> Answer:
    base["timings_ms"]["total"] = _since(clock)
    cites = tuple(citation(c) for c in cited)
    return Answer(text, False, cites, notes=tuple(dict.fromkeys(notes)), short=short, **base)


def _emit(answer: Answer) -> Iterator[str | Answer]:
    """An extractive answer streamed as its cited sentences (each piece ends at its markers), then the answer.
    They are ready at once, so no reader waits on them; the pieces give every mode one shape of stream."""
    yield from (piece for piece in _AFTER_MARKERS.split(answer.text) if piece)
    yield answer


def _verified_judgement(
    verifier: Verifier, query: str, evidence: list[Evidence], timings: dict[str, float]
) -> list[Evidence]:
    """The chat model reads the judge's best ``verifier.read`` sentences (each costs it about a second); the one it
    weighs likeliest leads, with that probability. Every other sentence keeps the judge's ratio to the leader, so
    runner-up citations are the judge's choice as without the verifier, but never more than the verifier gave it,
    nor, unread, more than it gave any sentence it read."""
    clock = time.perf_counter()
    read = evidence[: verifier.read]
    weighed = [verifier.probability(query, e.score, e.text, e.title) for e in read]
    timings["verify"] = _since(clock)
    lead = max(range(len(read)), key=weighed.__getitem__)
    scale = weighed[lead] / read[lead].score if read[lead].score > 0 else 0.0
    caps = [*weighed, *[min(weighed)] * (len(evidence) - len(read))]
    rescored = [dataclasses.replace(e, score=min(e.score * scale, cap)) for e, cap in zip(evidence, caps, strict=True)]
    return sorted(rescored, key=lambda e: e.score, reverse=True)  # the leader first: its score is the highest


def _all_shown(topic: str) -> str:
    return f"Nothing more{f' about {topic}' if topic else ''}: every passage found about it has been shown."


def _base(question: str, kind: Kind, mode: str, timings: dict[str, float]) -> dict[str, Any]:
    """What an answer that searched nothing for its question says about itself (a greeting's reply, "nothing more")."""
    return {
        "question": question,
        "query": kind.topic or question,
        "mode": mode,
        "timings_ms": timings,
        "kind": kind.name,
    }


def _reasons(evidence: Sequence[Evidence]) -> list[Evidence]:
    """A why question's reason, or word that it is unclear, may be in its evidence though not on its topic's words:
    those that hold most of the question's words first ("turn back because…" for "why did they turn around?")."""
    giving = [e for e in evidence if gives_a_reason(e.text)]
    return sorted(giving, key=lambda e: -e.coverage)[:REASONS]


def _since(clock: float) -> float:
    return (time.perf_counter() - clock) * 1000.0
