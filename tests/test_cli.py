from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.cli import main

from .conftest import HEADLINE


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def env(tmp_path: Path, corpus: Path) -> dict[str, str]:
    return {
        "ASSISTANT_CORPUS_DIR": str(corpus),
        "ASSISTANT_DATA_DIR": str(tmp_path / "data"),
        "ASSISTANT_EMBED__BACKEND": "hash",
        "ASSISTANT_RETRIEVAL__JUDGE": "rules",
    }


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """``assistant ARGS`` in this process (``main(argv)``), with exactly the given ASSISTANT_* environment."""

    def invoke(*args: str, env: dict[str, str]) -> Result:
        with monkeypatch.context() as patch:
            for name in [k for k in os.environ if k.startswith("ASSISTANT_")]:
                patch.delenv(name)
            for name, value in env.items():
                patch.setenv(name, value)
            code = main(list(args))
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return invoke


def test_python_dash_m_runs_the_same_command_line(env: dict[str, str]):
    base = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "ask", "", "--json"],
        capture_output=True,
        text=True,
        env={**base, **env},
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 1 and result.stderr.startswith("error: the question is empty")


def test_ask_json_has_the_documented_shape(run, env: dict[str, str], corpus: Path):
    result = run("ask", "Where did the convoy make a stop on its way to Tinzaouatene?", "--json", env=env)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"answer", "refused", "citations", "timings_ms"} <= set(data)
    assert isinstance(data["answer"], str) and isinstance(data["refused"], bool)
    assert isinstance(data["timings_ms"], dict) and data["timings_ms"]["total"] > 0
    for c in data["citations"] + data["nearest"]:
        assert {"source", "title", "quote", "start", "end", "score"} <= set(c)
        assert (corpus / c["source"]).read_text(encoding="utf-8")[c["start"] : c["end"]] == c["quote"]
    assert "Traceback" not in result.stderr


def test_ask_says_what_was_searched_when_a_word_was_corrected(run, env: dict[str, str]):
    result = run("ask", "Who recoverd the bodies after Tinzaouatene?", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("(searched as: Who recovered the bodies after Tinzaouatene?)\n")
    plain = run("ask", "Who recovered the bodies after Tinzaouatene?", env=env)
    assert "searched as" not in plain.stdout


def test_ingest_twice_reports_everything_unchanged(run, env: dict[str, str]):
    first = run("ingest", "--quiet", env=env)
    assert first.returncode == 0 and "added 3" in first.stdout
    second = run("ingest", env=env)
    assert second.returncode == 0
    assert "unchanged 3" in second.stdout and "0 chunks embedded" in second.stdout


@pytest.mark.parametrize(
    ("args", "extra_env", "message"),
    [
        (("ask", ""), {}, "error: the question is empty"),
        (
            ("ask", "hello"),
            {"ASSISTANT_CHUNK__SIZE_TOKENS": "many"},
            "error: invalid setting ASSISTANT_CHUNK__SIZE_TOKENS",
        ),
        (
            ("ask", "hello"),
            {"ASSISTANT_EMBED__BACKEND": "word2vec"},
            "error: unknown embedder 'word2vec'; known: hash, minilm",
        ),
        (
            ("ask", "hello"),
            {"ASSISTANT_STORE__HOST": "127.0.0.1", "ASSISTANT_STORE__PORT": "9"},
            "error: cannot reach the Chroma server",
        ),
        (("ingest", "/no/such/folder"), {}, "does not exist"),
        (("eval", "--engine", "nosuch"), {}, "error: --engine takes module:function"),
        (("eval", "--engine", "nosuch:build"), {}, "error: cannot load the engine factory nosuch:build"),
        (("search", "drones", "--in", "nope.txt"), {}, "error: nope.txt is not an indexed file"),
    ],
)
def test_errors_are_one_clear_line_without_traceback(run, env: dict[str, str], args, extra_env, message):
    result = run(*args, env={**env, **extra_env})
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_headline_and_refusal_with_the_packaged_model(run, env: dict[str, str]):
    real_env = {k: v for k, v in env.items() if k not in ("ASSISTANT_EMBED__BACKEND", "ASSISTANT_RETRIEVAL__JUDGE")}
    answer = json.loads(run("ask", HEADLINE, "--json", env=real_env).stdout)
    assert not answer["refused"]
    assert any("recovered the remains" in c["quote"] and c["source"].startswith("000_") for c in answer["citations"])
    refused = json.loads(run("ask", "Who won the 2022 football World Cup?", "--json", env=real_env).stdout)
    assert refused["refused"] is True and refused["citations"] == []


def test_chat_streams_each_answer_and_greets_with_the_documents(
    run, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
):
    import io

    monkeypatch.setattr(
        sys, "stdin", io.StringIO("hi\nWhere did the convoy make a stop on its way to Tinzaouatene?\n\n")
    )
    result = run("chat", env=env)
    assert result.returncode == 0, result.stderr
    greeting, answer = result.stdout.split("\n\n")[:2]
    assert "Hello! I have" in greeting and "You could ask, for example" in greeting
    assert "Kidal" in result.stdout and "[1]" in answer
    assert result.stdout.count("Hello! I have") == 1  # streamed text is not printed a second time


def test_chat_ends_when_quit_is_typed(run, env: dict[str, str], monkeypatch: pytest.MonkeyPatch):
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("hi\nquit\nWho heads COSI?\n"))
    result = run("chat", env=env)
    assert result.returncode == 0, result.stderr
    assert "Hello! I have" in result.stdout and "searched for: quit" not in result.stdout  # not asked as a question
    assert "Ivanov" not in result.stdout  # nothing after "quit" was asked


