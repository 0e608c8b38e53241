"""Hybrid retrieval over real ingested documents: relevance, filters, and never a hidden chunk."""

import json
import os
import subprocess
import sys

import pytest
from haystack import Document
from haystack.dataclasses import SparseEmbedding

from pipelines.batch.runner import BatchIngest
from pipelines.retrieval import build_retrieval_pipeline, retrieve
from pipelines.store import open_store
from tests.conftest import REPO, corpus_file

FILES = [
    "unstructured__embedded-images-tables.pdf",
    "samplefiles__multicolumn.pdf",
    "pdfplumber__nics-background-checks-2015-11.pdf",
    "samplefiles__pdflatex-outline.pdf",
    "pdfplumber__federal-register-2020-17221.pdf",
]


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    from pipelines.settings import Settings

    path = tmp_path_factory.mktemp("store")
    settings = Settings.from_env(environ={}, qdrant_path=str(path / "q"), workers=2, collection="test")
    results = BatchIngest(settings).run([str(corpus_file("parsers", f)) for f in FILES])
    assert all(r.status == "ingested" for r in results)
    return settings


@pytest.fixture
def pipeline(ingested):
    store = open_store(ingested)
    yield build_retrieval_pipeline(ingested, store), store
    store.close()


def test_relevant_text_and_figures_come_first(pipeline) -> None:
    pipe, _ = pipeline
    hits = retrieve(pipe, "anodic and cathodic polarization curve of stainless steel", top_k=5)
    assert hits[0].meta["source"] == "unstructured__embedded-images-tables.pdf"
    assert any(h.meta["kind"] == "figure" and h.meta.get("crop_jpeg_b64") for h in hits)
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)


def test_filters_by_kind_document_and_pages(pipeline) -> None:
    pipe, _ = pipeline
    tables = retrieve(pipe, "firearm background checks by state", top_k=3, kinds=["table"])
    assert tables and all(h.meta["kind"] == "table" for h in tables)
    assert tables[0].meta["source"] == "pdfplumber__nics-background-checks-2015-11.pdf"
    only = retrieve(pipe, "lorem ipsum", top_k=10, sources=["samplefiles__multicolumn.pdf"], page_from=2, page_to=2)
    assert only and {(h.meta["source"], h.meta["page"]) for h in only} == {("samplefiles__multicolumn.pdf", 2)}


def test_uncommitted_chunks_are_never_returned(pipeline) -> None:
    pipe, store = pipeline
    hidden = Document(
        id="hidden-chunk",
        content="zanzibar quokka hidden content",
        meta={"doc_id": "x" * 64, "source": "half.pdf", "page": 1, "kind": "text", "committed": False},
        embedding=[0.05] * 384,
        sparse_embedding=SparseEmbedding(indices=[1, 2], values=[1.0, 1.0]),
    )
    # committed but without a record: a commit that was interrupted half-way
    flipped = Document(
        id="flipped-chunk",
        content="zanzibar quokka flipped content",
        meta={**hidden.meta, "committed": True},
        embedding=hidden.embedding,
        sparse_embedding=hidden.sparse_embedding,
    )
    store.write_documents([hidden, flipped])
    hits = retrieve(pipe, "zanzibar quokka hidden flipped content", top_k=20)
    assert hits and all(h.meta["source"] != "half.pdf" for h in hits)
    store.delete_documents(["hidden-chunk", "flipped-chunk"])


def test_retrieve_cli_json(ingested) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCSIGHT_")}
    env.update(DOCSIGHT_QDRANT_PATH=ingested.qdrant_path, DOCSIGHT_COLLECTION="test")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipelines.cli",
            "retrieve",
            "two column lorem ipsum document",
            "--top-k",
            "3",
            "--json",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    hits = json.loads(run.stdout)
    assert [h["n"] for h in hits] == [1, 2, 3]
    assert set(hits[0]) >= {"source", "doc_id", "page", "kind", "bbox", "score", "text"}
    assert hits[0]["source"] == "samplefiles__multicolumn.pdf"
    empty = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "retrieve", "x", "--collection", "nothing"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=300,
    )
    assert empty.returncode == 3 and "docsight ingest" in empty.stderr


