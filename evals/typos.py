"""Held-out questions with a typing slip: one word the question shares with its paragraph, mistyped as people do
("Kidl" for "Kidal", "recieved" for "received").

SQuAD's questions were typed with care; people asking a chat box are not. A slip in a name or a rare word costs the
keyword search its best term, and a name the documents do not hold reads as "they don't say". The slips are those of
``assistant.words.typing_errors`` (a letter dropped or doubled, neighbours swapped, a neighbouring key), never in the
first letter, in a word of at least four letters; the benchmark asks each question once so mistyped.
"""

from __future__ import annotations

import random
import re

from assistant.words import STOPWORDS, typing_errors, words


def mistyped(question: str, paragraph: str, rng: random.Random) -> str | None:
    """The question with one slip in a word of four or more letters that the paragraph also holds (as written, any
    case); None when it has no such word."""
    said = {w.lower() for w in words(paragraph)}
    options = [w for w in dict.fromkeys(words(question)) if len(w) >= 4 and w.isalpha() and w.lower() in said]
    options = [w for w in options if w.lower() not in STOPWORDS]
    if not options:
        return None
    word = rng.choice(options)
    # a slip keeps the first letter (people see it) and its case; sorted, so the seed alone decides the choice
    slips = sorted(s for s in typing_errors(word[1:].lower()) if s)
    slip = word[0] + rng.choice(slips)
    slip = slip.upper() if word.isupper() else slip
    return re.sub(rf"\b{re.escape(word)}\b", slip, question, count=1)
