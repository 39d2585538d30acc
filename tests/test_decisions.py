"""The answer's decisions as pure functions, on hand-built evidence (fast: no store, no model)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from assistant.answer import (
    Bar,
    SourceReader,
    answers_the_kind_asked,
    attributed,
    conflicting,
    extractive_choice,
    supported,
    verify,
    with_markers,
)
from assistant.chat import _refusal_read, pronoun_in, rewrite_by_rules
from assistant.config import RetrievalSettings
from assistant.errors import BadInput
from assistant.gate import backs, clauses, gate_sentence, gated_stream
from assistant.retrieval import Evidence
from assistant.text import clean_question
from assistant.types import Answer, Citation, ShortAnswer, Turn
from assistant.words import asks_for, content_words, same_term, terms


def ev(text: str, score: float = 0.7, source: str = "a.txt", **changes: object) -> Evidence:
    base = Evidence(text, source, "Title", "2024-09-02", f"/corpus/{source}", 0, len(text), score, 0.6, 0.6, ())
    return replace(base, **changes)  # type: ignore[arg-type]


RULES = Bar.of_rules(RetrievalSettings())


def test_words_join_stems_irregular_verbs_and_long_name_variants():
    assert terms("The soldiers were killed") == ["soldier", "kill"]
    assert terms("he said") == terms("they say") == ["say"]
    # a question's base form after "did" meets the past the news writes, and irregular plurals their singular
    assert terms("did they break ties") == terms("they broke ties") == ["break", "tie"]
    assert terms("children were killed") == terms("a child was killed") == ["child", "kill"]
    assert terms("he lives in Gao") == terms("she lived in Gao") == ["live", "gao"]  # "lives" is not only "life"
    assert same_term("tinzaouaten", "tinzaouaten") and same_term("tinzaouaten", "tinzaouatene")
    assert not same_term("mali", "malian") and not same_term("convoy", "convey")
    assert asks_for("And how many children died?") == "quantity" and asks_for("When did it start?") == "time"
    assert asks_for("Who led the convoy?") is None
    assert content_words("Who is El Maouloud Ramadane? (convoy)") == ["El", "Maouloud", "Ramadane", "convoy"]


def test_a_sentence_answers_only_with_the_names_score_coverage_and_kind_asked():
    good = ev("Eleven children were killed in the strikes.", score=0.6, coverage=0.5)
    assert supported("How many children were killed?", [good], RULES) == [good]
    assert supported("How many children were killed?", [replace(good, missing=("Gao",))], RULES) == []
    assert supported("How many children were killed?", [replace(good, score=0.40)], RULES) == []
    assert supported("How many children were killed?", [replace(good, coverage=0.2)], RULES) == []
    no_number = ev("Children were among the victims.", score=0.6, coverage=0.5)
    assert supported("How many children were killed?", [no_number], RULES) == []
    assert supported("Who were the victims?", [no_number], RULES) == [no_number]


def test_runners_up_are_kept_only_close_to_the_best_and_within_the_limit():
    ranked = [ev("a.", 1.0), ev("b.", 0.95), ev("c.", 0.94), ev("d.", 0.5)]
    assert [e.text for e in extractive_choice(ranked, 3, 0.93)] == ["a.", "b.", "c."]
    assert [e.text for e in extractive_choice(ranked, 2, 0.93)] == ["a.", "b."]
    assert [e.text for e in extractive_choice(ranked, 3, 1.0)] == ["a."]


def test_different_numbers_from_different_documents_are_a_conflict():
    one = ev("Forty-seven soldiers died, 47 in all.", 0.8, "a.txt")
    other = ev("The army said 23 soldiers died.", 0.75, "b.txt")
    same_doc = ev("Officials later said 30 died.", 0.79, "a.txt")
    assert conflicting("How many soldiers died?", [one, same_doc, other]) == [one, other]
    assert conflicting("How many soldiers died?", [one, ev("Again 47 died.", 0.7, "b.txt")]) is None
    assert conflicting("Who died?", [one, other]) is None  # not a quantity or a time
    assert conflicting("How many soldiers died?", [one, replace(other, score=0.5)]) is None  # too weak to count


def test_markers_go_before_the_closing_stop_and_attribution_names_the_source():
    assert with_markers('He said "no."', [1]) == 'He said "no [1]."'
    assert with_markers("No stop at the end", [1, 2]) == "No stop at the end [1][2]"
    assert attributed(ev("It was 23."), 2) == 'According to "Title" (2024-09-02): It was 23 [2].'


def test_a_quantity_or_a_time_must_be_in_the_answer():
    assert answers_the_kind_asked("How many died?", "Dozens died.")
    assert not answers_the_kind_asked("How many died?", "Many soldiers died.")
    assert answers_the_kind_asked("When did it happen?", "It happened on Sunday.")
    assert not answers_the_kind_asked("When did it happen?", "It happened in Kidal.")


def test_quotes_are_verified_against_the_file(tmp_path: Path):
    path = tmp_path / "a.txt"
    path.write_text("Intro. Mali\u2019s army \u201cwon\u201d.  Next.", encoding="utf-8")
    sentence = replace(ev('Mali\'s army "won".', path=str(path)), start=7, end=25)
    checked = verify(sentence, SourceReader())
    assert checked is not None and checked.quote == "Mali\u2019s army \u201cwon\u201d."
    path.write_text("Intro. Mali\u2019s navy \u201cwon\u201d.  Next.", encoding="utf-8")
    assert verify(sentence, SourceReader()) is None  # the file changed since it was indexed
    assert verify(replace(sentence, end=10_000), SourceReader()) is None


def test_the_gate_keeps_backed_clauses_and_drops_invented_ones():
    passages = [ev("The convoy stopped in Kidal, 200 kilometres south of Tinzaouatene."), ev("Wagner lost 47 men.")]
    assert [c.strip() for c in clauses("The convoy stopped in Kidal; the fighters left the town")] == [
        "The convoy stopped in Kidal",
        "the fighters left the town",
    ]
    assert len(clauses("The convoy stopped in Kidal, then left")) == 1  # a one-word piece is no claim of its own
    assert backs("The convoy stopped in Kidal", passages[0].text)
    assert not backs("The convoy stopped in Gao", passages[0].text)  # a name the passage lacks
    assert not backs("Wagner lost 48 men", passages[1].text)  # a number the passage lacks
    kept = gate_sentence("Wagner lost 47 men [1].", passages)
    assert kept is not None and kept.supports == (1,)  # the wrong marker is corrected to the backing passage
    assert gate_sentence("The convoy stopped in Kidal, where 300 people live.", passages) is None
    assert gate_sentence("The documents don't say.", passages) is None


def test_generated_text_is_gated_sentence_by_sentence_as_it_streams():
    passages = [ev("Wagner lost 47 men near Tinzaouatene.")]
    pieces = ["Wagner lost 47 ", "men near Tinzaouatene [1]. ", "They also lost 9 tanks. ", "Wagner lost 47 men."]
    results = list(gated_stream(iter(pieces), passages))
    assert [r.sentence for r in results] == ["Wagner lost 47 men near Tinzaouatene.", "Wagner lost 47 men."]


def test_follow_ups_carry_the_previous_names_and_standalone_questions_do_not():
    first = Turn("Who is El Maouloud Ramadane?", Answer("...", False, query="Who is El Maouloud Ramadane?"))
    assert rewrite_by_rules("What did he say about the convoy?", [first]).endswith("(El Maouloud Ramadane)")
    assert rewrite_by_rules("And Kidal?", [first]) == "And Kidal? (El Maouloud Ramadane)"
    standalone = "How many children were killed in the Tinzaouaten drone strikes?"
    assert rewrite_by_rules(standalone, [first]) == standalone
    assert rewrite_by_rules("What did he say?", []) == "What did he say?"
    # a short question that names its own subject stands alone; one that names nothing is a follow-up
    cosi = Turn(
        "What's the name of the guy who runs COSI?",
        Answer("...", False, query="What's the name of the guy who runs COSI?"),
    )
    assert rewrite_by_rules("What is the population of Kidal?", [cosi]) == "What is the population of Kidal?"
    assert rewrite_by_rules("Why?", [cosi]) == "Why? (guy runs COSI)"  # "What's" frames the question, not carried
    # a pronoun most often stands for the previous short answer
    where = "Where did the convoy stop?"
    stop = Turn(where, Answer("Kidal [1] ...", False, query=where, short=ShortAnswer("Kidal", "a.txt", 5, 10)))
    assert (
        rewrite_by_rules("How far is that from Tinzaouatene?", [stop]) == "How far is that from Tinzaouatene? (Kidal)"
    )
    assert rewrite_by_rules("And Gao?", [stop]) == "And Gao?"  # no pronoun, no name before: nothing to carry
    # but after "Where is X?", "there" is X, not the place X is in
    place = "Where is Tinzaouaten?"
    placed = Turn(place, Answer("...", False, query=place, short=ShortAnswer("northern Mali", "a.txt", 5, 18)))
    assert rewrite_by_rules("what happened there in July?", [placed]) == "what happened there in July? (Tinzaouaten)"
    gallery = "Where is the sculpture gallery located?"  # no name to carry it: the thing asked about is carried whole
    placed = Turn(gallery, Answer("...", False, query=gallery, short=ShortAnswer("the south side", "a.txt", 5, 19)))
    designed = "Who designed the plaster work in it?"
    assert rewrite_by_rules(designed, [placed]) == f"{designed} (sculpture gallery)"
    # no phrase answered (an overview): "that" is what the first quote tells of
    quote = "Last night, drones deployed by the Malian Armed Forces struck the base in Kidal."
    overview = Answer("...", False, (Citation("b.txt", "T", quote, 0, len(quote), 0.9),), query="Kidal")
    when = rewrite_by_rules("When was that?", [Turn("What happened in Kidal?", overview)])
    assert when == "When was that? (Kidal Malian Armed Forces)"
    # a common word opening a quotation inside the quote is capitalised for that, not a name
    quote = "- 'Had to give up' -\"Given the size of the convoy, their objective was to retake Tinzaouatene,\" he said."
    spoken = Answer("...", False, (Citation("b.txt", "T", quote, 0, len(quote), 0.9),), query="What did he say?")
    assert rewrite_by_rules("Why did he?", [Turn("What did he say?", spoken)]) == "Why did he? (say Tinzaouatene)"


@pytest.mark.parametrize(
    ("question", "pronoun"),
    [
        ("What did he say?", "he"),
        ("what happened there in July?", "there"),  # a place said before
        ("How far is that from Tinzaouatene?", "that"),
        ("Who attacked that base?", "that"),
        ("Was that Mali's decision?", "that"),  # after "was", "that" is the pronoun, whatever follows it
        # a "there" that says something exists, a "that" that opens a clause: nothing said before is meant
        ("Were there casualties?", None),
        ("Why have there been coups in Mali?", None),
        ("Which group held the base that drones targeted in Kidal?", None),
        ("Did Tass confirm that the remains were recovered?", None),
        ("Who declared that Mali lost a battle?", None),
        ("Is it true that the convoy turned back?", None),  # "it" stands for the clause after it
        ("Is it true?", "it"),
    ],
)
def test_a_pronoun_is_a_word_that_stands_for_something_said_before(question: str, pronoun: str | None):
    assert pronoun_in(question) == pronoun


def test_a_question_whose_that_opens_a_clause_is_not_taken_for_a_follow_up():
    heads = "Who heads COSI?"
    first = Turn(heads, Answer("...", False, query=heads, short=ShortAnswer("Ivanov", "a", 0, 6)))
    standalone = "Which group held the base that drones targeted in Kidal?"
    assert rewrite_by_rules(standalone, [first]) == standalone  # before: "… (COSI Ivanov)"


def test_an_elliptical_third_turn_carries_the_last_question_not_all_that_came_before_it():
    asked = "What did the army say it recovered?"
    first = Turn(asked, Answer("...", False, query=asked))
    searched = "When did it announce that? (army say recovered Monday Tinzaouatene July)"
    second = Turn("When did it announce that?", Answer("...", False, query=searched))
    # its own words and the names it was searched with; "army say recovered" belonged to the first question
    third = rewrite_by_rules("Who confirmed it?", [first, second])
    assert third == "Who confirmed it? (announce Monday Tinzaouatene July)"


@pytest.mark.parametrize(
    ("question", "message"),
    [("", "empty"), ("   \x00\x1b[31m ", "empty"), ("x" * 3000, "the limit is 2,000"), (None, "must be text")],
)
def test_unusable_questions_are_refused_clearly(question: object, message: str):
    with pytest.raises(BadInput, match=message):
        clean_question(question, 2000)  # type: ignore[arg-type]


def test_questions_are_cleaned_of_control_characters_and_lone_surrogates():
    assert clean_question("who\x00 recovered\ud800 the \u201cbodies\u201d?\n", 2000) == 'who recovered the "bodies"?'


def test_an_answer_is_read_to_its_end_only_when_it_opens_as_a_refusal():
    refusal = Answer("The documents don't say. No passage…", True)
    refused, items = _refusal_read(iter([refusal.text, refusal]))
    assert refused and list(items) == [refusal.text, refusal]
    answered = Answer("21 [1] At least 21 people…", False)

    def streamed():  # an answer being generated: only its first piece is read to tell
        yield "21 [1] "
        raise AssertionError("read on before it was asked for")

    refused, items = _refusal_read(streamed())
    assert not refused and next(items) == "21 [1] "
    assert _refusal_read(iter([answered]))[0] is False
    assert _refusal_read(iter([]))[0] is False
