"""The assistant as llama-index parts, driven by llama-index's own evaluator and fusion retriever (fast)."""

from __future__ import annotations

import asyncio

from assistant import Assistant


def assert_nodes_are_the_files_text(assistant: Assistant, nodes) -> None:
    assert nodes
    for scored in nodes:
        node = scored.node
        original = assistant.source_text(node.metadata["source"])
        assert original is not None and original[node.start_char_idx : node.end_char_idx] == node.get_content()
        assert node.metadata["title"]


def test_as_retriever_gives_verified_sentences_that_llama_index_can_evaluate_and_fuse(fast: Assistant):
    from llama_index.core.evaluation import RetrieverEvaluator
    from llama_index.core.llms import MockLLM
    from llama_index.core.retrievers import QueryFusionRetriever

    fast.ingest()
    retriever = fast.as_retriever(similarity_top_k=3)
    nodes = retriever.retrieve("who recovered the bodies?")
    assert 0 < len(nodes) <= 3 and "recover" in nodes[0].node.get_content()
    assert_nodes_are_the_files_text(fast, nodes)

    evaluator = RetrieverEvaluator.from_metric_names(["hit_rate", "mrr"], retriever=retriever)
    result = evaluator.evaluate("who recovered the bodies?", expected_ids=[nodes[0].node.node_id])
    assert result.metric_vals_dict["hit_rate"] == 1.0 and result.metric_vals_dict["mrr"] == 1.0

    fused = QueryFusionRetriever(
        [retriever], llm=MockLLM(), similarity_top_k=3, num_queries=1, use_async=False, mode="reciprocal_rerank"
    )
    assert [n.node.node_id for n in fused.retrieve("who recovered the bodies?")][0] == nodes[0].node.node_id


def test_as_query_engine_answers_with_the_citations_as_source_nodes(fast: Assistant):
    fast.ingest()
    engine = fast.as_query_engine()
    response = engine.query("who recovered the bodies?")
    assert response.metadata["refused"] is False and "timings_ms" in response.metadata
    assert_nodes_are_the_files_text(fast, response.source_nodes)
    assert response.source_nodes[0].node.get_content() in fast.ask("who recovered the bodies?").citations[0].quote

    refused = engine.query("Who won the 2022 football World Cup?")
    assert refused.metadata["refused"] is True and refused.source_nodes == []
    assert str(refused).startswith("The documents don't say.")


def test_a_streaming_query_engine_streams_then_fills_in_its_sources(fast: Assistant):
    fast.ingest()
    streamed = fast.as_query_engine(streaming=True).query("who recovered the bodies?")
    assert streamed.source_nodes == []  # known once the answer is complete
    text = "".join(streamed.response_gen)
    assert text == fast.ask("who recovered the bodies?").text
    assert_nodes_are_the_files_text(fast, streamed.source_nodes)
    assert streamed.metadata["refused"] is False


def test_as_chat_engine_resolves_follow_ups_streams_and_resets(fast: Assistant):
    fast.ingest()
    chat = fast.as_chat_engine()
    first = chat.chat("Who is El Maouloud Ramadane?")
    assert_nodes_are_the_files_text(fast, first.source_nodes)
    follow_up = chat.chat("What did he say about the convoy?")
    assert "Ramadane" in follow_up.metadata["query"]
    assert [m.role.value for m in chat.chat_history] == ["user", "assistant", "user", "assistant"]

    streamed = chat.stream_chat("Who recovered the remains of the brothers in arms?")  # not a follow-up
    assert "".join(streamed.response_gen) == streamed.response and streamed.response
    assert_nodes_are_the_files_text(fast, streamed.source_nodes)
    assert len(chat.chat_history) == 6
    chat.reset()
    assert chat.chat_history == []

    async def both() -> tuple[str, str]:
        answer = await chat.achat("who recovered the bodies?")
        streaming = await chat.astream_chat("who recovered the bodies?")
        return answer.response, "".join([piece async for piece in streaming.async_response_gen()])

    said, streamed_text = asyncio.run(both())
    assert said and streamed_text == said


def test_the_node_parser_and_embedding_serve_a_users_own_llama_index_pipeline(fast: Assistant):
    import re

    from llama_index.core import Document, VectorStoreIndex
    from llama_index.core.ingestion import IngestionPipeline

    from assistant.llama import ProjectNodeParser

    from .conftest import CORPUS

    path = CORPUS / "001_5a4d66a80f18d492.txt"
    original = path.read_text(encoding="utf-8")
    document = Document(text=original, metadata={"file_name": path.name})
    embedding = fast.as_embedding()
    nodes = IngestionPipeline(transformations=[ProjectNodeParser(), embedding]).run(documents=[document])
    assert len(nodes) > 1 and all(n.embedding for n in nodes)
    for node in nodes:  # offsets into the document's text: the same words (the node's text is normalised)
        words = re.findall(r"\w+", original[node.start_char_idx : node.end_char_idx])
        assert words == re.findall(r"\w+", node.get_content())
        assert node.metadata["title"] and node.ref_doc_id == document.doc_id
    index = VectorStoreIndex(nodes, embed_model=embedding)
    found = index.as_retriever(similarity_top_k=2).retrieve("children killed in drone strikes")
    assert found and "drone" in found[0].node.get_content().lower()
