"""The indexing pipeline as code and as YAML: same components, runs end to end into Qdrant."""

from haystack import Pipeline

from pipelines.indexing import build_indexing_pipeline
from pipelines.store import open_store
from tests.conftest import corpus_file

ALLOWED = ["ingest", "retrievers", "pipelines"]


def test_pipeline_round_trips_through_yaml(settings) -> None:
    pipeline = build_indexing_pipeline(settings)
    again = Pipeline.loads(pipeline.dumps(), allowed_modules=ALLOWED)
    assert again.to_dict()["components"] == pipeline.to_dict()["components"]

    def edges(p: Pipeline) -> list:
        return sorted((c["sender"], c["receiver"]) for c in p.to_dict()["connections"])

    assert edges(again) == edges(pipeline)
    assert sorted(again.graph.nodes) == sorted(
        [
            "router",
            "pdf_converter",
            "image_converter",
            "joiner",
            "chunker",
            "language_classifier",
            "dense_embedder",
            "sparse_embedder",
        ]
    )


def test_pipeline_with_writer_ingests_and_reingests_without_duplicates(settings) -> None:
    store = open_store(settings)
    registry = store.registry
    pipeline = build_indexing_pipeline(settings, store)
    source = str(corpus_file("parsers", "samplefiles__multicolumn.pdf"))
    first = pipeline.run({"router": {"sources": [source]}})
    written = first["writer"]["documents_written"]
    assert written > 3
    record = first["writer"]["records"][0]
    assert record["source"] == "samplefiles__multicolumn.pdf" and record["pages"] == 3
    pipeline.run({"router": {"sources": [source]}})
    assert store.count_documents() == written
    docs = store.filter_documents()
    assert all(d.meta["committed"] and len(d.embedding) == 384 and d.meta["page"] in (1, 2, 3) for d in docs)
    assert [r.doc_id for r in registry.all()] == [record["doc_id"]]
