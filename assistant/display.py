"""Display repairs for sentences shown in an answer; citation quotes are never touched (they stay byte-exact).

News text glues things together: a subheading before a sentence ("- 'Had to give up' -"), a quotation closed in
one sentence and opened in the next ("... told AFP." / "But this time ..."), a stray mark at either end.
"""

from __future__ import annotations

import re

# a subheading set between dashes, glued in front of a sentence: - 'Had to give up' -
_SUBHEADING = re.compile(r"^\s*-\s*[\"'][^\"']{1,80}[\"']\s*-\s*")
_LEADING_JUNK = re.compile(r"^[\s\-\u2013\u2014*\u2022]+")


def tidy_sentence(sentence: str) -> str:
    """The sentence as a reader should see it: no glued subheading, balanced double quotes."""
    text = _SUBHEADING.sub("", sentence)
    text = _LEADING_JUNK.sub("", text) or sentence
    if text.count('"') % 2:  # one mark too many or too few
        first = text.index('"')
        closes_first = _closes(text, first)  # the first mark closes a quotation
        if text.endswith('"') and (first == len(text) - 1 or not closes_first):
            text = text[:-1]  # the last mark opens the next sentence's quotation (glued on: 'AFP."But')
        elif closes_first:  # a quotation opened in the sentence before: open it here too
            text = f'"{text}'
        else:  # a quotation that goes on in the next sentence: close it here
            text = f'{text}"'
    elif text.count('"') and text.endswith('"') and text[-2:-1] in ".!?" and _closes(text, text.index('"')):
        # a quotation opened in the sentence before and closed here, and the next one's opening mark glued on
        # ('…venture," he said."They know…'): the one mark moved to the front
        text = f'"{text[:-1]}'
    return text.strip()


def _closes(text: str, at: int) -> bool:
    """Whether the quotation mark at ``at`` closes a quotation (it follows a word or a comma, not a space)."""
    return at > 0 and not text[at - 1].isspace()


# a sentence end glued to the next sentence ("said.But", 'AFP."But'): a space between them, for display only
_GLUED = re.compile(r"(?<=[a-z0-9%)][.!?])(?=[A-Z])|(?<=[A-Za-z0-9%)][.!?][\"\u201d\u2019])(?=[A-Z\"\u201c])")


def spaced(text: str) -> str:
    """Text as a reader should see it on a card: glued sentences set apart (never used for a quote's offsets)."""
    return _GLUED.sub(" ", text)
