"""The query pipeline: retrieval (shared with ``docsight retrieve``) + prompt + Ollama text/vision + citations +
claims (every figure checked against the cited sources, with one repair round)."""

from __future__ import annotations

from typing import Any

from haystack import Pipeline

from pipelines.answer import Answer
from pipelines.generation.answer_prompt_builder import AnswerPromptBuilder
from pipelines.generation.citation_checker import CitationChecker
from pipelines.generation.claim_checker import ClaimChecker
from pipelines.generation.ollama_chat_generator import DocsightOllamaChatGenerator
from pipelines.retrieval import build_retrieval_pipeline, question_inputs, run_pipeline
from pipelines.settings import Settings
from retrievers.store import DocsightStore

# the query pipeline's inputs that take the question (what the YAML export's ``question`` input feeds)
QUESTION_SOCKETS = ("expander.query", "prompt_builder.question", "retriever.query", "claims.question")


def build_query_pipeline(settings: Settings, document_store: DocsightStore, top_k: int = 8) -> Pipeline:
    """Retrieval pipeline + ``prompt_builder`` -> ``text_llm`` | ``vision_llm`` -> ``citations`` -> ``claims``.

    Inputs: ``expander.query``, ``prompt_builder.question``, ``retriever.query`` and ``claims.question`` (the
    same question), optionally ``retriever.doc_ids``/``filters``/``top_k``, ``prompt_builder.mode``/``history``
    and the generators' ``streaming_callback``. Outputs: ``claims.answer``, ``claims.citations``,
    ``claims.uncited``, ``claims.claims`` (the answer after the figure checks and the repair round),
    ``citations.model``, ``prompt_builder.sources``, ``prompt_builder.route`` and ``retriever.scope``.
    """
    pipe = build_retrieval_pipeline(settings, document_store, top_k=top_k)
    pipe.add_component(
        "prompt_builder",
        AnswerPromptBuilder(max_context=settings.ollama_num_ctx_max, max_history_tokens=settings.history_tokens),
    )
    for name, model in (("text_llm", settings.text_model), ("vision_llm", settings.vision_model)):
        pipe.add_component(
            name,
            DocsightOllamaChatGenerator(
                model=model,
                url=settings.ollama_url,
                timeout=settings.ollama_timeout,
                deadline_s=settings.ollama_deadline_s,
                keep_alive=settings.keep_alive,
                generation_kwargs={"num_predict": settings.ollama_num_predict},
            ),
        )
    pipe.add_component("citations", CitationChecker())
    pipe.add_component(
        "claims",
        ClaimChecker(
            model=settings.text_model,
            url=settings.ollama_url,
            timeout=settings.ollama_timeout,
            keep_alive=settings.keep_alive,
            max_context=settings.ollama_num_ctx_max,
            deadline_s=settings.ollama_deadline_s,
            num_predict=settings.ollama_num_predict,
            glossary_path=settings.glossary_path or None,
        ),
    )
    pipe.connect("retriever.documents", "prompt_builder.documents")
    pipe.connect("prompt_builder.text_messages", "text_llm.messages")
    pipe.connect("prompt_builder.vision_messages", "vision_llm.messages")
    pipe.connect("prompt_builder.generation_kwargs", "text_llm.generation_kwargs")
    pipe.connect("prompt_builder.generation_kwargs", "vision_llm.generation_kwargs")
    pipe.connect("prompt_builder.sources", "citations.sources")
    pipe.connect("text_llm.replies", "citations.text_replies")
    pipe.connect("vision_llm.replies", "citations.vision_replies")
    for name in ("answer", "citations", "uncited", "model"):
        pipe.connect(f"citations.{name}", f"claims.{name}")
    pipe.connect("prompt_builder.sources", "claims.sources")
    return pipe


def ask(
    pipeline: Pipeline,
    question: str,
    *,
    mode: str = "auto",
    top_k: int = 8,
    streaming_callback=None,
    temperature: float | None = None,
    doc_ids: list[str] | None = None,
    history: list[dict[str, str]] | None = None,
    **narrow: Any,
) -> Answer:
    """Run the query pipeline once; ``doc_ids`` and ``narrow`` are those of
    :func:`pipelines.retrieval.question_inputs`; ``temperature`` overrides the prompt builder's; ``history`` holds
    the conversation's earlier turns (``question``, ``answer``; oldest first) for the answer prompt.

    :raises StoreError: the store failed (see :func:`pipelines.retrieval.run_pipeline`).
    """
    data = question_inputs(question, top_k=top_k, doc_ids=doc_ids, sockets=QUESTION_SOCKETS, **narrow)
    data["prompt_builder"]["mode"] = mode
    if history:
        data["prompt_builder"]["history"] = history
    if temperature is not None:
        data["prompt_builder"]["temperature"] = temperature
    if streaming_callback is not None:
        data["text_llm"] = {"streaming_callback": streaming_callback}
        data["vision_llm"] = {"streaming_callback": streaming_callback}
    out = run_pipeline(pipeline, data, include_outputs_from={"prompt_builder", "retriever", "citations"})
    return Answer.from_outputs(out)
