"""The scorers, on hand-checked cases (fast)."""

from __future__ import annotations

import math

import pytest

from assistant.evaluation import check_thresholds
from assistant.scoring import contains, ndcg, percentile, retrieval_metrics, risk_coverage, token_f1


def test_scorers_follow_squad_normalisation():
    assert contains("The Malian armed forces, said Tass.", ["malian armed forces"])
    assert not contains("Malian armed forcesX", ["malian armed forces"])
    assert token_f1("the armed forces of Mali", ["Mali's armed forces"]) == pytest.approx(
        2 * 0.5 * (2 / 3) / (0.5 + 2 / 3)
    )
    assert ndcg(["b", "a"], {"a"}) == pytest.approx(1 / 1.5849625, rel=1e-6)
    assert check_thresholds({"x": 0.5}, {"x": 0.6, "y": 0.1}) == [
        "x = 0.500 is below the threshold 0.600",
        "y = nan is below the threshold 0.100",
    ]


def test_percentile_is_nearest_rank_and_retrieval_metrics_count_hits():
    assert percentile([5, 1, 3, 2, 4], 0.5) == 3 and percentile([1, 2], 0.95) == 2
    metrics = retrieval_metrics([(["a", "b"], ["b"]), (["c"], ["d"])])
    assert metrics["hit@1"] == 0.0 and metrics["hit@3"] == 0.5 and metrics["mrr"] == pytest.approx(0.25)


def test_risk_coverage_walks_the_threshold_down_the_scores():
    curve = risk_coverage([(0.9, True), (0.8, False), (0.8, True), (0.1, False)])
    assert curve == [(0.9, 0.25, 1.0), (0.8, 0.75, 2 / 3), (0.1, 1.0, 0.5)]


def test_wilson_intervals_match_the_formula_on_a_hand_checked_case():
    from assistant.exports import wilson

    low, high = wilson(50, 55)  # the gold set's 50 of 55: 0.909, interval about 0.80-0.96
    assert round(low, 3) == 0.804 and round(high, 3) == 0.961
    assert wilson(0, 10)[0] == 0.0 and wilson(10, 10)[1] == 1.0
    assert all(math.isnan(v) for v in wilson(0, 0))


def test_reports_write_per_sample_jsonl_and_slices_by_kind(tmp_path):
    import json
    from dataclasses import asdict

    from assistant import Answer, Citation
    from assistant.evaluation import GoldItem, score
    from assistant.exports import by_kind, intervals
    from assistant.reports import write_reports

    quote = Citation("a.txt", "A", "The harvest doubled.", 0, 20, 0.9)
    said = Answer("The harvest doubled [1].", False, (quote,), {"total": 10.0})
    declined = Answer("The documents don't say.", True, (), {"total": 5.0})
    asked = [
        (GoldItem("q1", "Q1?", ("doubled",), ("a.txt",), True), said),
        (GoldItem("q2", "Q2?", ("tripled",), ("a.txt",), True), said),
        (GoldItem("q3", "Q3?", (), (), False, "unanswerable"), declined),
    ]
    results = [asdict(score(item, answer, ["a.txt"], tmp_path)) for item, answer in asked]
    run = {
        "system": "assistant extractive",
        "summary": {},
        "results": results,
        "dialogue_turns": [],
        "intervals": intervals(results),
        "by_kind": by_kind(results),
    }
    assert run["by_kind"]["fact"]["rate"] == 0.5 and run["by_kind"]["unanswerable"]["n"] == 1
    assert run["intervals"]["answer_accuracy"]["n"] == 2
    paths = write_reports([run], tmp_path, "t")
    samples = tmp_path / "samples-assistant-extractive.jsonl"
    rows = [json.loads(line) for line in samples.read_text().splitlines()]
    assert samples in paths and len(rows) == 3
    assert set(rows[0]) >= {"user_input", "response", "retrieved_contexts", "reference"}
    assert rows[0]["retrieved_contexts"] == ["The harvest doubled."] and rows[0]["reference"] == "doubled"
    assert rows[2]["reference"] == "" and rows[2]["refused"] is True
    assert "| fact | 0.500 |" in (tmp_path / "report.md").read_text()
