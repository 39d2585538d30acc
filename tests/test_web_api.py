"""The web app's API as its clients use it, on a real server on loopback: gradio_client for the streaming chat
with history, search and ingest, and an MCP client for the same tools (`assistant web --mcp`)."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import Assistant, BadInput, Settings
from assistant.web import serve

from .conftest import CORPUS, HEADLINE, free_port

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def app(minilm_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    root = tmp_path_factory.mktemp("api")
    shutil.copytree(CORPUS, root / "corpus")
    shutil.copytree(minilm_index, root / "data")
    port = free_port()
    assistant = Assistant(Settings(corpus_dir=root / "corpus", data_dir=root / "data"))
    demo = serve("127.0.0.1", port, assistant, block=False, mcp=True)
    try:
        yield f"http://127.0.0.1:{port}/", root
    finally:
        demo.close()


def test_chat_streams_the_answer_and_resolves_a_follow_up_from_the_history(app: tuple[str, Path]):
    from gradio_client import Client

    client = Client(app[0], verbose=False)
    job = client.submit(HEADLINE, [], "", [], api_name="/chat")
    pieces = list(job)
    final = job.result()
    assert final["done"] is True and final["refused"] is False
    assert [p for p in pieces if not p["done"]], "no partial text before the answer"
    assert pieces[-2]["text"] == final["answer"]  # the streamed text is the answer's

    history = [{"role": "user", "content": "Who is El Maouloud Ramadane?"}, {"role": "assistant", "content": "…"}]
    follow_up = client.predict("What did he say about the convoy?", history, "", [], api_name="/chat")
    assert follow_up["done"] is True and "Ramadane" in follow_up["query"]


def test_search_and_ingest_then_ask_about_the_new_file(app: tuple[str, Path], tmp_path: Path):
    from gradio_client import Client, handle_file

    client = Client(app[0], verbose=False)
    passages = client.predict("drone strikes", 3, [], api_name="/search")
    assert 0 < len(passages) <= 3
    corpus = app[1] / "corpus"
    for p in passages:  # verified: each quote is the file's text at its offsets
        assert (corpus / p["source"]).read_text(encoding="utf-8")[p["start"] : p["end"]] == p["quote"]

    note = tmp_path / "harvest.md"
    note.write_text("# Harvest report\n\nThe millet harvest in the Gao region doubled in 2024.\n", encoding="utf-8")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    added = client.predict([handle_file(note), handle_file(binary)], api_name="/ingest")
    assert added["added"] == ["harvest.md"] and added["passages"] >= 1
    assert len(added["not_added"]) == 1 and "blob.txt" in added["not_added"][0]
    answer = client.predict("How did the millet harvest in Gao change?", "", api_name="/ask")
    assert answer["refused"] is False and answer["citations"][0]["source"] == "harvest.md"


def test_mcp_clients_can_list_and_call_the_tools(app: tuple[str, Path]):
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    async def call() -> tuple[set[str], str]:
        async with streamable_http_client(f"{app[0]}gradio_api/mcp/") as (read, write, _):
            async with ClientSession(read, write) as session:
                await session.initialize()
                tools = {t.name for t in (await session.list_tools()).tools}
                asked = next(name for name in tools if name.endswith("ask"))
                result = await session.call_tool(asked, {"question": HEADLINE})
                return tools, "".join(getattr(part, "text", "") for part in result.content)

    tools, text = asyncio.run(call())
    assert any(name.endswith("ask") for name in tools) and any(name.endswith("search") for name in tools)
    # the tool's result is the /ask object, as Gradio renders it for MCP
    assert "recovered the remains" in text and "'refused': False" in text


def test_the_mcp_flag_says_what_to_install_when_mcp_is_missing(monkeypatch: pytest.MonkeyPatch):
    import importlib.util

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None if name == "mcp" else real_find_spec(name))
    with pytest.raises(BadInput, match=r"pip install -e '\.\[mcp\]'"):
        serve("127.0.0.1", free_port(), block=False, mcp=True)
