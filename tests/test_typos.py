"""Questions with a typing slip (evals.typos), and the slips themselves (assistant.words.typing_errors); questions
asked indirectly (evals.indirect)."""

import random

from assistant.words import NEAR_KEYS, typing_errors
from evals.indirect import FRAMES, indirect
from evals.typos import mistyped


def test_slips_are_the_ones_a_typist_makes():
    slips = typing_errors("kidal")
    assert {"kidl", "kiddal", "kdial", "kifal", "kidsal"} <= slips  # dropped, doubled, swapped, near key, beside
    assert "kipal" not in slips and "kidal" not in slips  # p is far from d; no slip is the word itself
    assert NEAR_KEYS["g"] == frozenset("ftyhvb")


def test_a_question_gets_one_slip_in_a_word_its_paragraph_holds():
    paragraph = "The Kidal base was struck by drones on Sunday."
    rng = random.Random(3)
    for _ in range(20):
        question = mistyped("Which base did the drones strike in Kidal?", paragraph, rng)
        assert question is not None and question != "Which base did the drones strike in Kidal?"
        changed = [w for w in question.split() if w not in "Which base did the drones strike in Kidal?".split()]
        assert len(changed) == 1 and changed[0][0] in "bdK"  # base, drones or Kidal, first letter kept
    assert mistyped("Who won?", paragraph, rng) is None  # no word of four letters shared with the paragraph


def test_squad_questions_are_asked_indirectly_only_when_their_words_keep_their_order():
    asked = indirect("Who designed the trophy?", random.Random(0))
    assert asked and asked.endswith(" who designed the trophy?") and asked.startswith(FRAMES)
    assert indirect("When did Tesla go to Karlovac?", random.Random(0)) is None  # "when Tesla went"
    assert indirect("The trophy was designed by whom?", random.Random(0)) is None
