"""A conversation: each follow-up is rewritten into a standalone query from the history, then answered.

The terminal chat, the web chat and the Python API share this one path, so a follow-up is answered the same
way everywhere.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterator, Sequence

from .answer import REFUSAL
from .attribution import nothing_said, points_back, restated, said_by
from .backends.finetuned import english_words
from .backends.llms import LLM
from .descriptions import located_asked
from .ellipsis import completed, fragment
from .engine import AnswerEngine, last_answer
from .errors import AssistantError
from .follow_ups import asks_for_more, asks_who_said_it, follow_up_kind
from .kinds import Kind, question_kind
from .prompts import Prompts
from .several import answer_each, questions_in
from .text import clean_question
from .types import Answer, Turn
from .words import AUXILIARIES, content_words, named_things, names, terms

_PRONOUN = re.compile(r"\b(he|she|it|they|them|his|her|hers|its|their|this|that|these|those|there|then|him)\b", re.I)
# "there", "that" and "it" that point at nothing: a "there" that only says something exists ("Were there
# casualties?", "there has been"), a "that" opening a clause after a noun its article opened ("the group that
# succeeded Wagner") or before an article, a pronoun or a name ("Did Tass confirm that the remains…"), and the "it"
# that stands in for a clause after it ("Is it true that the convoy turned back?")
_BE = rf"(?:{'|'.join(sorted(AUXILIARIES))}|being|seems?|appears?)"
_NOT_POINTING = re.compile(
    rf"\b(?P<a>there)\s+{_BE}\b|\b{_BE}\s+(?P<b>there)\s+(?=[^\W_])"
    r"|\b(?:the|a|an|its|their|his|her|whose)\s+(?:[^\W_][\w'\u2019-]*\s+){1,3}(?P<c>that)\b"
    r"|\b(?P<d>that)\s+(?=(?:the|a|an|he|she|they|it|we)\b|(?-i:[A-Z]))"
    r"|\b(?P<e>it)\s+(?:is|was|'s|\u2019s)?\s*(?:\w+\s+)?(?:true|possible|clear|unclear|known|unknown|likely|unlikely|"
    r"certain|confirmed|correct|reported|said)\s+(?=(?P<f>that)\b|whether\b|if\b)",
    re.IGNORECASE,
)
_AFTER_FUNCTION_WORD = re.compile(rf"(?:^|\b(?:{_BE}|in|of|at|on|about|from|to|with|by|for))\s*$", re.I)
_LEAD = re.compile(r"^(and|what about|how about)\b", re.I)
MAX_CARRIED_ANSWER_WORDS = 6  # a short answer longer than this is a clause, not what a pronoun stands for
MAX_REWRITE_CHARS = 300
MAX_ELLIPTICAL_TERMS = 2  # a question with no more content words than this, and no name, is too short to stand alone


Rewrite = Callable[[str, list[Turn]], str]  # (follow-up, history) -> standalone query


class ChatSession:
    """Follow-ups resolved from the history by ``rewrite`` (default: ``rewrite_by_rules``).

    ``engine`` gives the engine to answer with at each question, so a long conversation sees documents that
    were added while it went on.
    """

    def __init__(self, engine: Callable[[], AnswerEngine], rewrite: Rewrite | None = None) -> None:
        self._engine = engine
        self._rewrite = rewrite or rewrite_by_rules
        self.history: list[Turn] = []

    def ask(
        self,
        question: str,
        *,
        mode: str | None = None,
        max_citations: int | None = None,
        sources: Sequence[str] | None = None,
    ) -> Answer:
        return last_answer(self.stream(question, mode=mode, max_citations=max_citations, sources=sources))

    def stream(
        self,
        question: str,
        *,
        mode: str | None = None,
        max_citations: int | None = None,
        drafts: bool = False,
        sources: Sequence[str] | None = None,
        alone: bool = False,
    ) -> Iterator[str | Answer]:
        """As ``AnswerEngine.stream``, the follow-up searched as rewritten from this conversation (with ``alone``,
        searched as it is, but kept in the conversation). A message asking several questions is answered as that
        many turns, shown as one answer (``several.py``); a later one of them follows the earlier ones only when it
        points back ("Who heads COSI? What did he say?"), since one that names its own subject was written to stand
        alone ("…? And when did the convoy leave?")."""
        questions = questions_in(question)
        if len(questions) > 1:
            clean_question(question, self._engine().settings.max_question_chars)  # too long a message is refused whole
            first = questions[0]
            yield from answer_each(
                question,
                questions,
                lambda q: self.stream(
                    q,
                    mode=mode,
                    max_citations=max_citations,
                    drafts=drafts,
                    sources=sources,
                    alone=q != first and not _points_back(q),
                ),
            )
            return
        last = self.history[-1].answer if self.history else None
        if points_back(question, answered=last is not None):
            # "which article says that?": the last answer's passages again; "who said that?": whose words they are;
            # first of all, there is no "that" yet
            answer = nothing_said(question)
            if last:  # the engine is opened only when there is an answer to read back
                engine = self._engine()
                answer = restated(engine, question, last)
                answer = said_by(engine, answer) if asks_who_said_it(question) else answer
            self.history.append(Turn(question, answer))
            yield answer.text
            yield answer
            return
        kind, shown = (None, set()) if alone else self._follow_up(question)
        whole = None if kind or alone else self._completed(question)
        query = question if alone else whole or self._rewrite(question, self.history)
        asked = [] if alone else _asked(self.history)
        antecedent = _antecedent(question, asked[-1]) if asked else ""
        if kind:  # "and in Tinzaouaten?" after "What happened in Kidal?": that question about Tinzaouaten
            query = kind.topic or query
        elif whole:  # "and hurt?" after "How many were killed?" asks what "How many were hurt?" asks
            kind = question_kind(whole)
        ask = functools.partial(
            self._engine().stream,
            question,
            mode=mode,
            max_citations=max_citations,
            drafts=drafts,
            sources=sources,
            shown=shown,
        )
        items = ask(query, kind=kind, antecedent=antecedent)
        if query != question and not (kind or whole):
            # "When did the convoy leave?" after "Who heads COSI?": searched with the last question's words first, as
            # a short question most often needs them; when the documents answer nothing so, the conversation may
            # have moved on, and the question is asked as typed. Without a pronoun it does not point back for sure
            # (``--short`` in evals.benchmarks). With one, what it stands for may have been read wrong (the last
            # short answer, the names of the last quote): it is searched once more with the last question's own
            # words ("how long ago did it leave?" after "What was the army convoy made up of?")
            refused, items = _refusal_read(items)
            # "where?" alone has nothing to search for: the refusal of what it was read as stands
            if refused and not pronoun_in(question) and content_words(question):
                items = ask(None, kind=None, antecedent="")
            elif refused:
                again = rewrite_by_rules(question, self.history, by_topic=True)
                items = items if again == query else ask(again, kind=kind, antecedent=antecedent)
        for item in items:
            if isinstance(item, Answer):
                self.history.append(Turn(question, item))
            yield item

    def _follow_up(self, question: str) -> tuple[Kind | None, set[tuple[str, int]]]:
        """A follow-up's kind when the conversation decides it, and the passages (source, start) it must not show
        again: "tell me more" follows the last turn, a greeting included, and leaves out all that was shown; "and in
        Tinzaouaten?" follows the last question that asked about something."""
        if asks_for_more(question):
            last = self.history[-1] if self.history else None
            kind = follow_up_kind(question, last.question if last else "", _about(last) if last else [])
            seen = {(c.source, c.start) for t in self.history for c in t.answer.citations}
            return kind, seen if kind else set()
        asked = _asked(self.history)
        return (follow_up_kind(question, asked[-1].question) if asked else None), set()

    def rewrite(self, question: str) -> str:
        """The standalone query this follow-up is searched as (a fragment completed into the last question, else
        as ``rewrite`` makes it)."""
        return self._completed(question) or self._rewrite(question, self.history)

    def _completed(self, question: str) -> str | None:
        """A fragment follow-up ("and hurt?") said as the last question it completes, or None."""
        asked = _asked(self.history)
        if not asked or fragment(question) is None:
            return None
        previous = asked[-1].answer.query or asked[-1].question
        return completed(question, previous, self._engine().retriever.embed)

    def reset(self) -> None:
        self.history.clear()


