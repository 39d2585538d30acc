"""The learned answer judge: the committed artifact, its use, and the training script on a tiny slice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.judge import ARTIFACT_DIR, JUDGE_VERSION, TRAINED_LAYERS, AnswerJudge
from assistant.keywords import KeywordIndex


def test_the_committed_judge_is_small_and_says_how_it_was_made():
    meta = json.loads((ARTIFACT_DIR / f"judge-v{JUDGE_VERSION}.json").read_text(encoding="utf-8"))
    size = sum(p.stat().st_size for p in ARTIFACT_DIR.glob(f"judge-v{JUDGE_VERSION}.*"))
    assert size <= 10 * 1024 * 1024
    assert meta["version"] == JUDGE_VERSION and meta["trained_layers"] == list(TRAINED_LAYERS)
    assert meta["command"] == "python -m evals.train_judge" and meta["seed"] == 13
    assert "articles 0-19" in meta["data"]["train"] and "articles 20-23" in meta["data"]["calibration"]
    assert 0.0 < meta["threshold"] < 1.0 and len(meta["platt"]) == 2
    figures = meta["calibration_figures"]
    assert figures["sentence_auc"] > 0.75 and figures["answerable_declined"] <= 0.10


def test_misspelt_words_are_matched_to_the_corpus_vocabulary():
    index = KeywordIndex(
        ["a", "b", "c"], [["recov"], ["bodi"], ["seiz"]], [["recovered", "the"], ["bodies", "the"], ["seized"]]
    )
    assert index.spelling("recoverd") == "recovered"
    assert index.spelling("recovered") is None  # known words stay
    assert index.spelling("bodis") is None  # its stem ("bodi") already matches "bodies"
    assert index.spelling("thw") is None  # too short to correct safely
    assert index.spelling("seize") is None  # another form of a corpus word ("seized"), not a typo of "size"


@pytest.mark.slow
def test_the_judge_ranks_answering_sentences_above_an_unrelated_one(tmp_path: Path):
    # an experimental judge: it does not yet reliably put the answering sentence first (see README)
    judge = AnswerJudge(cache_dir=tmp_path)
    question = "Which company built the bridge over the harbour?"
    sentences = [
        "The bridge over the harbour opened in 1932 after eight years of work.",
        "It was built by Dorman Long, a firm from Middlesbrough.",
        "Dorman Long built the harbour bridge, using steel shipped from England.",
        "Tourists can climb the arch on guided walks.",
    ]
    p = judge.probabilities(question, sentences)
    assert min(p[1], p[2]) > p[3] and all(0.0 < x < 1.0 for x in p)


@pytest.mark.slow
def test_the_training_script_runs_on_a_tiny_slice(tmp_path: Path):
    from evals import finetune, train_judge

    if not finetune.DATA.is_dir():
        pytest.skip(f"{finetune.DATA} is not here (the shared benchmark data sits beside the checkout)")
    assert train_judge.main(["--quick", "--out", str(tmp_path)]) == 0
    meta = json.loads((tmp_path / f"judge-v{JUDGE_VERSION}.json").read_text(encoding="utf-8"))
    assert meta["data"]["train_pairs"] == 800 and 0.0 < meta["threshold"] < 1.0
    judge = AnswerJudge(cache_dir=tmp_path / "cache", artifact_dir=tmp_path)
    assert len(judge.probabilities("Who built it?", ["Dorman Long built it.", "It opened in 1932."])) == 2
