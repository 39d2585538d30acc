"""A conversation: each follow-up is rewritten into a standalone query from the history, then answered.

The terminal chat, the web chat and the Python API share this one path, so a follow-up is answered the same
way everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from .backends.llms import LLM
from .engine import AnswerEngine, last_answer
from .errors import AssistantError
from .prompts import Prompts
from .types import Answer, Turn
from .words import content_words, terms

_ANAPHORA = re.compile(
    r"\b(he|she|it|they|them|his|her|hers|its|their|this|that|these|those|there|then|him)\b"
    r"|^(and|what about|how about)\b",
    re.I,
)
MAX_REWRITE_CHARS = 300


class ChatSession:
    """Follow-ups resolved from the history: by the rules below, or by the model when ``rewrite`` is "model".

    ``engine`` gives the engine to answer with at each question, so a long conversation sees documents that
    were added while it went on.
    """

    def __init__(
        self,
        engine: Callable[[], AnswerEngine],
        *,
        rewrite: str = "rules",
        prompts: Prompts | None = None,
        llm: Callable[[], LLM] | None = None,
    ) -> None:
        self._engine = engine
        self._rewrite = rewrite
        self._prompts = prompts
        self._llm = llm
        self.history: list[Turn] = []

    def ask(self, question: str, *, mode: str | None = None, max_citations: int | None = None) -> Answer:
        return last_answer(self.stream(question, mode=mode, max_citations=max_citations))

    def stream(
        self, question: str, *, mode: str | None = None, max_citations: int | None = None
    ) -> Iterator[str | Answer]:
        query = self.rewrite(question)
        for item in self._engine().stream(question, query, mode=mode, max_citations=max_citations):
            if isinstance(item, Answer):
                self.history.append(Turn(question, item))
            yield item

    def reset(self) -> None:
        self.history.clear()

    def rewrite(self, question: str) -> str:
        """A standalone query for a follow-up: by the model when configured and its question keeps the
        follow-up's own words, else by carrying the previous turn's names and topic."""
        by_rules = rewrite_by_rules(question, self.history)
        if by_rules == question or self._rewrite != "model" or self._prompts is None or self._llm is None:
            return by_rules
        history = "\n".join(f"Q: {t.question}\nA: {t.answer.text[:300]}" for t in self.history[-2:])
        messages = [{"role": "user", "content": self._prompts.render("rewrite", history=history, question=question)}]
        try:
            reply = "".join(self._llm().stream(messages, 60)).strip().splitlines()
        except AssistantError:
            return by_rules
        candidate = reply[0].strip().strip('"') if reply else ""
        keeps_own_words = set(terms(question)) <= set(terms(candidate))
        return candidate if candidate and len(candidate) <= MAX_REWRITE_CHARS and keeps_own_words else by_rules


def rewrite_by_rules(question: str, history: list[Turn]) -> str:
    """Carry the previous turn's names, and for an elliptical follow-up its topic, into the query."""
    if not history:
        return question
    previous = history[-1].answer.query or history[-1].question
    own = set(terms(question))
    elliptical = len(own) <= 2
    if not (elliptical or _ANAPHORA.search(question)):
        return question
    words = content_words(previous)
    carried = [
        w for i, w in enumerate(words) if (elliptical or (w[0].isupper() and i > 0)) and not set(terms(w)) <= own
    ]
    return f"{question.rstrip()} ({' '.join(carried)})" if carried else question
