"""The Chroma server path, against a real ``chroma run`` on a free loopback port."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from assistant import Assistant, BackendUnavailable, Settings
from assistant.config import StoreSettings

from .conftest import HEADLINE, free_port
from .servers import chroma_server

pytestmark = pytest.mark.slow


def server_settings(corpus: Path, tmp_path: Path, port: int) -> Settings:
    store = StoreSettings(host="127.0.0.1", port=port, timeout_s=5)
    return Settings(corpus_dir=corpus, data_dir=tmp_path / "data", store=store)


def test_ingest_and_ask_against_a_chroma_server(corpus: Path, tmp_path: Path):
    port = free_port()
    with chroma_server(tmp_path / "chroma", port):
        assistant = Assistant(server_settings(corpus, tmp_path, port))
        report = assistant.ingest()
        assert len(report.added) == 3 and report.chunks_embedded > 0
        answer = assistant.ask(HEADLINE)
        assert not answer.refused and any("recovered the remains" in c.quote for c in answer.citations)
        again = Assistant(server_settings(corpus, tmp_path, port)).ingest()
        assert len(again.unchanged) == 3 and again.chunks_embedded == 0
        count = assistant.index.count()

    # the server is down: a clear error, quickly, never a hang
    began = time.monotonic()
    with pytest.raises(BackendUnavailable, match="Chroma"):
        assistant.ask(HEADLINE)
    assert time.monotonic() - began < 30
    with pytest.raises(BackendUnavailable, match="cannot reach the Chroma server"):
        Assistant(server_settings(corpus, tmp_path, port)).ask(HEADLINE)

    # back up on the same data: nothing was lost
    with chroma_server(tmp_path / "chroma", port):
        revived = Assistant(server_settings(corpus, tmp_path, port))
        assert revived.index.count() == count
        assert not revived.ask(HEADLINE).refused
