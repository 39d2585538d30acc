"""Names in a question rewritten as the documents write them: case, a dropped letter, a first name the documents
leave out, parts run together."""

from __future__ import annotations

from assistant import Assistant
from assistant.keywords import KeywordIndex, named_in
from assistant.name_forms import NameForms, as_named

FORMS = NameForms({"el": "El", "maouloud": "Maouloud", "ramadane": "Ramadane", "cosi": "COSI", "kidal": "Kidal"})
KNOWN = {"el", "maouloud", "ramadane", "cosi", "kidal", "spokesman", "head", "president", "the"}
ENGLISH = {"mali", "who", "is", "heads", "president"}


def named(question: str) -> tuple[str, list[tuple[str, str]]]:
    return as_named(question, FORMS, KNOWN, ENGLISH)


def test_a_name_typed_in_lower_case_is_written_as_the_documents_write_it():
    assert named("who heads cosi") == ("who heads COSI", [])
    assert named("what is ramadane's job") == ("what is Ramadane's job", [])
    assert named("is mali near kidal") == ("is mali near Kidal", [])  # an English word of the vocabulary stays


def test_a_name_missing_a_letter_of_its_transliteration_is_the_documents_one():
    assert named("who is el maouloud ramadan") == ("who is El Maouloud Ramadane", [])


def test_a_fuller_or_run_together_name_becomes_the_documents_form_and_says_so():
    asked = "Who is Mohamed Elmaouloud Ramadane?"
    assert named(asked) == ("Who is El Maouloud Ramadane?", [("Mohamed Elmaouloud Ramadane", "El Maouloud Ramadane")])
    assert named("Who is Mohamed El Maouloud Ramadane?")[0] == "Who is El Maouloud Ramadane?"
    assert named("Who is Mohamed Ramadane?")[0] == "Who is Mohamed Ramadane?"  # a bare surname may be another's


def test_a_question_in_title_case_cuts_only_the_name():
    asked = "Who Is Mohamed Elmaouloud Ramadane Of The COSI?"
    assert named(asked) == (
        "Who Is El Maouloud Ramadane Of The COSI?",
        [("Mohamed Elmaouloud Ramadane", "El Maouloud Ramadane")],
    )


def test_part_of_a_hyphenated_word_is_no_name_to_cut():
    assert named("Did Rewe-Zentrale El Maouloud Ramadane speak?")[1] == []


def test_a_name_the_documents_do_not_hold_is_left_as_asked():
    # the run's last word must be a name of the documents: "President Macron" is not a fuller "President"
    assert named("What did President Macron say?") == ("What did President Macron say?", [])
    assert named("Who is Mohamed?") == ("Who is Mohamed?", [])


def test_the_keyword_index_knows_the_names_its_chunks_write_capitalised_and_never_in_lower_case():
    texts = ["The strike hit Kidal. Drones hit the base held by the CSP.", "Drones were seen over kidal-like towns."]
    written = [sorted(set(t.replace(".", "").split())) for t in texts]
    index = KeywordIndex(["a", "b"], [["x"], ["y"]], written, [named_in(t) for t in texts])
    assert index.names.forms == {"kidal": "Kidal", "csp": "CSP"}  # "Drones" only opens sentences
    assert named_in(texts[0]) == ["CSP", "Kidal"]


def test_names_with_accents_are_read_whole_and_matched_without_them():
    texts = ["In 1328 the emperor Yesün Temür died. His heir Tugh Temür ruled from Dadu."]
    written = [sorted(set(t.replace(".", "").split())) for t in texts]
    index = KeywordIndex(["a"], [["x"]], written, [named_in(t) for t in texts])
    assert index.names.forms == {"yesun": "Yesün", "temur": "Temür", "tugh": "Tugh", "dadu": "Dadu"}
    asked = as_named("where did yesun temur die", index.names, index.word_df, ENGLISH)
    assert asked == ("where did Yesün Temür die", [])
    # a fuller name with accents is cut to the documents' form like any other ("Zhao" is not written there)
    assert as_named("Who was Zhao Tugh Temür?", index.names, index.word_df, ENGLISH)[1] == [
        ("Zhao Tugh Temür", "Tugh Temür")
    ]
    # and a typing slip in such a name is corrected to the spelling the documents use
    assert index.spelling("temurr", slips_only=True) == "temür"
    assert index.spelling("temür") is None and index.spelling("temur") is None  # known, with or without accents


def test_a_question_about_a_person_named_otherwise_is_answered_with_a_note(real: Assistant):
    answer = real.ask("Who is Mohamed Elmaouloud Ramadane?")
    assert not answer.refused and answer.short and answer.short.text.startswith("spokesman")
    assert answer.query == "Who is El Maouloud Ramadane?"
    assert any('write no "Mohamed Elmaouloud Ramadane"' in n for n in answer.notes)
    lower = real.ask("who is el maouloud ramadan")
    assert not lower.refused and lower.short and lower.short.text.startswith("spokesman") and not lower.notes


def test_an_overview_names_its_topic_as_the_documents_write_it(real: Assistant):
    answer = real.ask("what do the articles say about cosi")
    assert answer.kind == "broad" and "about COSI:" in answer.text.split("\n")[0]
    fuller = real.ask("Tell me about Mohamed Elmaouloud Ramadane")
    assert fuller.kind == "broad" and "about El Maouloud Ramadane:" in fuller.text.split("\n")[0]
    assert any('write no "Mohamed Elmaouloud Ramadane"' in n for n in fuller.notes)
