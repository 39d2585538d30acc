"""The assistant as llama-index parts, so it can sit in a llama-index pipeline, agent or evaluator:
``Assistant.as_retriever()``, ``.as_query_engine()`` and ``.as_chat_engine()`` (named after ``VectorStoreIndex``'s),
and for users' own pipelines ``ProjectNodeParser`` (this project's chunker) and ``ProjectEmbedding`` (its ONNX
MiniLM, ``Assistant.as_embedding()``).

Every node is one verified sentence: its text is exactly the original file's characters between
``start_char_idx`` and ``end_char_idx``, with source, title and date in its metadata. Imported only when one of
these is asked for, so the command line does not pay for it.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncGenerator, Generator, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.base.llms.types import ChatMessage, ChatResponse, MessageRole
from llama_index.core.base.response.schema import Response, StreamingResponse
from llama_index.core.chat_engine.types import AgentChatResponse, BaseChatEngine, StreamingAgentChatResponse
from llama_index.core.node_parser import NodeParser
from llama_index.core.query_engine import CustomQueryEngine
from llama_index.core.schema import BaseNode, NodeRelationship, NodeWithScore, QueryBundle, TextNode
from pydantic import Field, PrivateAttr

from .answer import citation
from .backends.embeddings import Embedder
from .backends.tokenizer import get_tokenizer
from .config import ChunkSettings
from .documents import Document
from .ingest import chunk_document
from .text import parse_header
from .types import Answer, Citation, Draft

if TYPE_CHECKING:
    from .assistant import Assistant


def citation_node(c: Citation) -> NodeWithScore:
    """A verified quote as a node whose offsets index the original file."""
    metadata = {"source": c.source, "title": c.title, "date": c.date}
    node = TextNode(
        id_=f"{c.source}#{c.start}-{c.end}", text=c.quote, start_char_idx=c.start, end_char_idx=c.end, metadata=metadata
    )
    return NodeWithScore(node=node, score=c.score)


def answer_metadata(answer: Answer) -> dict[str, Any]:
    """What a llama-index response has no field for: refusal, notes, timings, the query searched, the kind."""
    return {k: v for k, v in answer.to_dict().items() if k not in ("answer", "citations")}


def as_response(answer: Answer) -> Response:
    nodes = [citation_node(c) for c in answer.citations]
    return Response(response=answer.text, source_nodes=nodes, metadata=answer_metadata(answer))


class AssistantRetriever(BaseRetriever):
    """The best verified sentences for a query (retrieval and evidence, no answer), best first."""

    def __init__(self, assistant: Assistant, similarity_top_k: int = 5) -> None:
        super().__init__()
        self._assistant = assistant
        self._top_k = similarity_top_k

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        found = self._assistant.ready_engine().search(query_bundle.query_str, self._top_k)
        return [citation_node(citation(e)) for e in found]


class AssistantQueryEngine(CustomQueryEngine):
    """Answers a query as the assistant does: ``source_nodes`` are the verified citations, ``metadata`` carries
    refusal, notes and timings. With ``streaming=True`` it returns a ``StreamingResponse``."""

    assistant: Any
    mode: str | None = None
    streaming: bool = False

    def custom_query(self, query_str: str) -> Response | StreamingResponse:  # type: ignore[override]
        if not self.streaming:
            return as_response(self.assistant.ask(query_str, mode=self.mode))
        nodes: list[NodeWithScore] = []
        metadata: dict[str, Any] = {}
        pieces = _text_of(self.assistant.stream(query_str, mode=self.mode), nodes, metadata)
        return StreamingResponse(response_gen=pieces, source_nodes=nodes, metadata=metadata)


def _text_of(items: Iterator[str | Answer], nodes: list[NodeWithScore], metadata: dict[str, Any]) -> Generator[str]:
    """The stream's text; at its end the answer's citations go into ``nodes`` and what else it says into
    ``metadata``. A generated answer that fell back to the extractive one is followed by that answer."""
    streamed = ""
    for item in items:
        if isinstance(item, Answer):
            nodes.extend(citation_node(c) for c in item.citations)
            metadata.update(answer_metadata(item))
            if streamed and item.text != streamed:
                yield f"\n\n(replaced by the extractive answer)\n\n{item.text}"
            elif not streamed:
                yield item.text
            return
        if not isinstance(item, Draft):
            streamed += item
            yield item


class AssistantChatEngine(BaseChatEngine):
    """A conversation: follow-ups are resolved from its history, as in ``Assistant.chat()``."""

    def __init__(self, assistant: Assistant, mode: str | None = None) -> None:
        self._assistant = assistant
        self._mode = mode
        self._session = assistant.chat()
        self._history: list[ChatMessage] = []

    def reset(self) -> None:
        self._session.reset()
        self._history.clear()

    @property
    def chat_history(self) -> list[ChatMessage]:
        return list(self._history)

    def _remember(self, message: str, answer: str) -> None:
        self._history += [ChatMessage(role=MessageRole.USER, content=message)]
        self._history += [ChatMessage(role=MessageRole.ASSISTANT, content=answer)]

    def chat(self, message: str, chat_history: list[ChatMessage] | None = None) -> AgentChatResponse:
        answer = self._session.ask(message, mode=self._mode)
        self._remember(message, answer.text)
        nodes = [citation_node(c) for c in answer.citations]
        return AgentChatResponse(response=answer.text, source_nodes=nodes, metadata=answer_metadata(answer))

    def stream_chat(self, message: str, chat_history: list[ChatMessage] | None = None) -> StreamingAgentChatResponse:
        response = StreamingAgentChatResponse(is_writing_to_memory=False)
        response.metadata = {}  # type: ignore[attr-defined]  # refusal, notes, timings, as chat() gives them

        def deltas() -> Generator[ChatResponse]:
            text = ""
            stream = self._session.stream(message, mode=self._mode)
            for piece in _text_of(stream, response.source_nodes, response.metadata):  # type: ignore[attr-defined]
                text += piece
                yield ChatResponse(message=ChatMessage(role=MessageRole.ASSISTANT, content=text), delta=piece)
            self._remember(message, text)

        response.chat_stream = deltas()
        return response

    async def achat(self, message: str, chat_history: list[ChatMessage] | None = None) -> AgentChatResponse:
        return await asyncio.to_thread(self.chat, message, chat_history)

    async def astream_chat(
        self, message: str, chat_history: list[ChatMessage] | None = None
    ) -> StreamingAgentChatResponse:
        response = self.stream_chat(message, chat_history)
        pieces = response.chat_stream
        assert pieces is not None

        async def deltas() -> AsyncGenerator[ChatResponse]:
            while True:  # each piece computed in a worker thread, so the event loop is never blocked
                piece = await asyncio.to_thread(next, pieces, None)
                if piece is None:
                    return
                yield piece

        response.chat_stream = None
        response.achat_stream = deltas()
        return response


class ProjectNodeParser(NodeParser):
    """This project's chunker for a llama-index ``IngestionPipeline``: whole sentences packed to a token budget,
    overlapping by whole sentences; each node's ``start_char_idx``/``end_char_idx`` are its span in the
    document's text (the node's own text is normalised: spaces and glued sentences set right)."""

    chunking: ChunkSettings = Field(default_factory=ChunkSettings)

    def _parse_nodes(self, nodes: Sequence[BaseNode], show_progress: bool = False, **kwargs: Any) -> list[BaseNode]:
        tokenizer = get_tokenizer(self.chunking.tokenizer)
        out: list[BaseNode] = []
        for node in nodes:
            text = node.get_content()
            header, body_start = parse_header(text)
            name = str(node.metadata.get("file_name") or node.node_id)
            path = Path(str(node.metadata.get("file_path") or name))
            title = str(node.metadata.get("title") or header.get("title") or path.stem)
            date = str(node.metadata.get("date") or header.get("date", ""))
            sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
            doc = Document(name, path, path.parent, text, title, date, sha, body_start)
            for chunk in chunk_document(doc, tokenizer, self.chunking):
                piece = TextNode(
                    text=chunk.text,
                    start_char_idx=chunk.meta.start,
                    end_char_idx=chunk.meta.end,
                    metadata={**node.metadata, "title": title, "date": date},
                )
                piece.relationships[NodeRelationship.SOURCE] = node.as_related_node_info()
                out.append(piece)
        return out


class ProjectEmbedding(BaseEmbedding):
    """The assistant's embedder (the packaged MiniLM on onnxruntime) as a llama-index embedding model."""

    _embedder: Embedder = PrivateAttr()

    def __init__(self, embedder: Embedder, **kwargs: Any) -> None:
        super().__init__(model_name=embedder.name, **kwargs)
        self._embedder = embedder

    def _get_query_embedding(self, query: str) -> list[float]:
        return list(self._embedder.embed([query])[0])

    def _get_text_embedding(self, text: str) -> list[float]:
        return list(self._embedder.embed([text])[0])

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return [list(v) for v in self._embedder.embed(texts)]

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return await asyncio.to_thread(self._get_query_embedding, query)
