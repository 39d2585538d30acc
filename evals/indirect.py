"""Held-out questions asked indirectly, as people type them into a chat box: "Can you tell me who designed the
trophy?", "Do we know how many people live in Warsaw?"; or opened as a chat's next message is, "And who designed
the trophy?".

SQuAD's questions are direct. Asked inside "can you…" or "do we know…", a question reads as one of yes or no, and
its frame's words ("articles", "say", "known") would be searched. Only questions whose words keep their order
inside the frame are asked so: those that open with a question word and have no auxiliary among their next five
words ("Who designed…", "Which team won…", "How many people live…"; not "When did Tesla go…", which would read
"when Tesla went"). Any question can be opened with "and", "but" or "so".
"""

from __future__ import annotations

import random

from assistant.words import QUESTION_WORDS

FRAMES = (
    "Can you tell me",
    "Could you tell me",
    "Do you know",
    "Do we know",
    "I'd like to know",
    "Do the articles say",
)
OPENINGS = ("And", "But", "So", "Ok, and", "And then")
_AUXILIARIES = frozenset("is are was were did does do has have had can could will would should may might".split())


def indirect(question: str, rng: random.Random) -> str | None:
    """``question`` inside one of ``FRAMES`` (``rng`` picks it), or None when its words would change order there."""
    said = question.strip().split()
    if not said or said[0].lower() not in QUESTION_WORDS:
        return None
    if any(w.lower().strip("?,") in _AUXILIARIES for w in said[1:6]):
        return None
    return f"{rng.choice(FRAMES)} {said[0].lower()} {' '.join(said[1:])}"


def opened(question: str, rng: random.Random) -> str:
    """``question`` after one of ``OPENINGS`` (``rng`` picks it): "And who designed the trophy?"."""
    said = question.strip()
    return f"{rng.choice(OPENINGS)} {said[:1].lower()}{said[1:]}"
