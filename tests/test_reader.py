"""The span reader: the committed artifact, the short answers it gives, and the training script on a tiny slice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.errors import ConfigError
from assistant.reader import ARTIFACT_DIR, JUDGE_READER_VERSION, READER_VERSION, TRAINED_LAYERS, SpanReader


@pytest.mark.parametrize("version", [READER_VERSION, JUDGE_READER_VERSION])
def test_the_committed_readers_are_small_and_say_how_they_were_made(version: int):
    meta = json.loads((ARTIFACT_DIR / f"reader-v{version}.json").read_text(encoding="utf-8"))
    size = sum(p.stat().st_size for p in ARTIFACT_DIR.glob(f"reader-v{version}.*"))
    assert size <= 6 * 1000 * 1000  # packed: 3- or 4-bit differences from the packaged weights
    if "packed" in meta:  # packed after training (python -m evals.pack): what packing cost, measured then
        forms = meta["packed"]
        assert abs(forms["packed"]["f1"] - forms["float16"]["f1"]) <= 1.0
    assert meta["version"] == version and meta["trained_layers"] == list(TRAINED_LAYERS)
    assert meta["command"].startswith("python -m evals.train_reader") and meta["seed"] == 13
    assert "articles 0-19" in meta["data"]["train"] and "articles 20-23" in meta["data"]["check"]
    assert meta["check_figures"]["given_the_sentence_f1"] > 50


def test_every_trained_artifact_together_stays_under_ten_megabytes():
    assert sum(p.stat().st_size for p in ARTIFACT_DIR.iterdir()) <= 10 * 1000 * 1000


def test_a_damaged_reader_file_says_so(tmp_path: Path):
    (tmp_path / f"reader-v{READER_VERSION}.json").write_bytes(
        (ARTIFACT_DIR / f"reader-v{READER_VERSION}.json").read_bytes()
    )
    (tmp_path / f"reader-v{READER_VERSION}.safetensors").write_bytes(b"\x10\x00 not a tensor file")
    reader = SpanReader(cache_dir=tmp_path / "cache", artifact_dir=tmp_path)
    with pytest.raises(ConfigError, match="cannot be read .*reinstall"):
        reader.spans("Who built it?", ["Dorman Long built it."])


@pytest.mark.slow
def test_the_reader_finds_the_answer_words_inside_the_sentence(tmp_path: Path):
    reader = SpanReader(cache_dir=tmp_path)
    sentence = "The bridge was built by Dorman Long, a firm from Middlesbrough, and opened in 1932."
    spans = reader.spans("When did the bridge open?", [sentence, "Tourists climb it."])
    assert spans[0] is not None and sentence[spans[0].start : spans[0].end] == "1932"
    who = reader.spans("Which company built the bridge?", [sentence])[0]
    assert who is not None and "Dorman Long" in sentence[who.start : who.end]


@pytest.mark.slow
def test_the_training_script_runs_on_a_tiny_slice(tmp_path: Path):
    from evals import finetune, train_reader

    if not finetune.DATA.is_dir():
        pytest.skip(f"{finetune.DATA} is not here (the shared benchmark data sits beside the checkout)")
    assert train_reader.main(["--quick", "--reworded", "--out", str(tmp_path)]) == 0
    meta = json.loads((tmp_path / f"reader-v{JUDGE_READER_VERSION}.json").read_text(encoding="utf-8"))
    assert meta["data"]["train"] == "quick slice" and meta["check_figures"]["check_questions"] > 0
    assert meta["check_figures"]["reworded_check_questions"] > 0  # the questions asked in other words too
    reader = SpanReader(cache_dir=tmp_path / "cache", artifact_dir=tmp_path, version=JUDGE_READER_VERSION)
    assert len(reader.spans("Who built it?", ["Dorman Long built it.", "It opened in 1932."])) == 2


def test_the_recorded_training_command_gives_the_options_as_typed():
    from evals.train_reader import arguments, command

    parser = arguments()
    typed = ["--epochs", "2", "--unanswerable-sentences", "3", "--no-swapped", "--out", "elsewhere"]
    assert command(parser, parser.parse_args(typed)) == (
        "python -m evals.train_reader --epochs 2 --no-swapped --unanswerable-sentences 3"
    )
    assert command(parser, parser.parse_args([])) == "python -m evals.train_reader"


@pytest.mark.parametrize(
    ("picked", "shown"),
    [
        ("124 miles", "200 kilometres (124 miles)"),  # the article's own unit comes first
        ("200 kilometres", "200 kilometres (124 miles)"),
        ("200", "200"),  # a bare number is no measure
        ("Kidal", "Kidal"),
    ],
)
def test_a_measure_is_shown_with_its_conversion(picked: str, shown: str):
    from assistant.reader import with_conversion

    sentence = "The convoy made a stop some 200 kilometres (124 miles) south of Tinzaouatene in the city of Kidal."
    start = sentence.index(picked)
    a, b = with_conversion(sentence, start, start + len(picked))
    assert sentence[a:b] == shown


@pytest.mark.parametrize(
    ("question", "sentence", "picked", "shown"),
    [
        # the reader's number counts people; the one before "children" counts what is asked
        ("How many children died?", "At least 30 people, including 12 children, died in the fire.", "30", "12"),
        ("How many boats sank?", "Storms sank 40 boats and damaged 9 trucks.", "9", "40"),
        # several numbers read, one of them counting the thing asked
        ("How many lorries were lost?", "The firm lost 20 of its vans and 6 lorries.", "20 of its vans and 6", "6"),
        # the thing is the last word of the question's phrase, and a word may stand between number and thing
        ("How many Dutch lorries were lost?", "It lost 20 vans and 6 Dutch lorries.", "20 vans and 6", "6"),
        ("How many city parks are open?", "It has 12 city parks and 30 city pools.", "12 city parks and 30", "12"),
        ("How many vans broke down?", "It had 20 vans and 6 lorries.", "20 vans and 6", "20"),  # a verb: any word
        # a number alone is re-chosen only for one right before X's first word: "47 Mali troops" may be them
        ("How many Malian soldiers died?", "Rebels killed 47 Mali troops; others claimed 10 soldiers.", "47", "47"),
        # "3 million vans" counts no "3" vans
        ("How many vans sold?", "It sold 3 million vans and 6 cars.", "3 million vans and 6", "3 million vans and 6"),
        # kept: the number counts a thing the question names, or nothing of its own, or a part of a whole
        ("How many people were hurt?", "Floods killed 8 people and hurt two others.", "two", "two"),
        ("How many times did they score goals?", "They hit the post 4 times and scored 2 goals.", "2", "2"),
        ("How many lines reach the port?", "Six of the nine lines reach the port.", "Six", "Six"),
        # a range or one number in words is no list of counts
        ("How many species are known?", "Between 100 and 150 species are known.", "100 and 150", "100 and 150"),
        ("How many ships came?", "The fleet of 12 ships came.", "12", "12"),
    ],
)
def test_how_many_is_answered_by_the_number_that_counts_the_thing_asked(
    question: str, sentence: str, picked: str, shown: str
):
    from assistant.reader import counted

    start = sentence.index(picked)
    a, b = counted(question, sentence, start, start + len(picked))
    assert sentence[a:b] == shown


def test_how_far_is_answered_in_the_articles_unit_first(real):
    answer = real.ask("How far is Kidal from Tinzaouatene?")
    assert answer.short and answer.short.text == "200 kilometres (124 miles)"


@pytest.mark.parametrize(
    ("picked", "shown"),
    [
        ("Defence of the People of Azawad (CSP-DPA", "Defence of the People of Azawad (CSP-DPA)"),
        ("CSP-DPA), a group of Tuareg rebels", "(CSP-DPA), a group of Tuareg rebels"),
        ("People of Azawad", "People of Azawad"),
    ],
)
def test_a_short_answer_keeps_its_brackets_whole(picked: str, shown: str):
    from assistant.reader import _tidy

    sentence = "the Strategic Framework for the Defence of the People of Azawad (CSP-DPA), a group of Tuareg rebels"
    start = sentence.index(picked)
    span = _tidy(sentence, start, start + len(picked), 1.0)
    assert span and sentence[span.start : span.end] == shown
