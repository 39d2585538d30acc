"""Training questions in other words (evals.paraphrase): what is swapped, for what, and what is left alone."""

import random

import numpy as np

from evals.paraphrase import MIN_COSINE, Words, changed, neighbours, paraphrased


def _unit(rows: list[list[float]]) -> np.ndarray:
    v = np.asarray(rows, dtype=np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_a_words_neighbours_are_close_and_not_forms_of_it():
    words = ["hit", "hits", "struck", "banana"]
    vectors = _unit([[1, 0.1, 0], [1, 0.12, 0], [1, 0.3, 0], [0, 0, 1]])
    table = neighbours(words, vectors)
    assert table["hit"] == ["struck"]  # "hits" is a form of it, "banana" is far
    assert "banana" not in table  # nothing above the floor
    assert float(vectors[0] @ vectors[3]) < MIN_COSINE


def test_a_question_word_the_sentence_shares_is_swapped_for_one_it_lacks():
    table = {"hit": ["struck", "smashed"], "storm": ["gale"]}
    sentence = "The storm hit the coast on Monday and smashed boats."
    question = paraphrased("What did the storm hit?", sentence, table, random.Random(0))
    assert question is not None and "struck" in question and "smashed" not in question
    assert "hit" not in question.split()


def test_names_the_first_word_numbers_and_words_the_sentence_lacks_stay():
    table = {"what": ["which"], "paris": ["london"], "rained": ["poured"], "four": ["three"]}
    sentence = "It rained in Paris for four days."
    assert paraphrased("What fell in Paris?", sentence, table, random.Random(0)) is None
    assert paraphrased("What fell for four days?", sentence, table, random.Random(0)) is None


def test_a_shared_word_swapped_for_an_unrelated_one_changes_the_question():
    vectors = _unit([[1, 0.2, 0], [1, 0.3, 0], [0, 1, 0.1], [0, 0.1, 1]])
    words = Words(["raised", "collected", "painted", "banana"], vectors)
    assert words.near["raised"] == ["collected"]
    question = changed("How much was raised?", "The fund raised $5 million.", words, random.Random(0))
    assert question == "How much was painted?"  # far from "raised", and ending as it does ("banana" does not)
    assert changed("How much was raised?", "The fund sold it.", words, random.Random(0)) is None