class ModelRewrite:
    """Follow-ups rewritten by the language model; its question is used only when it keeps the follow-up's own
    words and is short, else (and when the model is unavailable) the rules' rewrite is."""

    def __init__(self, prompts: Prompts, llm: Callable[[], LLM]) -> None:
        self._prompts = prompts
        self._llm = llm

    def __call__(self, question: str, history: list[Turn]) -> str:
        by_rules = rewrite_by_rules(question, history)
        if by_rules == question:
            return question
        context = "\n".join(f"Q: {t.question}\nA: {t.answer.text[:300]}" for t in history[-2:])
        messages = [{"role": "user", "content": self._prompts.render("rewrite", history=context, question=question)}]
        try:
            reply = "".join(self._llm().stream(messages, 60)).strip().splitlines()
        except AssistantError:
            return by_rules
        candidate = reply[0].strip().strip('"') if reply else ""
        keeps_own_words = set(terms(question)) <= set(terms(candidate))
        return candidate if candidate and len(candidate) <= MAX_REWRITE_CHARS and keeps_own_words else by_rules


def _refusal_read(items: Iterator[str | Answer]) -> tuple[bool, Iterator[str | Answer]]:
    """Whether the answer ``items`` stream is a refusal, and the items to stream on: read to the end only when the
    first piece opens as a refusal does, so an answer being generated still streams."""
    first = next(items, None)
    if first is None:
        return False, iter(())
    if isinstance(first, str) and not first.startswith(REFUSAL):
        return False, itertools.chain([first], items)
    read = [first, *items]
    return isinstance(read[-1], Answer) and read[-1].refused, iter(read)


