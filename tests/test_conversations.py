"""Follow-ups made from SQuAD's consecutive questions (``evals.conversations``)."""

from __future__ import annotations

import random

import pytest

from evals.conversations import as_follow_up, pairs, short_pairs


@pytest.mark.parametrize(
    ("question", "first", "answers", "made"),
    [
        (
            "Where did the Rhine turn north?",
            "How long is the Rhine?",
            ["1,230 km"],
            ("Where did it turn north?", "subject"),
        ),
        ("What did Kublai build?", "Who founded the Yuan dynasty?", ["Kublai"], ("What did he build?", "answer")),
        ("Who defeated Kublai?", "Who founded the Yuan dynasty?", ["Kublai"], ("Who defeated him?", "answer")),
        ("What is Harvard's endowment?", "When was Harvard founded?", ["1636"], ("What is its endowment?", "subject")),
        ("Where is the Rhine basin's highest point?", "How long is the Rhine?", ["1,230 km"], None),  # "its basin's"
        ("What is the top of the Rhine basin?", "How long is the Rhine?", ["1,230 km"], None),  # it qualifies a noun
        ("What is a Gaussian integer?", "Who studied Gaussian integers?", ["Gauss"], None),
        ("Who was it?", "Who was Kublai?", ["a khan"], None),  # nothing shared
    ],
)
def test_a_name_the_first_question_or_its_answer_shares_is_said_as_a_pronoun(question, first, answers, made):
    assert as_follow_up(question, first, answers) == made


def test_pairs_are_consecutive_questions_of_a_paragraph_whose_first_has_an_answer():
    data = [
        {
            "title": "Rhine",
            "paragraphs": [
                {
                    "context": "The Rhine is 1,230 km long. It turns north at Basel.",
                    "qas": [
                        {"id": "1", "question": "How long is the Rhine?", "answers": [{"text": "1,230 km"}]},
                        {"id": "2", "question": "Where does the Rhine turn north?", "answers": [{"text": "Basel"}]},
                        {"id": "3", "question": "Who named the Rhine?", "answers": [], "is_impossible": True},
                        {"id": "4", "question": "Who dammed the Rhine?", "answers": [], "is_impossible": True},
                    ],
                }
            ],
        }
    ]
    made = pairs(data, {"Rhine"}, lambda a, p: f"a{a}p{p}", random.Random(0))
    assert sorted(p.id for p in made) == ["2", "3"]  # "4" follows an unanswerable question
    second = next(p for p in made if p.id == "2")
    assert second.follow_up == "Where does it turn north?" and second.answers == ("Basel",)
    assert second.written == "Where does the Rhine turn north?" and second.source == "a0p0.txt"
    assert next(p for p in made if p.id == "3").answers == ()  # unanswerable: to be declined


def test_a_conversation_of_three_asks_two_follow_ups_of_the_first_question():
    qas = [
        {"id": "1", "question": "How long is the Rhine?", "answers": [{"text": "1,230 km"}]},
        {"id": "2", "question": "Where does the Rhine turn north?", "answers": [{"text": "Basel"}]},
        {"id": "3", "question": "Who named the Rhine?", "answers": [{"text": "the Celts"}]},
    ]
    data = [{"title": "Rhine", "paragraphs": [{"context": "", "qas": qas}]}]
    (made,) = pairs(data, set(), lambda a, p: "x", random.Random(0), turns=3)
    assert made.id == "3" and made.follow_up == "Who named it?" and made.written == "Who named the Rhine?"
    assert made.middle == ("Where does it turn north?", ("Basel",))


def test_a_short_question_follows_one_of_its_paragraph_and_one_of_another_article():
    def article(title: str, qas: list[tuple[str, str]]) -> dict:
        asked = [{"id": f"{title}{n}", "question": q, "answers": [{"text": a}]} for n, (q, a) in enumerate(qas)]
        return {"title": title, "paragraphs": [{"context": "", "qas": asked}]}

    data = [
        article("Tesla", [("What did Tesla build in 1891?", "coil"), ("Where was the lab?", "New York")]),
        article("Rhine", [("How long is the Rhine?", "1,230 km"), ("What did the Rhine carry in 1900?", "coal")]),
    ]
    made = short_pairs(data, {"Tesla", "Rhine"}, lambda a, p: f"a{a}p{p}", random.Random(0))
    # "What did the Rhine carry…" names the Rhine; "Where was the lab?" names nothing and has two content words
    assert sorted((p.id, p.shared) for p in made) == [("Tesla1", "same"), ("Tesla1", "switch")]
    same = next(p for p in made if p.shared == "same")
    switch = next(p for p in made if p.shared == "switch")
    assert same.first == "What did Tesla build in 1891?" and same.follow_up == same.written == "Where was the lab?"
    assert switch.first in ("How long is the Rhine?", "What did the Rhine carry in 1900?") and same.source == "a0p0.txt"
