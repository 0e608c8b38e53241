"""Build the store configuration from settings and open it."""

from __future__ import annotations

from qdrant_client import QdrantClient

from pipelines.embedders import EmbeddingSpec, embedding_spec
from pipelines.settings import Settings
from retrievers.store import DocsightStore, StoreConfig, open_client, open_document_store


def store_config(settings: Settings, spec: EmbeddingSpec | None = None) -> StoreConfig:
    spec = spec or embedding_spec(settings)
    return StoreConfig(
        collection=settings.collection,
        embedding_model=spec.name,
        embedding_dim=spec.dimension,
        path=settings.qdrant_path,
        url=settings.qdrant_url,
        api_key=settings.qdrant_api_key,
        timeout=settings.qdrant_timeout,
        shard_number=settings.shard_number,
        replication_factor=settings.replication_factor,
        write_consistency_factor=settings.write_consistency_factor,
    )


def open_store(settings: Settings, spec: EmbeddingSpec | None = None) -> DocsightStore:
    """Open the configured store; see :meth:`retrievers.store.DocsightStore.open` for the errors."""
    return open_document_store(store_config(settings, spec))


def open_store_client(settings: Settings) -> QdrantClient:
    """A client of the configured store that opens no collection (see :func:`retrievers.store.open_client`)."""
    return open_client(store_config(settings))
