"""Training questions in other words: a question's words that its answer's sentence also uses, swapped for a near
synonym the sentence lacks ("What did the storm strike?" for "What did the storm hit?").

SQuAD's questions were written looking at the paragraph, so they mostly reuse its words; people asking about news
they have not read do not ("Who brought back the remains?" of "…recovered the remains…"). A reader that learned only
from SQuAD leans on those shared words and, without them, says "no answer here". Reading the same questions with
some shared words replaced teaches it to match meaning instead.

The synonyms come from the packaged all-MiniLM-L6-v2, frozen: each word of the training articles is embedded alone,
and a word's candidates are its nearest others by cosine that are not a form of it (a different stem and first four
letters). They are rough ("struck" -> "hit", "trucks" -> "vehicles", "worried" -> "concerned", but also "pulled" ->
"getting", and antonyms: "sell" -> "buying"); the ``MIN_COSINE`` floor keeps most of the noise out, numbers and
ordinals are never swapped, and the noise left is what a reader should learn to shrug off. Only training articles
are read.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from assistant.words import STOPWORDS, content_words, stem

MIN_COSINE = 0.7  # below this the nearest words are rarely synonyms ("deployed" -> "troops" 0.57, "color" -> "gray")
CANDIDATES = 3  # a swapped word is one of its word's nearest this many
MAX_SWAPPED = 2  # words swapped in one question
MAX_UNRELATED = 0.25  # a word at most this close to the one it replaces changes what is asked
_WORD = re.compile(r"[a-z]+")
# words whose near neighbours ask something else ("four" -> "three", "first" -> "second"): never swapped
FIXED = frozenset(
    "one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty hundred thousand "
    "million billion first second third fourth fifth last next".split()
)


def vocabulary(articles: Iterable[dict[str, Any]], min_count: int = 2) -> list[str]:
    """The lower-case words of the articles' paragraphs and questions used at least ``min_count`` times."""
    counts: Counter[str] = Counter()
    for article in articles:
        for paragraph in article["paragraphs"]:
            counts.update(_WORD.findall(paragraph["context"].lower()))
            for qa in paragraph["qas"]:
                counts.update(_WORD.findall(qa["question"].lower()))
    return sorted(w for w, n in counts.items() if n >= min_count and len(w) >= 3 and w not in STOPWORDS)


def neighbours(words: Sequence[str], vectors: np.ndarray) -> dict[str, list[str]]:
    """For each word, its nearest other words by cosine (unit vectors) above ``MIN_COSINE``, not forms of it."""
    table: dict[str, list[str]] = {}
    stems = [stem(w) for w in words]
    for start in range(0, len(words), 512):  # the full similarity matrix of 10,000 words would take 400 MB
        sims = vectors[start : start + 512] @ vectors.T
        for row, i in enumerate(range(start, min(start + 512, len(words)))):
            order = np.argsort(-sims[row])[: 4 * CANDIDATES + 4]
            near = [
                words[j]
                for j in order
                if sims[row, j] >= MIN_COSINE and stems[j] != stems[i] and words[j][:4] != words[i][:4]
            ]
            if near:
                table[words[i]] = near[:CANDIDATES]
    return table


def _shared(question: str, sentence: str) -> tuple[set[str], list[str]]:
    """The stems of the sentence's content words, and the question's lower-case content words (not its first word,
    not a number) that the sentence also holds as a word or a form of it: the words that may be swapped."""
    said = {stem(w.lower()) for w in content_words(sentence)}
    first = question.split()[0] if question.split() else ""
    words = dict.fromkeys(content_words(question))
    return said, [w for w in words if w.islower() and w != first and w not in FIXED and stem(w) in said]


def paraphrased(question: str, sentence: str, table: dict[str, list[str]], rng: random.Random) -> str | None:
    """The question with up to ``MAX_SWAPPED`` of its lower-case words that the sentence also holds (as a word or a
    form of it) swapped for a near synonym the sentence lacks; None when no word can be swapped."""
    said, shared = _shared(question, sentence)
    options = [w for w in shared if w in table]
    if not options:
        return None
    out = question
    for word in rng.sample(options, min(MAX_SWAPPED, len(options))):
        choices = [n for n in table[word] if stem(n) not in said]
        if choices:
            out = re.sub(rf"\b{re.escape(word)}\b", rng.choice(choices), out, count=1)
    return out if out != question else None


@dataclass
class Words:
    """A vocabulary with its unit vectors and each word's near synonyms (``neighbours``)."""

    words: list[str]
    vectors: np.ndarray
    near: dict[str, list[str]] = field(init=False)

    def __post_init__(self) -> None:
        self.near = neighbours(self.words, self.vectors)
        self._position = {w: i for i, w in enumerate(self.words)}

    def unrelated(self, word: str, rng: random.Random, tries: int = 200) -> str | None:
        """A word of the vocabulary whose cosine to ``word`` is below ``MAX_UNRELATED`` and that ends as it does
        (a rough part of speech: "paid" -> "filed", not "paid" -> "corruption")."""
        i = self._position.get(word)
        for _ in range(tries if i is not None else 0):
            j = rng.randrange(len(self.words))
            other = self.words[j]
            if other[-2:] == word[-2:] and float(self.vectors[i] @ self.vectors[j]) < MAX_UNRELATED:
                return other
        return None


def changed(question: str, sentence: str, words: Words, rng: random.Random) -> str | None:
    """The question with one of its lower-case words that the sentence also holds swapped for an unrelated word:
    it now asks what the sentence does not say ("How much did the government pay?" -> "How much did the
    government paint?"). The counterpart of ``paraphrased``: a near synonym keeps the answer, another word loses it."""
    _, options = _shared(question, sentence)
    if not options:
        return None
    word = rng.choice(options)
    other = words.unrelated(word, rng)
    return re.sub(rf"\b{re.escape(word)}\b", other, question, count=1) if other else None


def synonyms(articles: Sequence[dict[str, Any]]) -> Words:
    """The articles' words (``vocabulary``) with their near synonyms by the packaged MiniLM's cosine."""
    from assistant.backends.embeddings import MiniLMEmbedder
    from assistant.config import default_cache_dir

    words = vocabulary(articles)
    return Words(words, np.asarray(MiniLMEmbedder(default_cache_dir()).embed(words), dtype=np.float32))
