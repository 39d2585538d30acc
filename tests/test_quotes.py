"""'What did X say?' is answered by the sentences that give X's words (``assistant.quotes``)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from assistant import Assistant
from assistant.quotes import Asked, quoting, said_asked
from assistant.retrieval import Evidence


@pytest.mark.parametrize(
    ("question", "antecedent", "asked"),
    [
        ("What did El Maouloud Ramadane say?", "", Asked("El Maouloud Ramadane", "")),
        ("what did he say about the convoy?", "Alexander Ivanov", Asked("Alexander Ivanov", "the convoy")),
        ("What has the army claimed?", "", Asked("the army", "")),
        ("What did he say?", "", None),  # a pronoun that stands for nothing yet
        ("What did the army say it destroyed?", "", None),  # asks for a thing, not for the words
        ("Who said the convoy turned back?", "", None),
    ],
)
def test_a_question_asking_for_someone_s_words_is_recognised(question: str, antecedent: str, asked: Asked | None):
    assert said_asked(question, antecedent) == asked


def _sentence(text: str, score: float, previous: str = "") -> Evidence:
    return Evidence(text, "a.txt", "A", "", "a.txt", 0, len(text), score, 0.5, 0.5, (), previous=previous)


QUOTE = '"They had to turn back," Ramadane, spokesman for the coalition, told AFP.'
GOES_ON = '"They know what awaits them," he said.'
OTHER = "Malian soldiers and their Ramadane allies set off north, sources said."
PLAIN = "The convoy stopped in Kidal."


def _speakers(sentences: Sequence[str]) -> list[str | None]:
    """What the span reader reads for "Who said this?" in these sentences."""
    read = {QUOTE: "Ramadane", GOES_ON: "he", OTHER: "Malian soldiers and their Ramadane allies"}
    return [read.get(s) for s in sentences]


def test_the_sentences_quoting_the_person_are_chosen_with_the_quote_that_goes_on():
    evidence = [_sentence(OTHER, 0.9), _sentence(PLAIN, 0.8), _sentence(GOES_ON, 0.3, QUOTE), _sentence(QUOTE, 0.1)]
    chosen = quoting(Asked("Ramadane", ""), evidence, _speakers)
    # a phrase that only holds the name is no speaker; the best-scored first
    assert [e.text for e in chosen] == [GOES_ON, QUOTE]
    assert quoting(Asked("Ramadane", "the convoy"), evidence, _speakers) == []  # about something none of them names
    assert [e.text for e in quoting(Asked("Ramadane", "AFP"), evidence, _speakers)] == [GOES_ON, QUOTE]


def test_a_follow_up_asking_what_he_said_is_answered_by_his_quotes(real: Assistant):
    chat = real.chat()
    chat.ask("Who is El Maouloud Ramadane?")
    said = chat.ask("And what did he say?")
    assert not said.refused, said.text
    quotes = [c.quote for c in said.citations]
    assert "retake Tinzaouatene" in quotes[0] and any("give up and turn back" in q for q in quotes), said.text
    # no one in the documents speaks for Algeria: still declined
    assert real.ask("What did Algeria say about the fighting at Tinzaouatene?").refused
