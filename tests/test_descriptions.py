"""Descriptions read beside a name for "Who is X?" and "What is X's job?", and places for "Where is X?" (text only,
and end-to-end questions)."""

from __future__ import annotations

import pytest

from assistant import Assistant
from assistant.descriptions import abbreviation, described_asked, located_asked, mentions, place_slots, slots


@pytest.mark.parametrize(
    ("question", "name"),
    [
        ("Who is El Maouloud Ramadane?", "El Maouloud Ramadane"),
        ("what was Tymnet", "Tymnet"),
        ("Who's Ivanov?", "Ivanov"),
        ("What is the Wagner Group?", "Wagner Group"),
        ("Who is the head of COSI?", None),  # a relation asked for, not a description
        ("Who is COSI's head?", None),
        ("What is Kidal called?", None),
        ("Who is he?", None),  # a follow-up: the name is in the conversation
        ("Who heads COSI?", None),
        # what someone does asks for the same description
        ("What is Ramadane's job?", "Ramadane"),
        ("What was Robert Watson's role in the IPCC?", "Robert Watson"),
        ("What was the occupation of Joseph Priestley?", "Joseph Priestley"),
        ("What was the title of Philo's work?", None),  # a work's title is no description of a person
        ("What was the teacher's role while the child was with them?", None),
    ],
)
def test_a_question_asking_what_a_name_is_is_recognised(question: str, name: str | None):
    assert described_asked(question) == name


RAMADANE = '"…to retake Tinzaouatene," El Maouloud Ramadane, spokesman for the Tuareg coalition (CSP-DPA), told AFP.'
IVANOV = "the bodies of their comrades,\u201d COSI\u2019s head, Alexander Ivanov, was quoted as saying by Tass."


def _in_place(name: str, sentence: str, phrase: str) -> bool:
    """Whether ``phrase`` stands where a description of ``name`` would, and is one."""
    start = sentence.index(phrase)
    end = start + len(phrase)
    starts, ends = slots(mentions(name, sentence), sentence)
    return (start in starts or end in ends) and not abbreviation(sentence, start, end)


@pytest.mark.parametrize(
    ("name", "sentence", "phrase", "described"),
    [
        ("El Maouloud Ramadane", RAMADANE, "spokesman for the Tuareg coalition", True),  # after, past a comma
        ("Alexander Ivanov", IVANOV, "COSI\u2019s head", True),  # before, with a comma between
        ("Tymnet", "Tymnet was an international data network.", "an international data network", True),
        ("Wagner", "Malian soldiers and their Wagner allies set off", "Malian soldiers", False),  # beside, not of it
        (
            "Tass",
            "confirmed by Tass and a post from the International Security office",
            "International Security",
            False,
        ),
        # right before the name, words may be the rest of it: not taken (a title there the reader gives anyway)
        ("Ramadane", "said El Maouloud Ramadane, spokesman for the coalition", "El Maouloud", False),
        # a common noun right before the name says what it is; a verb or an adjective there does not
        ("Africa Corps", "where Wagner's successor Africa Corps operates", "Wagner's successor", True),
        (
            "Wagner",
            "fighters from the Russian paramilitary group Wagner were killed",
            "Russian paramilitary group",
            True,
        ),
        ("AFP", "An army official told AFP at the time", "An army official told", False),
        ("colloblasts", "They catch prey with microscopic colloblasts.", "prey with microscopic", False),
        # a name's abbreviation in brackets is no description of it
        ("Engineering News-Record", "Engineering News-Record (ENR) ranks firms.", "ENR", False),
    ],
)
def test_a_description_stands_beside_the_name(name: str, sentence: str, phrase: str, described: bool):
    assert _in_place(name, sentence, phrase) is described


def test_a_name_asked_in_part_is_found_whole():
    sentence = 'told AFP," El Maouloud Ramadane, spokesman for the coalition'
    assert [sentence[a:b] for a, b in mentions("Ramadane", sentence)] == ["El Maouloud Ramadane"]
    assert _in_place("Ramadane", sentence, "spokesman for the coalition")


def test_a_description_is_looked_for_in_its_places_only():
    starts, ends = slots(mentions("Ivanov", IVANOV), IVANOV)
    assert ends == {IVANOV.index(", Alexander")}  # "COSI's head" ends there
    assert [IVANOV[i : i + 3] for i in starts] == ["was"]  # after "Alexander Ivanov, "
    sentence = "Tymnet was an international data network."
    assert sorted(sentence[i:] for i in slots(mentions("Tymnet", sentence), sentence)[0]) == [
        "an international data network.",
        "international data network.",
    ]