def test_search_and_ask_within_chosen_files(run, env: dict[str, str], corpus: Path):
    found = run("search", "drone strikes", "--limit", "3", "--json", env=env)
    assert found.returncode == 0, found.stderr
    passages = json.loads(found.stdout)
    assert 0 < len(passages) <= 3 and all(p["quote"] for p in passages)
    within = run("search", "drone strikes", "--in", "002_e9b768363e827ad0.txt", "--json", env=env)
    assert {p["source"] for p in json.loads(within.stdout)} == {"002_e9b768363e827ad0.txt"}
    by_path = run(
        "ask", "What did the drones target?", "--in", str(corpus / "002_e9b768363e827ad0.txt"), "--json", env=env
    )
    answer = json.loads(by_path.stdout)
    shown = answer["citations"] or answer["nearest"]  # the hashed test embedder may decline; either way, one file
    assert shown and {c["source"] for c in shown} == {"002_e9b768363e827ad0.txt"}
    unknown = run("ask", "What did the drones target?", "--in", "nope.txt", env=env)
    assert unknown.returncode == 1 and "nope.txt is not an indexed file" in unknown.stderr


def plain_pipeline(corpus_dir: Path):
    """A plain llama-index pipeline for `assistant eval --engine` (hashed embedder, mock LLM: fast)."""
    from llama_index.core import SimpleDirectoryReader, VectorStoreIndex
    from llama_index.core.llms import MockLLM

    from assistant.backends.embeddings import HashEmbedder
    from assistant.llama import ProjectEmbedding

    documents = SimpleDirectoryReader(str(corpus_dir), required_exts=[".txt"]).load_data()
    index = VectorStoreIndex.from_documents(documents, embed_model=ProjectEmbedding(HashEmbedder()))
    return index.as_query_engine(llm=MockLLM(max_tokens=8), similarity_top_k=2)


def test_eval_puts_a_plain_llama_index_pipeline_beside_the_assistant(run, env: dict[str, str]):
    result = run("eval", "--engine", "tests.test_cli:plain_pipeline", "--limit", "4", env=env)
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith("| ")]
    names = [row.split("|")[1].strip() for row in rows[1:]]  # after the header
    assert names[:2] == ["assistant extractive", "plain_pipeline"] and names[2].startswith("ratio")
    cells = rows[2].split("|")
    assert all(cell.strip() for cell in cells[2:-1])  # every measure filled for the pipeline too
