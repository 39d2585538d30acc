"""The scorers, on hand-checked cases (fast)."""

from __future__ import annotations

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
