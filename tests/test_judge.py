"""The answer judge: the committed weights, its use, and the training script on a tiny slice."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from assistant import Assistant
from assistant.answer import UNSURE_HEAD, UNSURE_NOTE, SourceReader, phrase_in
from assistant.backends.finetuned import ARTIFACT_DIR
from assistant.engine import AnswerEngine, last_answer
from assistant.errors import ConfigError
from assistant.judge import FEATURES, JUDGE_VERSION, AnswerJudge, _in_sentence, as_read
from assistant.keywords import KeywordIndex
from assistant.reader import JUDGE_READER_VERSION, Span, SpanReader
from assistant.retrieval import Evidence

from .conftest import RankedJudge


def test_the_committed_judge_says_how_it_was_made():
    meta = json.loads((ARTIFACT_DIR / f"judge-v{JUDGE_VERSION}.json").read_text(encoding="utf-8"))
    assert meta["version"] == JUDGE_VERSION and meta["features"] == list(FEATURES)
    assert meta["reader"] == f"reader-v{JUDGE_READER_VERSION}" and len(meta["weights"]) == len(FEATURES)
    assert meta["command"] == "python -m evals.train_judge" and "articles 20-23" in meta["data"]
    assert 0.0 < meta["threshold"] < 1.0
    figures = meta["figures_on_the_training_questions"]
    assert figures["answerable_declined"] <= meta["max_declined"] + 0.005 and meta["max_declined"] <= 0.10
    assert figures["question_auc_answerable_vs_not"] > 0.6 and figures["question_auc_answerable_vs_left_out"] > 0.8
    assert figures["questions"]["left out"] > 500  # asked without their own paragraph


def test_a_judge_trained_with_another_reader_says_so(tmp_path: Path):
    meta = json.loads((ARTIFACT_DIR / f"judge-v{JUDGE_VERSION}.json").read_text(encoding="utf-8"))
    other = json.dumps({**meta, "reader": "reader-v1"})
    (tmp_path / f"judge-v{JUDGE_VERSION}.json").write_text(other, encoding="utf-8")
    with pytest.raises(ConfigError, match="trained with reader-v1, not reader-v"):
        AnswerJudge(SpanReader(cache_dir=tmp_path, version=JUDGE_READER_VERSION), artifact_dir=tmp_path)


def test_misspelt_words_are_matched_to_the_corpus_vocabulary():
    index = KeywordIndex(
        ["a", "b", "c"], [["recov"], ["bodi"], ["seiz"]], [["recovered", "the"], ["bodies", "the"], ["seized"]]
    )
    assert index.spelling("recoverd") == "recovered"
    assert index.spelling("recovered") is None  # known words stay
    assert index.spelling("bodis") is None  # its stem ("bodi") already matches "bodies"
    assert index.spelling("thw") is None  # too short to correct safely
    assert index.spelling("seize") is None  # another form of a corpus word ("seized"), not a typo of "size"


def test_short_words_and_names_are_corrected_only_for_a_typing_slip():
    index = KeywordIndex(["a", "b"], [["kidal", "mali"], ["green"]], [["kidal", "mali"], ["green"]])
    assert index.spelling("kidl") == "kidal"  # a letter dropped
    assert index.spelling("gren") == "green"
    assert index.spelling("mari") is None  # l -> r: keys far apart, another name, not a slip on "mali"
    assert index.spelling("mlai") == "mali"  # neighbours swapped
    assert index.spelling("kudal", slips_only=True) == "kidal"  # u beside i on the keyboard
    assert index.spelling("kodal", slips_only=True) == "kidal"  # o beside i too
    assert index.spelling("kxdal", slips_only=True) is None  # x is nowhere near i
    assert index.spelling("kxdal") == "kidal"  # a longer lower-case word takes any one edit


def _evidence(text: str, score: float, similarity: float, coverage: float) -> Evidence:
    return Evidence(text, "a.txt", "A", "", "a.txt", 0, len(text), score, similarity, coverage, ())


@pytest.mark.slow
def test_the_judge_prefers_the_sentence_that_answers(tmp_path: Path):
    judge = AnswerJudge(SpanReader(cache_dir=tmp_path, version=JUDGE_READER_VERSION))
    question = "Which company built the bridge over the harbour?"
    evidence = [  # in rule-score order: the closest in words does not say who built it
        _evidence("The bridge over the harbour opened in 1932 after eight years of work.", 0.62, 0.7, 0.55),
        _evidence("Dorman Long, a firm from Middlesbrough, built it with steel shipped from England.", 0.45, 0.5, 0.2),
        _evidence("Tourists can climb the arch on guided walks.", 0.2, 0.3, 0.0),
    ]
    judged = judge.judged(question, evidence)
    assert judged[0].text.startswith("Dorman Long") and judged[-1].text.startswith("Tourists")
    assert all(0.0 < e.score < 1.0 for e in judged)


def test_a_sentence_opening_with_a_pronoun_is_read_with_the_words_only_the_sentence_before_holds():
    before = "After several years of truce, the Tuareg separatists took up arms against the state in 2023."
    lost = _evidence("They have since lost control of several towns in the north.", 0.5, 0.5, 0.5)
    lost = dataclasses.replace(lost, previous=before)
    said = as_read("Which towns did the Tuareg separatists lose?", lost)
    assert said == "Tuareg separatists have since lost control of several towns in the north."
    assert as_read("Which towns were lost in the north?", lost) == lost.text  # nothing only the sentence before has
    assert as_read("Which towns did the Tuareg separatists lose? (Kidal)", lost) == said  # not a follow-up's words
    unclear = dataclasses.replace(lost, text="It is unclear whether the separatists lost towns.")
    assert as_read("Did the state lose towns in 2023?", unclear) == unclear.text  # an "it" that stands for nothing
    assert as_read("Which towns did the Tuareg separatists lose?", dataclasses.replace(lost, previous="")) == lost.text


def test_the_judges_reading_is_located_in_the_sentence_as_written():
    before = "After several years of truce, the Tuareg separatists took up arms against the state in 2023."
    lost = dataclasses.replace(
        _evidence("They have since lost control of several towns in the north.", 0.5, 0.5, 0.5), previous=before
    )
    said = as_read("Which towns did the Tuareg separatists lose?", lost)
    towns = said.index("several towns")
    # read in "Tuareg separatists have since lost…", said where "They have since lost…" writes it
    written = lost.text.index("several towns")
    assert _in_sentence(Span(towns, towns + 13, 1.0), said, lost.text) == (written, written + 13)
    assert _in_sentence(Span(0, 18, 1.0), said, lost.text) is None  # the words said for "They" are not written
    assert _in_sentence(Span(5, 9, 1.0), lost.text, lost.text) == (5, 9)
    assert _in_sentence(None, said, lost.text) is None


@pytest.mark.slow
def test_the_training_script_runs_on_a_tiny_slice(tmp_path: Path):
    from evals import finetune, train_judge

    if not finetune.DATA.is_dir():
        pytest.skip(f"{finetune.DATA} is not here (the shared benchmark data sits beside the checkout)")
    assert train_judge.main(["--quick", "--reworded", "--out", str(tmp_path)]) == 0
    meta = json.loads((tmp_path / f"judge-v{JUDGE_VERSION}.json").read_text(encoding="utf-8"))
    asked = meta["figures_on_the_training_questions"]["questions"]
    assert meta["data"] == "quick slice" and asked["answerable"] > 0
    assert asked["reworded answerable"] > 0  # the questions once more in other words (evals.paraphrase)
    assert meta["command"] == "python -m evals.train_judge --reworded --quick"
    judge = AnswerJudge(SpanReader(cache_dir=tmp_path / "cache", version=JUDGE_READER_VERSION), artifact_dir=tmp_path)
    assert 0.0 < judge.threshold < 1.0


class SecondSentenceReader:
    """Reads its short answer from the second sentence, as the span reader does when that span scores far better."""

    def short_answer(
        self,
        question: str,
        candidates: Sequence[Evidence],
        source: SourceReader,
        whole_list: bool = False,
        antecedent: str = "",
    ):
        return phrase_in(candidates[1], 0, 4, source)


def test_an_answer_leading_with_a_less_sure_passage_than_the_best_says_so(fast: Assistant):
    fast.ingest()
    base = fast.engine
    judge, reader = RankedJudge(lambda i: 0.6 if i == 0 else 0.2, bar=0.18), SecondSentenceReader()
    engine = AnswerEngine(base.retriever, base.reader, base.prompts, base.settings, None, judge, reader)  # type: ignore[arg-type]
    answer = last_answer(engine.stream("Who recovered the bodies near Tinzaouatene?"))
    assert not answer.refused and answer.short and answer.citations[0].score == pytest.approx(0.2)
    assert answer.notes[0].startswith(f"{UNSURE_NOTE}: the judge gives the passage cited first a probability of 0.20")
    assert answer.text.startswith(f"{UNSURE_HEAD}{answer.short.text} [1]")  # the doubt is said before the phrase
    engine.span_reader = None  # no short answer: the answer leads with the best passage, which the judge is sure of
    assert not last_answer(engine.stream("Who recovered the bodies near Tinzaouatene?")).notes