def test_what_someone_does_is_answered_by_their_description(real: Assistant):
    answer = real.ask("What is Alexander Ivanov's job?")
    assert not answer.refused and answer.short and answer.short.text in ("COSI's head", "COSI\u2019s head")
    assert "Alexander Ivanov" in answer.citations[0].quote


@pytest.mark.parametrize(
    ("question", "name"),
    [
        ("Where is Tinzaouaten?", "Tinzaouaten"),
        ("where's kidal", "kidal"),
        ("wheres kidal", "kidal"),  # as chat types it
        ("Where is the Apache Point Observatory located?", "Apache Point Observatory"),
        ("Where was Energiprojekt AB based?", "Energiprojekt AB"),
        ("Where was the ball recovered?", None),  # where something was done, not where a thing is
        ("Where was Luther born?", None),
        ("Where is the convoy heading?", None),
        ("Where are no pharmacies located?", None),
        ("Where is the capital of Mali?", None),  # a relation asked for
        ("Where is it?", None),  # a follow-up: the name is in the conversation
    ],
)
def test_a_question_asking_where_a_name_is_is_recognised(question: str, name: str | None):
    assert located_asked(question) == name


TINZAOUATEN = "21 were killed in the town of Tinzaouaten, situated in northern Mali, close to the border with Algeria."


@pytest.mark.parametrize(
    ("name", "sentence", "places"),
    [
        ("Tinzaouaten", TINZAOUATEN, ["in northern Mali", "northern Mali"]),  # past a comma and "situated"
        ("Tinzaouatene", TINZAOUATEN, ["in northern Mali", "northern Mali"]),  # the other spelling of the name
        ("Kidal", "Kidal, a town near the Algerian border, fell.", ["near the Algerian border", "the Algerian border"]),
        ("MetroCentre", "The MetroCentre is located in Gateshead.", ["in Gateshead", "Gateshead"]),
        ("Galaxy Public School", "e.g. the Galaxy Public School in Kathmandu.", ["in Kathmandu", "Kathmandu"]),
        # a bare "in" is where something happened, unless it is between names
        ("Tinzaouatene", "a stop 200 kilometres south of Tinzaouatene in the city of Kidal.", []),
        ("Kidal", "the strike on Kidal in March", []),
        ("airport", "the fastest growing regional airport in the UK", []),
    ],
)
def test_a_place_is_looked_for_beside_the_name(name: str, sentence: str, places: list[str]):
    starts, ends = place_slots(mentions(name, sentence), sentence)
    assert not ends
    found = sorted((sentence[i:] for i in starts), key=len, reverse=True)  # each runs on to the sentence's end
    assert len(found) == len(places)
    assert all(f.startswith(p) for f, p in zip(found, places, strict=True))


def test_another_spelling_of_a_common_noun_is_not_the_name():
    assert mentions("ctenophora", "Ctenophores have two layers.") == []
    assert mentions("Phycobilins", "the phycobilins are pigments") == [(4, 15)]  # as asked, in any case


def test_where_is_x_is_answered_by_the_place_beside_it(real: Assistant):
    for question in ("Where is Tinzaouaten?", "Where's Tinzaouatene located?"):
        answer = real.ask(question)
        assert not answer.refused and answer.short and answer.short.text == "northern Mali"
        assert "situated in northern Mali" in answer.citations[0].quote


@pytest.mark.parametrize(
    ("question", "sentence", "phrase", "joined"),
    [
        ("Who are the Tuareg?", "Tuareg and Islamist militants killed soldiers.", "Islamist militants", True),
        ("Who were the Semuren?", "The Mongols and the Semuren ruled.", "Mongols", True),
        ("Who is Ivanov?", "COSI's head, Ivanov, was quoted.", "COSI's head", False),  # an apposition describes
        ("Who was huihui?", "It was labelled huihui or Muslim.", "Muslim", False),  # "or" may give another name
        ("How many died?", "Tuareg and Islamist militants killed 12.", "12", False),  # no name asked about
    ],
)
def test_a_phrase_joined_to_the_name_by_and_is_no_description_of_it(
    question: str, sentence: str, phrase: str, joined: bool
):
    from assistant.descriptions import joined_to_asked

    start = sentence.index(phrase)
    assert joined_to_asked(question, sentence, start, start + len(phrase)) is joined
