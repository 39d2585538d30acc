"""The CI gate: the corpus gold set, extractive mode, must stay above evals/thresholds.json."""

from __future__ import annotations

import json

import pytest

from assistant import Assistant
from assistant.eval_cli import DEFAULT_DIALOGUES, DEFAULT_GOLD
from assistant.evaluation import (
    AssistantSystem,
    check_thresholds,
    contains,
    evaluate,
    load_dialogues,
    load_gold,
    ndcg,
    token_f1,
)

from .conftest import CORPUS, PROJECT

pytestmark = pytest.mark.slow


def test_gold_set_stays_above_the_thresholds(real: Assistant):
    gold, dialogues = load_gold(DEFAULT_GOLD), load_dialogues(DEFAULT_DIALOGUES)
    assert len(gold) >= 60 and sum(not g.answerable for g in gold) >= 15 and len(dialogues) >= 8
    run = evaluate(AssistantSystem(real, "extractive"), gold, dialogues, CORPUS)
    summary = run["summary"]
    print("\n" + "\n".join(f"{k}: {v:.3f}" for k, v in summary.items()))
    thresholds = json.loads((PROJECT / "evals" / "thresholds.json").read_text())
    assert check_thresholds(summary, thresholds) == []


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
