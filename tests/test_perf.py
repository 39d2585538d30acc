"""The performance runner's stages on small data: the figures it prints can still be measured (its full run takes
an hour and is not part of the default tests)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from assistant import Assistant, Settings
from evals.perf import Row, ingest_rows, scifact_stage

pytestmark = pytest.mark.slow


def test_the_ingest_stage_measures_ours_the_floors_and_the_llama_index_default(tmp_path: Path, corpus: Path):
    ours = Assistant(Settings(corpus_dir=corpus, data_dir=tmp_path / "data"))
    rows: list[Row] = []
    baseline, _, baseline_s = ingest_rows("corpus", corpus, ours, rows, True)
    names = [r[0] for r in rows]
    assert names[0] == "ingest, corpus (chunks/s)" and any("torch" in n for n in names)
    assert all(r[1] and r[1] > 0 for r in rows) and rows[0][2] and baseline_s > 0


def test_the_scifact_stage_scores_both_rankings(tmp_path: Path):
    rows: list[Row] = []
    scifact_stage(argparse.Namespace(abstracts=40), tmp_path, rows)
    scored = {r[0].split(" (")[0]: r for r in rows}
    assert 0 <= scored["SciFact nDCG@10"][1] <= 1 and 0 <= scored["SciFact nDCG@10"][2] <= 1
    assert (tmp_path / "scifact" / "trec-ours" / "run.trec").is_file()
