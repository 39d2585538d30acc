"""The real app under load (run on its own: `make load`): 10 concurrent users for 2 minutes, and memory over
100 mixed questions."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from .conftest import CORPUS, free_port

pytestmark = pytest.mark.load
USERS = 10
SECONDS = float(os.environ.get("LOAD_SECONDS", "120"))
QUESTIONS = [
    "Who recovered the bodies after Tinzaouatene?",
    "How many children were killed in Tinzaouaten?",
    "Who won the 2022 football World Cup?",
    "What did the drones target in Kidal?",
    "When did the junta seize power in Mali?",
    "Who is the head of COSI?",
]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start_app(root: Path, data: Path, **env: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    environment = {**os.environ, "ASSISTANT_CORPUS_DIR": str(root), "ASSISTANT_DATA_DIR": str(data), **env}
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant", "web", "--port", str(port)],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "config", timeout=2).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.5)
    process.kill()
    raise RuntimeError("the app did not start")


@pytest.fixture(scope="module")
def corpus_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("load") / "corpus"
    shutil.copytree(CORPUS, root)
    return root


def test_ten_users_for_two_minutes(corpus_copy: Path, tmp_path: Path):
    from gradio_client import Client

    process, url = start_app(corpus_copy, tmp_path / "data")
    try:
        Client(url, verbose=False).predict(QUESTIONS[0], api_name="/ask")  # warm-up: first ingest and model load
        latencies: list[float] = []
        errors: list[str] = []
        rss: list[tuple[float, float]] = []
        stop = time.monotonic() + SECONDS

        def user(n: int) -> None:
            client = Client(url, verbose=False)
            i = n
            while time.monotonic() < stop:
                began = time.monotonic()
                try:
                    result = client.predict(QUESTIONS[i % len(QUESTIONS)], api_name="/ask")
                    if "error" in result:
                        errors.append(result["error"])
                except Exception as exc:  # any failure a user would see
                    errors.append(repr(exc))
                latencies.append(time.monotonic() - began)
                i += 1

        threads = [threading.Thread(target=user, args=(n,)) for n in range(USERS)]
        began = time.monotonic()
        for t in threads:
            t.start()
        while any(t.is_alive() for t in threads):
            rss.append((time.monotonic() - began, rss_mb(process.pid)))
            time.sleep(5)
        for t in threads:
            t.join()
        ordered = sorted(latencies)
        p50, p95 = ordered[len(ordered) // 2], ordered[int(len(ordered) * 0.95) - 1]
        later = [m for t, m in rss if t >= SECONDS / 4]
        print(
            f"\nload: {USERS} users, {SECONDS:.0f} s, {len(latencies)} answers, {len(errors)} errors, "
            f"p50 {p50:.2f} s, p95 {p95:.2f} s, {len(latencies) / SECONDS:.1f} answers/s, "
            f"RSS {min(later):.0f}-{max(later):.0f} MB (start {rss[0][1]:.0f} MB)"
        )
        assert not errors, errors[:3]
        assert max(later) < 1.15 * min(later)  # flat once warm
    finally:
        process.terminate()
        process.wait(timeout=30)


MIXED = [
    *QUESTIONS,
    "Summarize the articles.",
    "Compare what the articles say about the drone strikes.",
    "What happened in Kidal?",
    "Why did the convoy return without fighting?",
]


def test_memory_stays_flat_over_a_hundred_mixed_questions(corpus_copy: Path, tmp_path: Path):
    """100 questions of every kind, one in five generative: the app's RSS after each, flat over the last 50."""
    from gradio_client import Client

    process, url = start_app(corpus_copy, tmp_path / "data")
    try:
        client = Client(url, verbose=False)
        rss, errors, generated = [], [], 0
        for i in range(100):
            mode = "generative" if i % 5 == 4 else "extractive"
            # the generative fifth cycles through every question of its own (i % len(MIXED) would give it two)
            question = MIXED[(i // 5 if mode == "generative" else i) % len(MIXED)]
            result = client.predict(question, mode, api_name="/ask")
            if "error" in result:
                errors.append(result["error"])
            generated += result.get("mode") == "generative"  # else refused before, or fell back to, extraction
            rss.append(rss_mb(process.pid))
        last = rss[50:]
        print(
            f"\nmemory: 100 questions (20 generative), RSS after 1: {rss[0]:.0f} MB, after 50: {rss[49]:.0f} MB, "
            f"after 100: {rss[-1]:.0f} MB, last 50: {min(last):.0f}-{max(last):.0f} MB; "
            f"{generated} answers generated"
        )
        assert generated > 0  # the language model did run
        assert not errors, errors[:3]
        assert max(rss) <= 1024
        assert max(last) < 1.05 * rss[49]  # flat: no growth per question once every path has run
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_a_full_queue_says_so(corpus_copy: Path, tmp_path: Path):
    from gradio_client import Client

    process, url = start_app(corpus_copy, tmp_path / "data", ASSISTANT_WEB__QUEUE_SIZE="1")
    try:
        Client(url, verbose=False).predict(QUESTIONS[0], api_name="/ask")
        client = Client(url, verbose=False)
        jobs = [client.submit(QUESTIONS[i % len(QUESTIONS)], api_name="/ask") for i in range(12)]
        messages = []
        for job in jobs:
            try:
                job.result(timeout=120)
            except Exception as exc:
                messages.append(str(exc))
        assert messages and all("queue is full" in m.lower() for m in messages), messages[:3]
    finally:
        process.terminate()
        process.wait(timeout=30)
