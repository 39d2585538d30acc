"""The performance runner's ingest stage on the bundled corpus: the figures it prints can still be measured (its
full run takes an hour and is not part of the default tests)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import Assistant, Settings
from evals.perf import Row, ingest_rows

pytestmark = pytest.mark.slow


def test_the_ingest_stage_measures_ours_the_floors_and_the_llama_index_default(tmp_path: Path, corpus: Path):
    ours = Assistant(Settings(corpus_dir=corpus, data_dir=tmp_path / "data"))
    rows: list[Row] = []
    baseline, _, baseline_s = ingest_rows("corpus", corpus, ours, rows, True)
    names = [r[0] for r in rows]
    assert names[0] == "ingest, corpus (chunks/s)" and any("torch" in n for n in names)
    assert all(r[1] and r[1] > 0 for r in rows) and rows[0][2] and baseline_s > 0
