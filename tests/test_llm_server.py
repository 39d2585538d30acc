"""The OpenAI-compatible path against a real ``python -m llama_cpp.server`` running the packaged GGUF."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from assistant import Answer, Assistant
from assistant.backends.llms import packaged_gguf
from assistant.config import LLMSettings

from .conftest import HEADLINE, free_port
from .servers import llama_server

pytestmark = pytest.mark.slow


def test_ask_chat_and_stream_through_the_openai_compatible_server(real: Assistant, tmp_path: Path):
    with llama_server(packaged_gguf(), tmp_path) as base_url:
        llm = LLMSettings(backend="openai", base_url=base_url, model="smollm2", timeout_s=30)
        assistant = Assistant(real.settings.model_copy(update={"llm": llm, "mode": "generative"}))
        answer = assistant.ask(HEADLINE)
        assert not answer.refused and answer.citations
        assert answer.mode in ("generative", "extractive")  # the gate may send a weak model's answer back
        for c in answer.citations:
            assert c.quote in Path(real.settings.corpus_dir / c.source).read_text(encoding="utf-8")
        assert not any("failed" in n for n in answer.notes)

        chat = assistant.chat()
        chat.ask("How many children were killed in the drone strikes in Tinzaouaten?")
        follow = chat.ask("And how many people in total?")
        assert "Tinzaouaten" in follow.query and "21" in follow.text

        items = list(assistant.stream(HEADLINE))
        assert isinstance(items[-1], Answer) and all(isinstance(i, str) for i in items[:-1])


def test_a_server_that_is_down_gives_the_extractive_answer_with_a_note(real: Assistant):
    llm = LLMSettings(backend="openai", base_url=f"http://127.0.0.1:{free_port()}/v1", timeout_s=5)
    assistant = Assistant(real.settings.model_copy(update={"llm": llm, "mode": "generative"}))
    began = time.monotonic()
    answer = assistant.ask(HEADLINE)
    assert time.monotonic() - began < 15
    assert answer.mode == "extractive" and not answer.refused and answer.citations
    assert any("LLM server" in n and "extractive" in n for n in answer.notes)


def test_the_openai_backend_without_a_url_is_a_configuration_error(real: Assistant):
    from assistant import ConfigError

    assistant = Assistant(real.settings.model_copy(update={"llm": LLMSettings(backend="openai"), "mode": "generative"}))
    with pytest.raises(ConfigError, match="ASSISTANT_LLM__BASE_URL"):
        assistant.ask(HEADLINE)
