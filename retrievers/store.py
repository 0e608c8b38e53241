"""Open docsight's Qdrant store: embedded on disk by default, a server by URL; one facade for both.

A collection holds the chunk points (dense ``text-dense`` + sparse ``text-sparse`` vectors with Qdrant's IDF
modifier) and has a companion collection ``<name>__docsight`` that records the embedding model that wrote it and one
entry per fully ingested document (see :mod:`retrievers.document_registry`).
"""

from __future__ import annotations

import contextlib
import copy
import warnings
from dataclasses import dataclass
from pathlib import Path

from haystack.utils import Secret
from haystack_integrations.document_stores.qdrant import QdrantDocumentStore
from haystack_integrations.document_stores.qdrant.document_store import QdrantStoreError

from retrievers.disk_space import ensure_writable
from retrievers.document_registry import DocumentRegistry, mismatch_error
from retrievers.errors import StoreLockedError, StoreUnavailableError
from retrievers.store_health import (
    check_docsight_collection,
    check_embedded_store,
    damaged_error,
    foreign_error,
    is_damage,
)

# qdrant-client warns about local mode above 20,000 points because it searches point by point in Python; docsight's
# retriever searches an in-memory index of the embedded store instead (see retrievers/hybrid_index.py).
warnings.filterwarnings("ignore", message="Local mode is not recommended", category=UserWarning)

INDEXED_FIELDS = [
    ("meta.doc_id", "keyword"),
    ("meta.source", "keyword"),
    ("meta.kind", "keyword"),
    ("meta.statement", "keyword"),
    ("meta.page", "integer"),
    ("meta.committed", "bool"),
]


@dataclass(frozen=True)
class StoreConfig:
    """Where the store is and how its collection is laid out."""

    collection: str
    embedding_model: str
    embedding_dim: int
    sparse_model: str = "docsight/bm25-snowball-en"
    path: str = "data/qdrant"
    url: str = ""
    api_key: str = ""
    timeout: int = 60
    shard_number: int = 0
    replication_factor: int = 0
    write_consistency_factor: int = 0

    @property
    def registry_collection(self) -> str:
        return f"{self.collection}__docsight"

    @property
    def location(self) -> str:
        return self.url or str(Path(self.path).resolve())


def with_deserialized_store(data: dict) -> dict:
    """A copy of a component's serialised form with ``init_parameters.document_store`` turned back into a store."""
    data = copy.deepcopy(data)
    data["init_parameters"]["document_store"] = QdrantDocumentStore.from_dict(data["init_parameters"]["document_store"])
    return data


def document_store_for(config: StoreConfig) -> QdrantDocumentStore:
    """The QdrantDocumentStore for ``config``, not yet connected (what pipeline YAML exports serialise)."""
    kwargs: dict = {
        "index": config.collection,
        "embedding_dim": config.embedding_dim,
        "use_sparse_embeddings": True,
        "sparse_idf": True,
        "similarity": "cosine",
        "return_embedding": False,
        "progress_bar": False,
        "write_batch_size": 64,
        "wait_result_from_api": True,
    }
    if config.url:
        kwargs.update(
            url=config.url,
            timeout=config.timeout,
            api_key=Secret.from_env_var("DOCSIGHT_QDRANT_API_KEY", strict=False) if config.api_key else None,
            shard_number=config.shard_number or None,
            replication_factor=config.replication_factor or None,
            write_consistency_factor=config.write_consistency_factor or None,
            payload_fields_to_index=[{"field_name": f, "field_schema": s} for f, s in INDEXED_FIELDS],
        )
    else:
        kwargs.update(path=config.path)
    return QdrantDocumentStore(**kwargs)


def open_document_store(config: StoreConfig) -> tuple[QdrantDocumentStore, DocumentRegistry]:
    """A QdrantDocumentStore for ``config``, connected, with its collection created if needed, and its registry.

    :raises StoreLockedError: the embedded store is in use by another process.
    :raises StoreNotWritableError: the embedded store's folder is read-only or its disk is full.
    :raises StoreUnavailableError: the Qdrant server does not answer.
    :raises EmbeddingModelMismatchError: the collection was written with another embedding model.
    :raises StoreDamagedError: a file of the embedded store is damaged (nothing is written).
    :raises ForeignCollectionError: the collection was not created by docsight (nothing is written).
    """
    if not config.url:
        check_embedded_store(Path(config.path))
        ensure_writable(Path(config.path))
    store = document_store_for(config)
    try:
        store._initialize_client()  # connects, creates the collection or checks its vector size
    except QdrantStoreError:  # the collection exists with another layout (no sparse vectors, ...)
        _close_quietly(store)
        raise foreign_error(config.collection, config.location, "its vectors are not docsight's") from None
    except ValueError as exc:
        client = store._client  # set before the collection check that raised
        info = DocumentRegistry(client, config.collection).info() if client is not None else None
        _close_quietly(store)
        if info is not None:
            raise mismatch_error(config.collection, info, config.embedding_model, config.embedding_dim) from None
        raise foreign_error(config.collection, config.location, f"its vectors do not fit: {exc}") from None
    except RuntimeError as exc:
        if "already accessed by another instance" in str(exc):
            raise StoreLockedError(
                f"the embedded Qdrant store at {config.location} is open in another docsight process "
                "(the web UI or another ingest). Stop it, or run a Qdrant server and set DOCSIGHT_QDRANT_URL "
                "so that several processes can use the store at once."
            ) from None
        raise
    except Exception as exc:
        if not config.url and is_damage(exc):
            _close_quietly(store)
            raise damaged_error(Path(config.path), exc) from None
        if config.url:
            raise StoreUnavailableError(
                f"cannot reach the Qdrant server at {config.url} ({type(exc).__name__}: {exc}). "
                "Is it running? (docker compose up qdrant)"
            ) from None
        raise
    assert store._client is not None
    try:
        check_docsight_collection(
            store._client, config.collection, config.registry_collection, config.location, config.embedding_dim
        )
    except Exception:
        _close_quietly(store)
        raise
    registry = DocumentRegistry(store._client, config.collection, replication_factor=config.replication_factor or None)
    registry.ensure(config.embedding_model, config.embedding_dim, config.sparse_model)
    return store, registry


def _close_quietly(store: QdrantDocumentStore) -> None:
    """Release a store that failed to open (the embedded store's lock, its SQLite files)."""
    with contextlib.suppress(Exception):  # the open failed already: that error is the one to report
        store.close()
