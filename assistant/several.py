"""A message that asks several questions one after another ("Who heads COSI? And when did the convoy leave?"):
each is answered in turn, as a conversation would ask them, and the answers are shown together.

Searched as one query, such a message is answered for the question its words best match and the other is lost
without a word. Asked one by one through a conversation, a later question may also point back to an earlier one
("Who heads COSI? What did he say?"). The whole answer numbers its citations across the parts: the second part's
first new quote is [n + 1] after n quotes of the first, and a quote both cite keeps its first number.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence

from .ellipsis import fragment
from .kinds import SEVERAL, asks_something
from .types import Answer, Citation
from .words import content_words

MAX_PARTS = 8  # more questions than this in one message: the first ones are answered, and the answer says so
# where one question ends and the next begins: a question mark, then a word (not a quote going on: 'did he say
# "why not?" to them')
_END = re.compile(r"(?<=\?)\s+(?=[^\W\d_])")
# two questions joined by "and" in one sentence: "Who heads COSI and where does it train forces?" (a question word
# and its verb after "and": not "the difference between X and what Y said")
_AND_ASKS = re.compile(
    r"\s*,?\s+and\s+(?=(?:who|what|when|where|which|why|how)\s+(?:is|are|was|were|do|does|did|has|have|had|can|"
    r"could|will|would|many|much|long|far|old)\b)",
    re.IGNORECASE,
)
_WH = re.compile(r"(?:who|what|when|where|which|why|how)$", re.IGNORECASE)
# words that only join the next question on ("And when…", "Also, who…")
_JOINED = re.compile(r"^(?:(?:and|also|plus|then|oh|ok(?:ay)?|so)\b[\s,]*)+", re.IGNORECASE)
_MARKER = re.compile(r"\[(\d+)\]")


def questions_in(message: str) -> list[str]:
    """The questions ``message`` asks one after another, as typed ("And when did the convoy leave?");
    ``[message]`` when it asks one, or when a part of it asks nothing ("I'm writing about Mali. Who heads COSI?"
    asks one; "Who heads COSI? Thanks!" too)."""
    pieces = [p.strip() for s in _END.split(message.strip()) for p in _joined_questions(s) if p.strip()]
    if len(pieces) < 2:
        return [message]
    for piece in pieces:
        bare = _JOINED.sub("", piece)
        if not asks_something(bare) or not (content_words(bare) or fragment(piece)):  # "And why?" asks
            return [message]
    return list(dict.fromkeys(pieces))


def _joined_questions(sentence: str) -> list[str]:
    """A sentence asking two questions joined by "and", split ("Who heads COSI", "where does it train forces?"),
    when the first is a whole question of its own: not "Where and when did it begin?", nor "between 5 and how
    many minutes?"."""
    pieces = _AND_ASKS.split(sentence)
    first = pieces[0].split()
    if len(pieces) < 2 or len(first) < 3 or not _WH.match(first[0]):
        return [sentence]
    return [f"{pieces[0].rstrip(' ,;')}?", *pieces[1:]]


def numbering(parts: Sequence[Answer]) -> tuple[list[Citation], list[dict[int, int]]]:
    """The whole answer's citations (a passage two parts cite is listed once), and for each part how its markers
    are numbered in them: {1: 1, 2: 3} when its second quote is the whole answer's third."""
    cited: dict[tuple[str, int, int], Citation] = {}  # by where the passage is: each part scores it its own way
    numbers = []
    for part in parts:
        mapping = {}
        for n, citation in enumerate(part.citations, 1):
            place = (citation.source, citation.start, citation.end)
            cited.setdefault(place, citation)
            mapping[n] = list(cited).index(place) + 1
        numbers.append(mapping)
    return list(cited.values()), numbers


def renumbered(text: str, numbers: dict[int, int]) -> str:
    """``text`` with its citation markers as ``numbering`` numbers them in the whole answer."""
    return _MARKER.sub(lambda m: f"[{numbers.get(int(m.group(1)), int(m.group(1)))}]", text)


def combined(message: str, parts: Sequence[Answer], left: int = 0) -> Answer:
    """One answer made of the answers to each question of ``message``, in order, each under its question; its
    citations are all the parts' own, numbered on (``numbering``). ``left``: the questions beyond ``MAX_PARTS``,
    not answered."""
    cited, numbers = numbering(parts)
    blocks = [
        f"{n}. {part.question}\n{renumbered(part.text, mapping)}"
        for n, (part, mapping) in enumerate(zip(parts, numbers, strict=True), 1)
    ]
    notes = [f"the message asks {len(parts) + left} questions; the first {len(parts)} were answered"] if left else []
    notes += [f"question {n}: {note}" for n, p in enumerate(parts, 1) for note in p.notes]
    refused = all(p.refused for p in parts)
    timings: dict[str, float] = {}
    for part in parts:
        for step, ms in part.timings_ms.items():
            timings[step] = timings.get(step, 0.0) + ms
    return Answer(
        "\n\n".join(blocks),
        refused,
        tuple(cited),
        timings,
        message,
        message,
        parts[0].mode,
        tuple(dict.fromkeys(notes)),
        tuple(c for p in parts for c in p.nearest) if refused else (),
        next((p.judge for p in parts if p.judge), ""),
        SEVERAL,
        parts=tuple(parts),
    )


def answer_each(
    message: str, questions: Sequence[str], ask: Callable[[str], Iterable[str | Answer]]
) -> Iterator[str | Answer]:
    """Each question answered by ``ask`` in turn, under it, then the whole ``combined`` answer. The first answer is
    streamed as it comes; a later one once it is whole, when its markers can be numbered in the whole answer."""
    answers: list[Answer] = []
    for n, question in enumerate(questions[:MAX_PARTS], 1):
        gap = "\n\n" if n > 1 else ""
        yield f"{gap}{n}. {question}\n"
        for item in ask(question):
            if isinstance(item, Answer):
                answers.append(item)
                if n > 1:
                    yield renumbered(item.text, numbering(answers)[1][-1])
            elif n == 1:
                yield item
    yield combined(message, answers, max(0, len(questions) - MAX_PARTS))
