"""What docsight asks a Qdrant server (the cluster layout of new collections, payload indexes, the API key) and how it
rides out a server that restarts or goes away."""

import pytest
from haystack import Document
from haystack.dataclasses import SparseEmbedding

from retrievers.document_writer import DocsightDocumentWriter
from retrievers.errors import StoreUnavailableError
from retrievers.hybrid_retriever import DocsightHybridRetriever
from retrievers.store import INDEXED_FIELDS, StoreConfig, open_document_store
from tests.support.qdrant_recorder import QdrantRecorder


def test_new_collections_get_the_cluster_layout_indexes_and_api_key(monkeypatch) -> None:
    monkeypatch.setenv("DOCSIGHT_QDRANT_API_KEY", "s3cret-key")
    with QdrantRecorder() as server:
        config = StoreConfig(
            collection="docs",
            embedding_model="m",
            embedding_dim=4,
            url=server.url,
            api_key="s3cret-key",
            shard_number=6,
            replication_factor=2,
            write_consistency_factor=1,
        )
        store = open_document_store(config)
        chunks = server.created("docs")
        assert (chunks["shard_number"], chunks["replication_factor"], chunks["write_consistency_factor"]) == (6, 2, 1)
        assert chunks["sparse_vectors"]["text-sparse"]["modifier"] == "idf"
        assert server.created("docs__docsight")["replication_factor"] == 2  # the registry survives a lost node too
        indexed = {
            (b["field_name"], b["field_schema"])
            for m, p, _, b in server.requests
            if p.startswith("/collections/docs/index")
        }
        assert indexed == set(INDEXED_FIELDS)
        assert all(headers.get("api-key") == "s3cret-key" for _, _, headers, _ in server.requests)
        store.close()


def test_a_collection_made_before_the_identity_fields_gets_their_indexes() -> None:
    with QdrantRecorder() as server:
        open_document_store(StoreConfig(collection="docs", embedding_model="m", embedding_dim=4, url=server.url))
        identity = {"meta.organisation", "meta.organisation_aliases", "meta.period", "meta.period_years",
                    "meta.doc_kind", "meta.tags"}  # fmt: skip
        assert identity <= {f for f, _ in INDEXED_FIELDS}
        indexes = server.collections["docs"]["_indexes"]
        assert {f: i["data_type"] for f, i in indexes.items()} == dict(INDEXED_FIELDS)
        for field in identity:  # as an older docsight left it
            del indexes[field]
        server.requests.clear()
        open_document_store(StoreConfig(collection="docs", embedding_model="m", embedding_dim=4, url=server.url))
        created = [
            b["field_name"] for m, p, _, b in server.requests if m == "PUT" and p.startswith("/collections/docs/index")
        ]
        assert sorted(created) == sorted(identity)  # only the missing ones, each once
        assert set(indexes) == {f for f, _ in INDEXED_FIELDS}


def test_defaults_leave_the_layout_to_the_server() -> None:
    with QdrantRecorder() as server:
        open_document_store(StoreConfig(collection="docs", embedding_model="m", embedding_dim=4, url=server.url))
        created = server.created("docs")
        assert not {"shard_number", "replication_factor", "write_consistency_factor"} & set(created)


def _chunks(n: int) -> list[Document]:
    meta = {"doc_id": "d" * 64, "source": "a.pdf", "path": "/in/a.pdf", "page": 1, "kind": "text", "pages": 1}
    return [
        Document(
            id=f"{i:032x}",
            content=f"chunk {i}",
            meta=meta,
            embedding=[0.1, 0.2, 0.3, 0.4],
            sparse_embedding=SparseEmbedding(indices=[i], values=[1.0]),
        )
        for i in range(n)
    ]


def _config(url: str) -> StoreConfig:
    return StoreConfig(collection="docs", embedding_model="m", embedding_dim=4, url=url, timeout=2)


def test_a_write_dropped_by_a_restarting_server_is_retried_from_the_start_of_the_document() -> None:
    with QdrantRecorder(drop_first={("PUT", "/collections/docs/points"): 2}) as server:
        store = open_document_store(_config(server.url))
        out = DocsightDocumentWriter(document_store=store).run(documents=_chunks(3))
        writes = [p for m, p, _, _ in server.requests if m == "PUT" and p.split("?")[0] == "/collections/docs/points"]
        commits = [p for m, p, _, _ in server.requests if p.startswith("/collections/docs/points/payload")]
        store.close()
    assert out["records"][0]["chunks"] == 3 and out["documents_written"] == 3
    assert len(writes) == 3 and len(commits) == 1  # two dropped, the third accepted; made visible once


def test_a_server_that_stays_down_fails_writes_and_searches_with_a_clear_error() -> None:
    with QdrantRecorder() as server:
        url = server.url
        store = open_document_store(_config(url))
        retriever = DocsightHybridRetriever(document_store=store)
        retriever.run(query_embedding=[0.1, 0.2, 0.3, 0.4], query_sparse_embedding=SparseEmbedding([1], [1.0]))
    # the server is gone now (refused connections)
    with pytest.raises(StoreUnavailableError, match=rf"the Qdrant server at {url} failed writing a.pdf 4 times"):
        DocsightDocumentWriter(document_store=store).run(documents=_chunks(2))
    with pytest.raises(StoreUnavailableError, match=rf"the Qdrant server at {url} failed a search 2 times"):
        retriever.run(query_embedding=[0.1, 0.2, 0.3, 0.4], query_sparse_embedding=SparseEmbedding([1], [1.0]))
    store.close()
