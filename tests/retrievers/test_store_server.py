"""What docsight asks a Qdrant server: the cluster layout of new collections, payload indexes, the API key."""

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
        store, _ = open_document_store(config)
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


def test_defaults_leave_the_layout_to_the_server() -> None:
    with QdrantRecorder() as server:
        open_document_store(StoreConfig(collection="docs", embedding_model="m", embedding_dim=4, url=server.url))
        created = server.created("docs")
        assert not {"shard_number", "replication_factor", "write_consistency_factor"} & set(created)
