"""Acronyms spelled out where a text defines them (fast, text only)."""

from __future__ import annotations

import pytest

from assistant.acronyms import acronym_asked, definitions, names_the_asked, spelled_out, with_acronyms


@pytest.mark.parametrize(
    ("question", "acronym"),
    [
        ("What does COSI stand for?", "COSI"),
        ("what does cosi stand for", "cosi"),
        ("What is the AFC short for?", "AFC"),
        ("What does the acronym LEM stand for?", "LEM"),
        ("What is the full name of the ASER?", "ASER"),
        ("What does (COSI) stand for?", "COSI"),
        ("What is COSI?", "COSI"),
        ("what's the CSP-DPA", "CSP-DPA"),
        ("whats cosi", "cosi"),
        ("What is Tass?", None),  # a name, not an acronym: described, not spelled out
        # who a body is, by its letters in capitals: its name spelled out says it
        ("Who are the CSP-DPA?", "CSP-DPA"),
        ("whos COSI", "COSI"),
        ("who is cosi", None),  # "who is al?" asks of a name typed in lower case
        ("Who is Tass?", None),
        ("What is A?", None),
        ("Who heads COSI?", None),
        ("what does it stand for", None),  # names nothing
        ("What does independence stand for?", None),  # a long word in lower case is no acronym
    ],
)
def test_a_question_asking_to_spell_out_an_acronym_is_recognised(question: str, acronym: str | None):
    assert acronym_asked(question) == acronym


@pytest.mark.parametrize(
    ("acronym", "sentence", "expansion"),
    [
        (
            "COSI",
            "a post from the Community of Officers for International Security (COSI).",
            "Community of Officers for International Security",
        ),
        ("AC", "It runs on alternating current (AC) at 50 Hz.", "alternating current"),
        ("AFC", "the AFC (American Football Conference) champion", "American Football Conference"),
        # not spelled by its initials (translated): the run of capitalised words before the brackets
        (
            "CSP-DPA",
            "the Strategic Framework for the Defence of the People of Azawad (CSP-DPA), a group",
            "Strategic Framework for the Defence of the People of Azawad",
        ),
        (
            "CSP-DPA",
            "spokesman for the predominantly Tuareg separatist coalition (CSP-DPA), said",
            None,
        ),  # a description
        ("COSI", "COSI trains members of the army.", None),
    ],
)
def test_the_expansion_is_read_from_the_sentence_that_defines_it(acronym: str, sentence: str, expansion: str | None):
    found = spelled_out(acronym, sentence)
    assert (sentence[found[0] : found[1]] if found else None) == expansion


COSI = "a Telegram post from the Community of Officers for International Security (COSI)."


def test_a_name_the_documents_abbreviate_is_searched_as_they_write_it():
    assert definitions(COSI) == [("COSI", "Community of Officers for International Security")]
    asked = "Who heads the community of officers for international security?"
    assert with_acronyms(asked, [COSI]) == "Who heads COSI (community of officers for international security)?"
    assert with_acronyms("Who heads COSI?", [COSI]) == "Who heads COSI?"
    # capitalised words whose initials do not give the acronym's letters are no definition to rewrite by
    assert definitions("a station that serves Birmingham, Alabama (WBMA-LD) and Tuscaloosa") == []
    assert definitions("The Pleistocene (P) epoch") == []  # one letter is no acronym


def test_a_piece_of_the_name_asked_about_is_no_answer_unless_the_name_is_asked_for():
    sentence = "the Strategic Framework for the Defence of the People of Azawad (CSP-DPA) criticized the attack."
    azawad = (sentence.index("Azawad"), sentence.index("Azawad") + len("Azawad"))
    assert names_the_asked("Who funds the CSP-DPA?", sentence, *azawad)
    assert not names_the_asked("What does CSP-DPA stand for?", sentence, *azawad)  # then the name is the answer
    assert not names_the_asked("Who funds the rebels?", sentence, *azawad)  # no acronym asked about
    attack = (sentence.index("the attack"), len(sentence) - 1)
    assert not names_the_asked("What did the CSP-DPA criticize?", sentence, *attack)  # outside the name