@pytest.mark.parametrize(
    ("question", "narrow"),
    [
        ("anodic and cathodic polarization curve of stainless steel", {}),
        ("firearm background checks by state", {"kinds": ["table", "text"]}),
        ("lorem ipsum dolor", {"sources": ["samplefiles__multicolumn.pdf"], "page_from": 2, "page_to": 3}),
    ],
)
def test_embedded_fast_path_ranks_like_qdrant(pipeline, question, narrow) -> None:
    """Each half of the vectorised hybrid search (dense, sparse with Qdrant's IDF) ranks like Qdrant's own query
    (congruence), ties aside; the halves are then fused by qdrant-client's own weighted RRF."""
    from collections import defaultdict

    from haystack_integrations.document_stores.qdrant.filters import convert_filters_to_qdrant
    from qdrant_client import models

    from retrievers.filters import retrieval_filters
    from retrievers.hybrid_index import EmbeddedHybridIndex

    pipe, store = pipeline
    dense = pipe.get_component("dense_embedder").run(text=question)["embedding"]
    sparse = pipe.get_component("sparse_embedder").run(text=question)["sparse_embedding"]
    flt = {"operator": "AND", "conditions": [retrieval_filters(**narrow)]}
    fast_sparse, fast_dense = EmbeddedHybridIndex(store.client, "test").search(
        dense, sparse.indices, sparse.values, flt, 20
    )
    qdrant_filter = convert_filters_to_qdrant(flt)
    ref_dense = store.client.query_points("test", query=dense, using="text-dense", query_filter=qdrant_filter, limit=20)
    ref_sparse = store.client.query_points(
        "test",
        query=models.SparseVector(indices=sparse.indices, values=sparse.values),
        using="text-sparse",
        query_filter=qdrant_filter,
        limit=20,
    )

    def by_score(points) -> dict[float, set]:
        groups = defaultdict(set)
        for p in points[:-1]:  # the last place may hold one of several tied points
            groups[round(p.score, 4)].add(str(p.id))
        return dict(groups)

    assert fast_dense and fast_sparse
    assert by_score(fast_dense) == by_score(ref_dense.points)
    assert by_score(fast_sparse) == by_score(ref_sparse.points)


def test_a_qdrant_server_lost_mid_session_is_a_store_error_not_a_pipeline_traceback() -> None:
    from pipelines.settings import Settings
    from retrievers.errors import StoreUnavailableError
    from tests.support.qdrant_recorder import QdrantRecorder

    with QdrantRecorder() as server:
        settings = Settings.from_env(environ={}, qdrant_url=server.url, qdrant_timeout=2)
        store = open_store(settings)
        pipeline = build_retrieval_pipeline(settings, store)
        assert retrieve(pipeline, "anything") == []
    with pytest.raises(StoreUnavailableError, match=f"the Qdrant server at {server.url} failed a search"):
        retrieve(pipeline, "anything")
    store.close()


@pytest.mark.parametrize(
    ("question", "narrow", "preferred_kinds"),
    [
        ("anodic and cathodic polarization curve of stainless steel", {}, None),
        ("firearm background checks by state", {"kinds": ["table", "text"]}, ["table"]),
        ("lorem ipsum dolor", {"sources": ["samplefiles__multicolumn.pdf"], "page_from": 2, "page_to": 3}, None),
    ],
)
def test_embedded_hybrid_search_returns_qdrants_fused_ranking(pipeline, question, narrow, preferred_kinds) -> None:
    """The whole fused search on the in-memory index (what the embedded store answers with) returns the ids, order
    and scores of Qdrant's own prefetch + weighted RRF query over the same store, a preferred third ranking too.

    These questions' candidates hold no exact ties (others in this store do: chunks of identical text score the same
    and qdrant-client orders them by an unstable sort); the tie-tolerant comparison per ranking is the test above."""
    from retrievers.filters import COMMITTED, retrieval_filters
    from retrievers.hybrid_search import QdrantHybridSearch

    pipe, store = pipeline
    dense = pipe.get_component("dense_embedder").run(text=question)["embedding"]
    sparse = pipe.get_component("sparse_embedder").run(text=question)["sparse_embedding"]
    flt = {"operator": "AND", "conditions": [COMMITTED, retrieval_filters(**narrow)]}
    preferred = (
        {"operator": "AND", "conditions": [flt, {"field": "meta.kind", "operator": "in", "value": preferred_kinds}]}
        if preferred_kinds
        else None
    )
    weights = [1.0, 2.0] + ([2.0] if preferred else [])
    fast = store.hybrid_search.search(dense, sparse, flt, preferred, limit=15, weights=weights)
    reference = QdrantHybridSearch(store.client, "test").search(
        dense, sparse, flt, preferred, limit=15, weights=weights
    )
    assert len(fast) >= 5
    assert [(d.id, round(d.score, 6)) for d in fast] == [(d.id, round(d.score, 6)) for d in reference]
