"""'What did X say?' is answered by the sentences that give X's words (``assistant.quotes``)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from assistant import Assistant
from assistant.quotes import Asked, quoted_people, quoting, said_asked, stands_as_speaker
from assistant.retrieval import Evidence


@pytest.mark.parametrize(
    ("question", "antecedent", "asked"),
    [
        ("What did El Maouloud Ramadane say?", "", Asked("El Maouloud Ramadane", "")),
        ("what did he say about the convoy?", "Alexander Ivanov", Asked("Alexander Ivanov", "the convoy")),
        ("What has the army claimed?", "", Asked("the army", "")),
        ("What did she promise?", "Annabel Goldie", Asked("Annabel Goldie", "")),  # a verb of saying
        ("What did the separatists deny?", "", None),  # what they denied is not their words
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


def _speakers(sentences: Sequence[str]) -> list[tuple[int, int] | None]:
    """Where the span reader reads who said these sentences ("Who said this?")."""
    read = {QUOTE: "Ramadane", GOES_ON: "he", OTHER: "Malian soldiers and their Ramadane allies"}
    spans = [(s.find(read[s]), s.find(read[s]) + len(read[s])) if s in read else None for s in sentences]
    return [span if span is None or span[0] >= 0 else None for span in spans]


def _full_name(sentences: Sequence[str]) -> list[tuple[int, int] | None]:
    return [
        (s.find("El Maouloud Ramadane"), s.find("El Maouloud Ramadane") + len("El Maouloud Ramadane"))
        for s in sentences
    ]


def test_the_sentences_quoting_the_person_are_chosen_with_the_quote_that_goes_on():
    evidence = [_sentence(OTHER, 0.9), _sentence(PLAIN, 0.8), _sentence(GOES_ON, 0.3, QUOTE), _sentence(QUOTE, 0.1)]
    chosen = quoting(Asked("Ramadane", ""), evidence, _speakers)
    # a phrase that only holds the name is no speaker; the best-scored first
    assert [e.text for e in chosen] == [GOES_ON, QUOTE]
    assert quoting(Asked("Ramadane", "the convoy"), evidence, _speakers) == []  # about something none of them names
    assert [e.text for e in quoting(Asked("Ramadane", "AFP"), evidence, _speakers)] == [GOES_ON, QUOTE]
    # "he" after a turn whose names were "Kidal El Maouloud Ramadane": the speaker is one of them, or has two of
    # those words ("Kidal" is no one's); a quote goes on from a sentence that writes two of them at least
    assert [e.text for e in quoting(Asked("Kidal El Maouloud Ramadane", ""), evidence, _speakers)] == [QUOTE]
    named = [_sentence(QUOTE.replace("Ramadane", "El Maouloud Ramadane"), 0.1)]
    assert quoting(Asked("Kidal El Maouloud Ramadane", ""), named, _full_name) == named


@pytest.mark.parametrize(
    ("sentence", "speaker", "stands"),
    [
        ("The separatists said that the vehicles were buses.", "The separatists", True),
        (
            '"We lost," El Maouloud Ramadane, spokesman for the coalition (CSP-DPA), told AFP.',
            "El Maouloud Ramadane",
            True,
        ),
        ("COSI's head, Alexander Ivanov, was quoted as saying by Tass.", "Alexander Ivanov", True),
        (
            "Civilians were killed, according to elected representatives and the separatists.",
            "elected representatives and the separatists",
            True,
        ),
        ("The convoy stopped in the city of Kidal, a military and regional government source said.", "Kidal", False),
        (
            "Malian soldiers and their Wagner allies set off north, sources said.",
            "Malian soldiers and their Wagner allies",
            False,
        ),
    ],
)
def test_a_speaker_stands_where_the_sentence_says_whose_words_it_gives(sentence: str, speaker: str, stands: bool):
    start = sentence.index(speaker)
    assert stands_as_speaker(sentence, start, start + len(speaker)) is stands


def test_a_follow_up_asking_what_he_said_is_answered_by_his_quotes(real: Assistant):
    chat = real.chat()
    chat.ask("Who is El Maouloud Ramadane?")
    said = chat.ask("And what did he say?")
    assert not said.refused, said.text
    quotes = [c.quote for c in said.citations]
    assert "retake Tinzaouatene" in quotes[0] and any("give up and turn back" in q for q in quotes), said.text
    # no one in the documents speaks for Algeria: still declined
    assert real.ask("What did Algeria say about the fighting at Tinzaouatene?").refused
    # "Who said so?" names no one the sentence does not give as its speaker ("Kidal" in "…in the city of Kidal, a
    # military and regional government source said")
    chat = real.chat()
    chat.ask("Where did the convoy stop?")
    who = chat.ask("Who said so?")
    assert who.short is None and "government source said" in who.text, who.text


def _placed(text: str, start: int, source: str = "a.txt") -> Evidence:
    return Evidence(text, source, "A", "", source, start, start + len(text), 0.5, 0.5, 0.5, ())


def test_who_is_quoted_lists_each_speaker_with_their_words_in_order():
    first, goes_on = _placed(QUOTE, 0), _placed(GOES_ON, len(QUOTE) + 1)
    elsewhere = _placed(GOES_ON, 500)  # "he said" far from the quote before it: whose words is not known
    people = quoted_people([_placed(PLAIN, 900), first, goes_on, _placed(OTHER, 200), elsewhere], _speakers)
    # the plain sentence and the one without a quotation mark give nobody's words
    assert people == [("Ramadane", [first, goes_on])]


def test_who_is_quoted_is_answered_by_the_people_the_documents_quote(real: Assistant):
    answer = real.ask("Who are the main people quoted?")  # it got the collection's overview
    assert answer.kind == "broad" and not answer.refused, answer.text
    for name in ("Alexander Ivanov", "El Maouloud Ramadane", "Prime Minister Choguel Kokalla Maiga"):
        assert f"\n\n{name}: " in answer.text  # a paragraph each, the name first
    kidal = real.ask("Who is quoted in the Kidal article?")  # it quotes no one in their own words
    assert kidal.refused and "in the Kidal article" in kidal.text, kidal.text
    chat = real.chat()  # after an answer, "who is quoted?" asks whose words that answer gives
    chat.ask("Who heads COSI?")
    assert "The last answer comes from" in chat.ask("Who is quoted?").text
    chat = real.chat()  # "tell me more" repeats no one's words
    first = chat.ask("Who is quoted?")
    more = chat.ask("tell me more")
    assert not {c.quote for c in more.citations} & {c.quote for c in first.citations}, more.text
