"""The query pipeline: retrieval (shared with ``docsight retrieve``) + prompt + Ollama text/vision + citations."""

from __future__ import annotations

from typing import Any

from haystack import Pipeline
from haystack_integrations.document_stores.qdrant import QdrantDocumentStore

from pipelines.generation.answer_prompt_builder import AnswerPromptBuilder
from pipelines.generation.citation_checker import CitationChecker
from pipelines.generation.ollama_chat_generator import DocsightOllamaChatGenerator
from pipelines.retrieval import build_retrieval_pipeline, run_pipeline
from pipelines.settings import Settings
from retrievers.filters import retrieval_filters


def build_query_pipeline(settings: Settings, document_store: QdrantDocumentStore, top_k: int = 8) -> Pipeline:
    """Retrieval pipeline + ``prompt_builder`` -> ``text_llm`` | ``vision_llm`` -> ``citations``.

    Inputs: ``dense_embedder.text``, ``sparse_embedder.text``, ``prompt_builder.question`` and ``retriever.query``
    (the same question), optionally ``retriever.filters``/``top_k``, ``prompt_builder.mode`` and the generators'
    ``streaming_callback``. Outputs: ``citations.answer``, ``citations.citations``, ``citations.uncited``,
    ``citations.model``, ``prompt_builder.sources``, ``prompt_builder.route`` and ``retriever.scope``.
    """
    pipe = build_retrieval_pipeline(settings, document_store, top_k=top_k)
    pipe.add_component("prompt_builder", AnswerPromptBuilder(max_context=settings.ollama_num_ctx_max))
    for name, model in (("text_llm", settings.text_model), ("vision_llm", settings.vision_model)):
        pipe.add_component(
            name,
            DocsightOllamaChatGenerator(
                model=model, url=settings.ollama_url, timeout=settings.ollama_timeout, keep_alive=settings.keep_alive
            ),
        )
    pipe.add_component("citations", CitationChecker())
    pipe.connect("retriever.documents", "prompt_builder.documents")
    pipe.connect("prompt_builder.text_messages", "text_llm.messages")
    pipe.connect("prompt_builder.vision_messages", "vision_llm.messages")
    pipe.connect("prompt_builder.generation_kwargs", "text_llm.generation_kwargs")
    pipe.connect("prompt_builder.generation_kwargs", "vision_llm.generation_kwargs")
    pipe.connect("prompt_builder.sources", "citations.sources")
    pipe.connect("text_llm.replies", "citations.text_replies")
    pipe.connect("vision_llm.replies", "citations.vision_replies")
    return pipe


def ask(
    pipeline: Pipeline,
    question: str,
    *,
    mode: str = "auto",
    top_k: int = 8,
    streaming_callback=None,
    temperature: float | None = None,
    **narrow: Any,
) -> dict[str, Any]:
    """Run the query pipeline once; ``narrow`` takes the keyword arguments of ``retrieval_filters``;
    ``temperature`` overrides the prompt builder's.

    :returns: ``answer``, ``citations``, ``uncited``, ``model``, ``route``, ``sources`` (all numbered sources) and
        ``scope`` (the documents the question named and the search was limited to; empty: all).
    :raises StoreError: the store failed (see :func:`pipelines.retrieval.run_pipeline`).
    """
    data: dict[str, Any] = {
        "dense_embedder": {"text": question},
        "sparse_embedder": {"text": question},
        "retriever": {"filters": retrieval_filters(**narrow), "top_k": top_k, "query": question},
        "prompt_builder": {"question": question, "mode": mode},
    }
    if temperature is not None:
        data["prompt_builder"]["temperature"] = temperature
    if streaming_callback is not None:
        data["text_llm"] = {"streaming_callback": streaming_callback}
        data["vision_llm"] = {"streaming_callback": streaming_callback}
    out = run_pipeline(pipeline, data, include_outputs_from={"prompt_builder", "retriever"})
    checked = out["citations"]
    return {
        "answer": checked["answer"],
        "citations": checked["citations"],
        "uncited": checked["uncited"],
        "dropped": checked["dropped"],
        "model": checked["model"],
        "route": out["prompt_builder"]["route"],
        "sources": out["prompt_builder"]["sources"],
        "scope": out["retriever"]["scope"],
    }
