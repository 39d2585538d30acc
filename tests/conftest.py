from __future__ import annotations

import dataclasses
import shutil
import socket
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.answer import Bar
from assistant.backends.embeddings import HashEmbedder
from assistant.config import RetrievalSettings
from assistant.retrieval import Evidence

PROJECT = Path(__file__).resolve().parents[1]
CORPUS = PROJECT / "corpus"
HEADLINE = "who recovered the bodies after Tinzaouatene?"


class CountingEmbedder(HashEmbedder):
    """The hashed bag-of-words embedder, counting the texts it embeds."""

    def __init__(self) -> None:
        super().__init__()
        self.embedded = 0

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        self.embedded += len(texts)
        return super().embed(texts)


class ScriptedLLM:
    """Replies with a fixed text, in small pieces, and records the prompts it was given."""

    name = "scripted"
    context_tokens = 2048

    def __init__(self, reply: str) -> None:
        self.reply = reply
        self.prompts: list[list[dict[str, str]]] = []

    def stream(self, messages: list[dict[str, str]], max_tokens: int) -> Iterator[str]:
        self.prompts.append(messages)
        for i in range(0, len(self.reply), 7):
            yield self.reply[i : i + 7]


class RankedJudge:
    """Scores the sentences by their place in the evidence (``scores(i)``): what the learned judge does, without
    its model."""

    name = "judge-stub"
    names_required = False
    runner_up_ratio = 0.75

    def __init__(self, scores: Callable[[int], float], bar: float = 0.2) -> None:
        self.scores = scores
        self.bar = Bar(bar, names_required=False)

    def judged(self, question: str, evidence: Sequence[Evidence]) -> list[Evidence]:
        return [dataclasses.replace(e, score=self.scores(i)) for i, e in enumerate(evidence)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A private copy of the bundled corpus, free to edit."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture
def settings(tmp_path: Path, corpus: Path) -> Settings:
    """Fast settings: the rule judge (the learned one needs the real model; the end-to-end tests use it)."""
    return Settings(corpus_dir=corpus, data_dir=tmp_path / "data", retrieval=RetrievalSettings(judge="rules"))


@pytest.fixture
def fast(settings: Settings) -> Assistant:
    """An assistant on the embedded store with the hashed embedder: real Chroma, no model."""
    return Assistant(settings, embedder=CountingEmbedder())


@pytest.fixture(scope="session")
def minilm_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One ingest of the bundled corpus with the real packaged model, shared by the end-to-end tests."""
    data = tmp_path_factory.mktemp("minilm-data")
    Assistant(Settings(corpus_dir=CORPUS, data_dir=data)).ingest()
    return data


@pytest.fixture
def real(minilm_index: Path) -> Assistant:
    return Assistant(Settings(corpus_dir=CORPUS, data_dir=minilm_index))


@pytest.fixture
def real_rules(minilm_index: Path) -> Assistant:
    """The packaged models with the rule judge: for what needs an answer of several cited sentences (the learned
    judge cites one for HEADLINE)."""
    return Assistant(Settings(corpus_dir=CORPUS, data_dir=minilm_index, retrieval=RetrievalSettings(judge="rules")))
