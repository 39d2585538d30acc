"""Fragment follow-ups completed into the last question (``assistant.ellipsis``), and the SQuAD pairs that measure
it (``evals.conversations.fragment_pairs``)."""

from __future__ import annotations

import random
from collections.abc import Sequence

import pytest

from assistant import Assistant
from assistant.ellipsis import completed, fragment
from evals.conversations import as_fragment, fragment_pairs


def no_model(texts: Sequence[str]) -> list[list[float]]:
    """For swaps with one place to go: what a vector says must not matter."""
    return [[1.0] for _ in texts]


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("and hurt?", "hurt"),
        ("What about the NFC?", "the NFC"),
        ("and in Tinzaouaten?", "in Tinzaouaten"),
        ("why?", "why"),
        ("And how many?", "how many"),
        ("and where did he go?", None),  # a question of its own
        ("what about him?", None),  # a pronoun: the usual follow-up
        ("Kidal?", None),  # no "and": perhaps a new question
        ("how come?", None),
        ("and was it big?", None),
        ("and then?", None),
    ],
)
def test_a_fragment_is_what_a_follow_up_names_and_nothing_that_asks_on_its_own(question: str, said: str | None):
    assert fragment(question) == said


def test_a_fragment_swaps_its_place_in_the_last_question():
    assert completed("why?", "When did Tesla go to Karlovac?", no_model) == "Why did Tesla go to Karlovac?"
    assert (
        completed("and where?", "In what year did Tesla go to Karlovac?", no_model) == "Where did Tesla go to Karlovac?"
    )
    assert completed("and where?", "How long is the Rhine?", no_model) == "Where is the Rhine?"
    # "who" and "how many people" open with what the question is about: "why?" cannot swap them
    assert completed("why?", "How many people were killed in Kidal?", no_model) is None
    assert completed("and how many?", "When did Tesla go to Karlovac?", no_model) is None
    # what follows the same preposition; with none, the fragment is added at the end
    assert completed("and in Tinzaouaten?", "How many died in Kidal?", no_model) == "How many died in Tinzaouaten?"
    kidal = "How many died in the strike on Kidal?"  # a name after another preposition swaps all the same
    assert completed("and in Tinzaouaten?", kidal, no_model) == "How many died in the strike on Tinzaouaten?"
    assert completed("and in July?", "How many people were killed?", no_model) == "How many people were killed in July?"
    # a time swaps only a time, and a word after a preposition no name: else they are added at the end
    assert completed("and in July?", "How many died in Kidal?", no_model) == "How many died in Kidal in July?"
    assert completed("and in 2023?", "How many died in Kidal in 2022?", no_model) == "How many died in Kidal in 2023?"
    assert completed("and in total?", "How many died in Kidal?", no_model) == "How many died in Kidal in total?"
    # a name swaps only a name; a question without one has no place for it
    assert completed("and Gao?", "Where did the convoy stop?", no_model) is None
    assert completed("And the CSP?", "What did Wagner say about the convoy?", no_model) == (
        "What did CSP say about the convoy?"
    )
    # the words a follow-up carried stay with it
    carried = "what did he say? (Alexander Ivanov)"
    assert completed("and promise?", carried, no_model) == "what did he promise? (Alexander Ivanov)"
    assert completed("and where did he go?", carried, no_model) is None
    assert completed("why?", "Who won?", no_model) is None  # no verb to keep after the opening


def test_the_place_a_fragment_swaps_is_chosen_by_meaning(real: Assistant):
    embed = real.ready_engine().retriever.embed
    assert completed("and hurt?", "How many separatists were killed in Kidal?", embed) == (
        "How many separatists were hurt in Kidal?"
    )
    nfl = "Which NFL team represented the AFC at Super Bowl 50?"
    assert completed("and the NFC?", nfl, embed) == "Which NFL team represented the NFC at Super Bowl 50?"
    # a name with its noun swaps a name with its noun, not the name alone ("…Malian soldiers fighters…")
    wagner = "How many Wagner fighters did the rebels say they killed?"
    assert (
        completed("And Malian soldiers?", wagner, embed) == "How many Malian soldiers did the rebels say they killed?"
    )
    assert completed("and Euler primes?", "Of what form do Mersenne primes take?", embed) == (
        "Of what form do Euler primes take?"
    )


def test_a_fragment_follow_up_is_answered_as_the_question_it_completes(real: Assistant):
    chat = real.chat()
    killed = chat.ask("How many separatists were killed?")
    hurt = chat.ask("and hurt?")
    assert killed.short and hurt.short and hurt.short.text == "three", hurt.text
    assert hurt.query == "How many separatists were hurt?" and hurt.question == "and hurt?"
    chat.reset()
    chat.ask("When did the convoy leave?")
    why = chat.ask("and why?")
    assert why.query == "Why did the convoy leave?" and why.kind == "why/how" and not why.refused, why.text
    # after a broad question, "and in Tinzaouaten?" is that question about Tinzaouaten, as before
    chat.ask("What happened in Kidal?")
    assert chat.ask("And in Tinzaouaten?").kind == "broad"


@pytest.mark.parametrize(
    ("first", "second", "said"),
    [
        ("Which team represented the AFC?", "Which team represented the NFC?", "and the NFC?"),
        ("When did Tesla go to Karlovac?", "Why did Tesla go to Karlovac?", "and why?"),
        ("How many yards did Denver have?", "How many first downs did Denver have?", "and first downs?"),
        ("Who if the commissioner?", "Who is the commissioner?", None),  # a typing slip mended
        ("What happened to Tesla's belongings?", "Who analyzed Tesla's belongings?", None),  # a question of its own
        ("Who founded the city?", "When was the city founded?", None),  # more than one place differs
    ],
)
def test_squad_questions_that_differ_in_one_place_are_said_as_a_fragment(first: str, second: str, said: str | None):
    assert as_fragment(second, first) == said


def test_fragment_pairs_follow_an_answered_question_and_unanswerable_ones_any_answered_one():
    qas = [
        {"id": "1", "question": "Which team represented the AFC?", "answers": [{"text": "Denver"}]},
        {"id": "2", "question": "Which team represented the NFC?", "answers": [{"text": "Carolina"}]},
        {"id": "3", "question": "Which team represented the NFL?", "answers": [], "is_impossible": True},
        {"id": "4", "question": "Which team represented the XFL?", "answers": [], "is_impossible": True},
    ]
    data = [{"title": "Super Bowl", "paragraphs": [{"context": "", "qas": qas}]}]
    made = {p.id: p for p in fragment_pairs(data, {"Super Bowl"}, lambda a, p: f"a{a}p{p}", random.Random(0))}
    assert sorted(made) == ["2", "3", "4"]
    assert made["2"].follow_up == "and the NFC?" and made["2"].written == "Which team represented the NFC?"
    assert made["2"].first == "Which team represented the AFC?" and made["2"].answers == ("Carolina",)
    # an unanswerable question follows the first answered one it is a fragment of, wherever it stands
    assert made["4"].first == "Which team represented the AFC?" and made["4"].follow_up == "and the XFL?"
    assert made["3"].answers == made["4"].answers == () and made["2"].source == "a0p0.txt"
