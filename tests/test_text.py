import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.errors import BadInput
from assistant.text import decode, normalize, parse_header, sentence_spans


def test_glued_sentences_are_split_and_map_back_to_the_original():
    original = "Sources said Wednesday.The convoy left.\u201dBut armed separatists said so.\u201d The end."
    norm = normalize(original)
    sentences = [norm.text[a:b] for a, b in sentence_spans(norm.text)]
    assert sentences[0] == "Sources said Wednesday."
    assert sentences[1] == 'The convoy left."'  # a quote mark after the stop stays with its sentence
    for a, b in sentence_spans(norm.text):
        start, end = norm.to_original(a, b)
        assert normalize(original[start:end]).text == norm.text[a:b]


def test_curly_quotes_become_straight_only_in_the_normalised_text():
    original = "Mali\u2019s army said \u201cno\u201d."
    norm = normalize(original)
    assert norm.text == 'Mali\'s army said "no".'
    assert norm.to_original(0, len(norm.text)) == (0, len(original))


def test_date_header_becomes_metadata_and_is_not_body_text():
    original = " date 2024-03-30 Last night, drones struck."
    meta, start = parse_header(original)
    assert meta == {"date": "2024-03-30"}
    assert normalize(original, start).text == "Last night, drones struck."


def test_abbreviations_do_not_end_sentences():
    text = "Gen. Smith met Mr. Jones in the U.S. capital. They talked."
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        "Gen. Smith met Mr. Jones in the U.S. capital.",
        "They talked.",
    ]


def test_a_subheading_between_dashes_is_not_part_of_the_sentence_after_it():
    # as in an AFP article: the heading glued between two sentences would open the next one's quote, and the
    # reader took "Had to give up" as the answer to "Did the convoy reach Tinzaouatene?"
    original = (
        "the \u201cforced return\u201d of the troops.- \u2018Had to give up\u2019 -"
        "\u201cGiven the size of the convoy\u201d, he said."
    )
    norm = normalize(original)
    assert [norm.text[a:b] for a, b in sentence_spans(norm.text)] == [
        'the "forced return" of the troops.',
        "- 'Had to give up' -",
        '"Given the size of the convoy", he said.',
    ]
    assert "give up' - \"Given" in norm.text  # set apart by a space, as glued sentences are
    # dashes inside a sentence, and a long aside between them, stay where they are
    for text in ("He said - in Kidal - That it was.", "- The army - which had left the town weeks before - said so."):
        assert [text[a:b] for a, b in sentence_spans(text)] == [text]


@given(st.text(alphabet=st.sampled_from(list("ab .\n\u201c\u201dXY7\t")), max_size=80))
def test_every_normalised_character_maps_to_its_original(text):
    norm = normalize(text)
    assert len(norm.text) == len(norm.offsets)
    assert list(norm.offsets) == sorted(norm.offsets)  # an inserted space shares the next character's offset
    for ch, off in zip(norm.text, norm.offsets, strict=True):
        if ch.isspace():
            assert text[off].isspace() or text[off - 1] in ".!?\u201d'\""
        else:
            assert normalize(text[off]).text == ch


def test_decode_refuses_binary_and_falls_back_to_cp1252():
    with pytest.raises(BadInput, match="binary"):
        decode(b"\x89PNG\x00\x00", "x.txt")
    text, warning = decode("caf\u00e9 \u201cquoted\u201d".encode("cp1252"), "x.txt")
    assert text == "caf\u00e9 \u201cquoted\u201d" and "cp1252" in warning
    assert decode("\ufeffhello".encode("utf-8"), "x.txt") == ("hello", None)
