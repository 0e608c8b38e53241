"""The retrieval pipeline: a question -> dense + sparse query vectors -> hybrid (RRF) search in Qdrant.

Only chunks of fully ingested documents are returned (see :mod:`retrievers.hybrid_retriever`); callers narrow the
search with
:func:`retrievers.filters.retrieval_filters`. The generation pipeline extends this one, so both share one
definition of retrieval.
"""

from __future__ import annotations

from typing import Any

from haystack import Document, Pipeline

from ingest.errors import find_cause
from pipelines.embedders import text_embedder
from pipelines.settings import Settings
from retrievers.encoders.bm25_text_embedder import BM25SparseTextEmbedder
from retrievers.errors import StoreError
from retrievers.filters import retrieval_filters
from retrievers.hybrid_retriever import DocsightHybridRetriever
from retrievers.query_expansion.query_expander import QueryExpander
from retrievers.store import DocsightStore

QUESTION_SOCKETS = ("expander.query", "retriever.query")  # the retrieval pipeline's inputs that take the question


def build_retrieval_pipeline(settings: Settings, document_store: DocsightStore, top_k: int = 10) -> Pipeline:
    """Inputs: ``expander.query`` and ``retriever.query`` (the question; the retriever scopes the search to the
    documents it names), optionally ``retriever.doc_ids`` (the documents chosen, in order), ``retriever.filters``
    and ``retriever.top_k``. The expander turns the question
    into the dense and sparse search texts and the financial statements it asks for. Outputs:
    ``retriever.documents`` (best first, ``score`` = RRF score) and ``retriever.scope``."""
    pipe = Pipeline()
    pipe.add_component("expander", QueryExpander(glossary_path=settings.glossary_path or None))
    pipe.add_component("dense_embedder", text_embedder(settings))
    pipe.add_component("sparse_embedder", BM25SparseTextEmbedder())
    retriever = DocsightHybridRetriever(document_store=document_store, top_k=top_k)
    pipe.add_component("retriever", retriever)
    pipe.connect("expander.dense_text", "dense_embedder.text")
    pipe.connect("expander.sparse_text", "sparse_embedder.text")
    pipe.connect("expander.statements", "retriever.statements")
    pipe.connect("expander.colours", "retriever.colours")
    pipe.connect("dense_embedder.embedding", "retriever.query_embedding")
    pipe.connect("sparse_embedder.sparse_embedding", "retriever.query_sparse_embedding")
    return pipe


def retrieve(
    pipeline: Pipeline, question: str, *, top_k: int = 10, doc_ids: list[str] | None = None, **narrow: Any
) -> list[Document]:
    """Run the retrieval pipeline; see :func:`question_inputs` for ``doc_ids`` and ``narrow``.

    :raises StoreError: the store failed (e.g. the Qdrant server is unreachable), unwrapped from Haystack's
        pipeline error so that callers can tell it from a model failure.
    """
    inputs = question_inputs(question, top_k=top_k, doc_ids=doc_ids, **narrow)
    return run_pipeline(pipeline, inputs)["retriever"]["documents"]


def question_inputs(
    question: str,
    *,
    top_k: int,
    doc_ids: list[str] | None = None,
    sockets: tuple[str, ...] = QUESTION_SOCKETS,
    **narrow: Any,
) -> dict[str, Any]:
    """A pipeline's inputs for one question: the question at every one of ``sockets`` (the query pipeline passes
    its own, :data:`pipelines.query.QUESTION_SOCKETS`), and the retriever's narrowing.

    :param doc_ids: search only these documents, in the user's order ("the second chart" is the second).
    :param narrow: the keyword arguments of :func:`retrievers.filters.retrieval_filters` (kinds, pages, sources).
    """
    data: dict[str, dict[str, Any]] = {}
    for socket in sockets:
        component_name, _, name = socket.partition(".")
        data.setdefault(component_name, {})[name] = question
    data["retriever"].update(filters=retrieval_filters(**narrow), top_k=top_k)
    if doc_ids:
        data["retriever"]["doc_ids"] = list(doc_ids)
    return data


def run_pipeline(pipeline: Pipeline, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """``pipeline.run``, raising a store failure as the StoreError it is rather than inside a PipelineRuntimeError."""
    try:
        return pipeline.run(data, **kwargs)
    except Exception as exc:
        store_error = find_cause(exc, StoreError)
        if store_error is not None and store_error is not exc:
            raise store_error from None
        raise
