"""How retrieval cost grows with the index: latency and memory at several chunk counts.

Indexes of each size are filled with chunks (and their stored vectors) copied from indexes already built by
``evals.perf``, so no chunk is embedded twice. Each size is then measured in a fresh child process:

    python -m evals.perf_scale probe DATA_DIR QUESTIONS.json   # prints one JSON line
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant import Assistant, Settings
from assistant.scoring import percentile

COPY_BATCH = 2000


def build_scaled(sources: Sequence[Assistant], size: int, data_dir: Path) -> int:
    """A new index of ``size`` chunks taken from ``sources`` in order (the first source's chunks first)."""
    shutil.rmtree(data_dir, ignore_errors=True)
    target = Assistant(Settings(corpus_dir=data_dir / "corpus", data_dir=data_dir))
    left = size
    for source in sources:
        ids = sorted(source.index.ids())[:left]
        for i in range(0, len(ids), COPY_BATCH):
            part = ids[i : i + COPY_BATCH]
            target.index.upsert(source.index.get(part), source.index.vectors(part))
        left -= len(ids)
        if left <= 0:
            break
    # models: the ONNX export is copied too, so the probe loads what an installed assistant loads
    models = sources[0].settings.data_dir / "models"
    if models.is_dir():
        shutil.copytree(models, data_dir / "models", dirs_exist_ok=True)
    return target.index.count()


def measure(data_dir: Path, questions: Sequence[str], env: dict[str, str]) -> dict[str, Any]:
    """Probe the index in a fresh process twice: the first builds the keyword cache, the second is measured."""
    qfile = data_dir / "questions.json"
    qfile.write_text(json.dumps(list(questions)), encoding="utf-8")
    cmd = [sys.executable, "-m", "evals.perf_scale", "probe", str(data_dir), str(qfile)]
    subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
    done = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    stored = [f for f in data_dir.rglob("*") if f.is_file() and "models" not in f.parts]
    result["disk_mb"] = sum(f.stat().st_size for f in stored) / (1024 * 1024)
    return result


def probe(data_dir: Path, questions: list[str]) -> dict[str, Any]:
    began = time.perf_counter()
    assistant = Assistant(Settings(corpus_dir=data_dir / "corpus", data_dir=data_dir))
    assistant.retriever.retrieve(questions[0], 6)  # opens the store, loads the keyword index and the model
    opened = time.perf_counter() - began
    retrieval, answers = [], []
    for q in questions:
        t0 = time.perf_counter()
        assistant.retriever.retrieve(q, 6)
        retrieval.append(time.perf_counter() - t0)
    for q in questions:
        t0 = time.perf_counter()
        assistant.ask(q)
        answers.append(time.perf_counter() - t0)
    return {
        "chunks": assistant.index.count(),
        "open_s": opened,
        "retrieval_p50_ms": statistics.median(retrieval) * 1000,
        "retrieval_p95_ms": percentile(retrieval, 0.95) * 1000,
        "extractive_p50_ms": statistics.median(answers) * 1000,
        "peak_rss_mb": _peak_rss_mb(),
    }


def _peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    if len(sys.argv) != 4 or sys.argv[1] != "probe":
        sys.exit(__doc__)
    questions = json.loads(Path(sys.argv[3]).read_text(encoding="utf-8"))
    print(json.dumps(probe(Path(sys.argv[2]), questions)))


if __name__ == "__main__":
    main()
