"""The embedder choice: packaged MiniLM by default, or an Ollama embedding model end to end."""

from pipelines.batch.report import INGESTED
from pipelines.batch.runner import BatchIngest
from pipelines.embedders import embedding_spec
from pipelines.retrieval import build_retrieval_pipeline, retrieve
from pipelines.store import open_store
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
        [result] = BatchIngest(ollama_settings, show_progress=False).run([str(pdf)])
        assert result.status == INGESTED, result.error
        store, registry = open_store(ollama_settings)
        try:
            assert registry.info()["embedding_model"] == "ollama/nomic-embed-text"
            docs = retrieve(build_retrieval_pipeline(ollama_settings, store), "Wyoming handgun permits", top_k=3)
            assert docs and docs[0].meta["source"] == pdf.name
        finally:
            store.close()
        assert any(path == "/api/embed" for path, _ in server.requests)
