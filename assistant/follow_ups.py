"""Follow-ups whose wording says what they ask of the conversation: more of the same ("tell me more"), the last
question about a new topic ("and in Tinzaouaten?" after a broad question), or where the last answer comes from
("which article says that?"). Only the wording is read here; the conversation (``chat.py``) acts on it."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from .kinds import KEYWORD_WORDS, Kind, asks_something, bare, question_kind

# a follow-up that names only a new topic: "and in Tinzaouaten?", "what about the CSP?", "and the convoy one?"
_NEW_TOPIC = re.compile(
    r"^(?:and|what about|how about)\s+(?:(?:in|at|on|about|for|with|of|to|near)\s+)?(?P<x>[^?.!]+?)[\s?.!]*$",
    re.IGNORECASE,
)
_ONE = re.compile(r"\s+(?:one|ones|article|story|report|piece|document|file)$", re.IGNORECASE)


# a follow-up asking for more of the same: "tell me more", "what else?", "tell me more about him"
_MORE = re.compile(
    r"^(?:(?:please|ok(?:ay)?|and|so),?\s+)?(?:tell me more|more|go on|what else|anything else|more details|say more"
    r"|(?:tell me |say )?more about (?:him|her|it|them|that|this|those|these))(?:\s+please)?[\s?.!]*$",
    re.IGNORECASE,
)


def asks_for_more(question: str) -> bool:
    """A follow-up asking for more of the same: "tell me more", "what else?", "tell me more about him"."""
    return bool(_MORE.match(" ".join(question.split())))


def follow_up_kind(question: str, previous: str, about: Sequence[str] = ()) -> Kind | None:
    """The kind of a follow-up that asks for more ("tell me more", "what else?": the previous broad question again,
    or an overview of ``about``, the things the previous question was about, each searched for alone; after a
    greeting or none, the collection's overview) or only names
    a new topic after a broad question (its kind about that topic: "What happened in Kidal?" then "And in
    Tinzaouaten?"); None for any other follow-up."""
    before = question_kind(previous) if previous else Kind("conversational")
    if asks_for_more(question):
        if before.name == "conversational":  # after "hi", or first of all: the documents' overview
            return Kind("broad")
        things = tuple(t for t in (bare(a) for a in about) if t)
        if before.name == "broad" or not things:
            return before if before.name == "broad" else None
        return Kind("broad", " and ".join(things), parts=things if len(things) > 1 else ())
    named = _NEW_TOPIC.match(" ".join(question.split()))
    if before.name != "broad" or named is None:
        return None
    topic = bare(_ONE.sub("", named.group("x")) if before.document else named.group("x"))
    if not topic or len(topic.split()) > KEYWORD_WORDS or asks_something(topic):
        return None
    return dataclasses.replace(before, topic=topic, parts=())


# a follow-up asking where the last answer comes from: "which article says that?", "source?", "are you sure?"
_SOURCE_ASKED = re.compile(
    r"^(?:(?:and|but|so|ok(?:ay)?),?\s+)?(?:(?:which|what) (?:article|document|story|report|source|file|passage|text)s?"
    r" (?:says?|said|mentions?|reports?|is (?:that|this|it) from|does (?:that|this|it) come from)"
    r"(?: (?:that|this|it|so))?"
    r"|where (?:does|did) (?:it|that|this) (?:say|come from)(?: (?:that|this|it|so))?|where is (?:that|this|it) from"
    r"|(?:what is|what's|what are) (?:the|your) sources?|sources?|citation|(?:how|where) do you know(?: (?:that|this))?"
    r"|are you sure|is (?:that|this|it) (?:true|right|correct|accurate)|says? who|according to (?:whom|who|what))"
    r"[\s?.!]*$",
    re.IGNORECASE,
)


# a follow-up asking who said what the last answer quotes: "who said that?", "who claimed so?", "whose words are these?"
_WHO_SAID = re.compile(
    r"^(?:(?:and|but|so|ok(?:ay)?),?\s+)?(?:who (?:said|says|claimed|claims|stated|states|declared|told \w+)"
    r"(?: (?:that|so|this|it))?|whose (?:words|claim|quote|statement) (?:is|are|was|were) (?:that|this|these|those)"
    r"|who (?:is|was) (?:quoted|speaking|talking)(?: there| here)?)[\s?.!]*$",
    re.IGNORECASE,
)


def asks_who_said_it(question: str) -> bool:
    """A follow-up asking whose words the last answer quotes: "Who said that?", "Who claimed so?"."""
    return bool(_WHO_SAID.match(" ".join(question.split())))


def asks_for_the_source(question: str) -> bool:
    """A follow-up asking where the last answer comes from: "Which article says that?", "Source?", "Are you sure?"."""
    return bool(_SOURCE_ASKED.match(" ".join(question.split())))