def _asked(history: Sequence[Turn]) -> list[Turn]:
    """The turns that asked about something ("???" and "hi" did not, nor "which article says that?", which asked
    about the turn before; "who said that?" did, when it named someone): the ones a follow-up points back to."""
    return [
        t
        for t in history
        if (t.answer.kind != "conversational" or t.answer.short) and content_words(t.answer.query or t.question)
    ]


def pronoun_in(question: str) -> str | None:
    """The first word of the question that stands for something said before ("he", "it", "there" in "what
    happened there?"), or None: a "there" saying that something exists, a "that" opening a clause and an "it"
    standing for one are not."""
    # a clause's "that" before its subject follows the verb that takes it ("confirm that the…"); after "was" or a
    # preposition it is the pronoun ("Was that Mali's decision?", "In that year…")
    skipped = {
        m.start(g)
        for m in _NOT_POINTING.finditer(question)
        for g in "abcdef"
        if m.group(g) and not (g == "d" and _AFTER_FUNCTION_WORD.search(question, 0, m.start(g)))
    }
    return next((m.group(1) for m in _PRONOUN.finditer(question) if m.start() not in skipped), None)


def _points_back(question: str) -> bool:
    """Whether a question needs the conversation to be understood: a pronoun ("What did he say?") or a fragment
    ("and why?")."""
    return bool(pronoun_in(question)) or fragment(question) is not None


def _antecedent(question: str, turn: Turn) -> str:
    """What a follow-up's pronoun stands for: the last short answer ("that" after "Kidal"), else the names the last
    question asked about ("him" after "What did he say? (Alexander Ivanov)"); "" without a pronoun."""
    if not pronoun_in(question):
        return ""
    short = _pointed_at(turn)
    if short:
        return short
    return " ".join(names(turn.answer.query or turn.question))


def _pointed_at(turn: Turn) -> str:
    """The turn's short answer when a pronoun of the next question may stand for it ("that" after "Kidal"), else "":
    no clause, and not the place of what "Where is X?" asked about ("what happened there?" after "Where is
    Tinzaouaten?" -> "northern Mali" asks about Tinzaouaten)."""
    short = turn.answer.short.text if turn.answer.short else ""
    if len(short.split()) > MAX_CARRIED_ANSWER_WORDS or located_asked(turn.answer.query or turn.question):
        return ""
    return short


def _about(turn: Turn) -> list[str]:
    """What a turn asked about, for "tell me more": the names it asked about and its short answer ("Who heads COSI?"
    -> COSI, Alexander Ivanov), else its content words."""
    asked = turn.answer.query or turn.question
    short = turn.answer.short.text if turn.answer.short else ""
    carried = [short] if short and len(short.split()) <= MAX_CARRIED_ANSWER_WORDS else []
    quoted = " ".join(c.quote for c in turn.answer.citations)
    named = [n for n in named_things(asked, quoted) if not any(n != c and n in c for c in carried)]
    return list(dict.fromkeys(named + carried)) or [" ".join(content_words(asked))]


def rewrite_by_rules(question: str, history: list[Turn], by_topic: bool = False) -> str:
    """Carry the previous turn's names, for an elliptical follow-up its topic, and for one with a pronoun what the
    pronoun most often stands for (the previous short answer, else the names in its first quote) into the query.
    ``by_topic``: the previous question's own words and names, as for an elliptical follow-up, whatever it is."""
    # the last turn that asked about something ("???" asked about nothing, and follows up nothing: the engine says so)
    asked = _asked(history)
    if not asked or not re.search(r"[^\W_]", question):
        return question
    previous = asked[-1].answer.query or asked[-1].question
    own = set(terms(question))
    # "Why?", "How many in total?": too few words to search alone. A short question that names its own subject
    # ("What is the population of Kidal?") stands alone, unless it points back ("And Kidal?").
    elliptical = by_topic or (len(own) <= MAX_ELLIPTICAL_TERMS and not names(question))
    pronoun = None if by_topic else pronoun_in(question)
    if not (elliptical or pronoun or _LEAD.search(question)):
        return question
    # an elliptical follow-up takes the last question's own words and the names it was searched with, not all the
    # words that question carried in turn: a third turn would be searched with everything said before it
    candidates = [*content_words(previous, carried=False), *names(previous)] if elliptical else names(previous)
    answer = asked[-1].answer
    pointed_at = _pointed_at(asked[-1])
    placed = located_asked(previous) if answer.short else None
    if pronoun and placed:  # after "Where is X?", "there" is X (as the names carry it, or in full), not where X is
        candidates += [] if set(terms(placed)) <= {t for c in candidates for t in terms(c)} else [placed]
    elif pronoun and pointed_at:
        candidates += content_words(pointed_at)  # "How far is that from ...?" after "Kidal": "that" is Kidal
    elif pronoun and answer.citations:  # no phrase answered: "it" is what the first quote tells of
        # a common word opening a quotation in it ("-“Given the size…") is no name
        candidates += names(answer.citations[0].quote, english_words())[:MAX_CARRIED_ANSWER_WORDS]
    carried = [w for w in dict.fromkeys(candidates) if not set(terms(w)) <= own]
    return f"{question.rstrip()} ({' '.join(carried)})" if carried else question
