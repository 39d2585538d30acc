"""LLM servers that hang or trickle forever: the answer still comes, within the time budget, with a note."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from assistant import Assistant
from assistant.config import LLMSettings

from .conftest import HEADLINE

pytestmark = pytest.mark.slow


class Hanging(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        time.sleep(30)

    def log_message(self, *args: object) -> None:
        pass


class Trickling(BaseHTTPRequestHandler):
    """Streams one made-up token every 0.3 s and never finishes."""

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.end_headers()
        try:
            for i in range(200):
                chunk = {
                    "id": "x",
                    "object": "chat.completion.chunk",
                    "created": 0,
                    "model": "m",
                    "choices": [{"index": 0, "delta": {"content": f"word{i} "}, "finish_reason": None}],
                }
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()
                time.sleep(0.3)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args: object) -> None:
        pass


def _serve(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()


@pytest.fixture
def hanging() -> Iterator[str]:
    yield from _serve(Hanging)


@pytest.fixture
def trickling() -> Iterator[str]:
    yield from _serve(Trickling)


@pytest.mark.parametrize("server", ["hanging", "trickling"])
def test_a_stuck_llm_server_cannot_hold_an_answer(real: Assistant, server: str, request: pytest.FixtureRequest):
    url = request.getfixturevalue(server)
    llm = LLMSettings(backend="openai", base_url=url, timeout_s=3)
    assistant = Assistant(real.settings.model_copy(update={"llm": llm, "mode": "generative"}))
    began = time.monotonic()
    answer = assistant.ask(HEADLINE)
    took = time.monotonic() - began
    assert took < 10, f"took {took:.1f} s"
    assert not answer.refused and answer.citations and answer.mode == "extractive"
    assert answer.notes  # says why it is the extractive answer
