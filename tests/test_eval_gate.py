"""The CI gate: the corpus gold set, extractive mode, must stay above evals/thresholds.json."""

from __future__ import annotations

import json

import pytest

from assistant import Assistant
from assistant.eval_cli import DEFAULT_DIALOGUES, DEFAULT_GOLD
from assistant.evaluation import AssistantSystem, check_thresholds, evaluate, load_dialogues, load_gold

from .conftest import CORPUS, PROJECT

pytestmark = pytest.mark.slow


def test_gold_set_stays_above_the_thresholds(real: Assistant):
    gold, dialogues = load_gold(PROJECT / DEFAULT_GOLD), load_dialogues(PROJECT / DEFAULT_DIALOGUES)
    assert len(gold) >= 60 and sum(not g.answerable for g in gold) >= 15 and len(dialogues) >= 8
    run = evaluate(AssistantSystem(real, "extractive"), gold, dialogues, CORPUS)
    summary = run["summary"]
    print("\n" + "\n".join(f"{k}: {v:.3f}" for k, v in summary.items()))
    thresholds = json.loads((PROJECT / "evals" / "thresholds.json").read_text())
    assert check_thresholds(summary, thresholds) == []
