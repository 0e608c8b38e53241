"""Open docsight's Qdrant store: embedded on disk by default, a server by URL; one facade for both.

A collection holds the chunk points (dense ``text-dense`` + sparse ``text-sparse`` vectors with Qdrant's IDF
modifier) and has a companion collection ``<name>__docsight`` that records the embedding model that wrote it and one
entry per fully ingested document (see :mod:`retrievers.document_registry`).

:class:`DocsightStore` is the one object the rest of docsight holds: the Haystack store, its Qdrant client, the
collection, its registry and whether it is embedded, with the lock, the retry policy, the disk-space check and the
hybrid search that fit the back end (the way ``QdrantClient`` dispatches to its local and remote back ends, callers
never ask which). This and :mod:`retrievers.local_points` (the search index's reads of the embedded collection) are
the only modules that touch qdrant-haystack's and qdrant-client's private attributes.
"""

from __future__ import annotations

import contextlib
import copy
import threading
import warnings
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TypeVar

from haystack import Document
from haystack.document_stores.types import DuplicatePolicy
from haystack.utils import Secret
from haystack_integrations.document_stores.qdrant import QdrantDocumentStore
from haystack_integrations.document_stores.qdrant.document_store import QdrantStoreError
from qdrant_client import QdrantClient

from ingest.schema import INDEXED_FIELDS, SPARSE_MODEL
from retrievers.disk_space import ensure_room, ensure_writable
from retrievers.document_registry import DocumentRegistry, mismatch_error, registry_name
from retrievers.errors import StoreLockedError, StoreUnavailableError
from retrievers.hybrid_search import EmbeddedHybridSearch, QdrantHybridSearch
from retrievers.server_retry import with_retries
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

T = TypeVar("T")
IN_MEMORY = ":memory:"  # a ``path`` for an embedded store that lives in this process only (benchmarks)
API_KEY_ENV = "DOCSIGHT_QDRANT_API_KEY"


@dataclass(frozen=True)
class StoreConfig:
    """Where the store is and how its collection is laid out."""

    collection: str
    embedding_model: str
    embedding_dim: int
    sparse_model: str = SPARSE_MODEL
    path: str = "data/qdrant"
    url: str = ""
    api_key: str = ""
    timeout: int = 60
    shard_number: int = 0
    replication_factor: int = 0
    write_consistency_factor: int = 0

    @property
    def embedded(self) -> bool:
        return not self.url

    @property
    def location(self) -> str:
        if self.url or self.path == IN_MEMORY:
            return self.url or IN_MEMORY
        return str(Path(self.path).resolve())


class DocsightStore:
    """A docsight collection and its registry, on an embedded store or a Qdrant server.

    Built unconnected (what pipeline YAML exports serialise); :meth:`open` (or the first use of :attr:`client` or
    :attr:`registry`) connects, creates the collection and its registry if needed and checks them, once.
    """

    def __init__(self, config: StoreConfig) -> None:
        self.config = config
        self.haystack_store = _haystack_store(config)
        # qdrant-client's embedded mode keeps its collections in Python dicts and arrays with no locking: a scroll
        # in one thread while another upserts can fail or read a half-written point. A server needs no lock.
        self._lock: AbstractContextManager = threading.RLock() if config.embedded else contextlib.nullcontext()
        self._opening = threading.RLock()
        self._registry: DocumentRegistry | None = None
        self._search: QdrantHybridSearch | None = None

    @property
    def collection(self) -> str:
        return self.config.collection

    @property
    def embedded(self) -> bool:
        """An embedded store (in this process, on disk or in memory) rather than a Qdrant server."""
        return self.config.embedded

    @property
    def location(self) -> str:
        """The server's URL or the embedded store's folder, for messages."""
        return self.config.location

    def to_dict(self) -> dict[str, Any]:
        """The configuration; an API key is serialised as the environment variable that holds it, never its value."""
        params = asdict(self.config)
        params["api_key"] = Secret.from_env_var(API_KEY_ENV, strict=False).to_dict() if self.config.api_key else None
        return {"type": f"{type(self).__module__}.{type(self).__name__}", "init_parameters": params}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DocsightStore:
        params = dict(data["init_parameters"])
        key = params.get("api_key")
        params["api_key"] = (Secret.from_dict(key).resolve_value() or "") if key else ""
        return cls(StoreConfig(**params))

    # -- connection ---------------------------------------------------------------------------------------------------
    def open(self) -> DocsightStore:
        """Connect, create the collection and its registry if needed, and check them (once; later calls return).

        :raises StoreLockedError: the embedded store is in use by another process.
        :raises StoreNotWritableError: the embedded store's folder is read-only or its disk is full.
        :raises StoreUnavailableError: the Qdrant server does not answer.
        :raises EmbeddingModelMismatchError: the collection was written with another embedding model.
        :raises StoreDamagedError: a file of the embedded store is damaged (nothing is written).
        :raises ForeignCollectionError: the collection was not created by docsight (nothing is written).
        """
        with self._opening:
            if self._registry is None:
                self._registry = self._connect()
        return self

    @property
    def client(self) -> QdrantClient:
        """The connected Qdrant client (opens the store if needed)."""
        self.open()
        client = self.haystack_store._client
        assert client is not None, "the store is closed"
        return client

    @property
    def registry(self) -> DocumentRegistry:
        """The collection's registry (opens the store if needed)."""
        self.open()
        assert self._registry is not None
        return self._registry

    @property
    def hybrid_search(self) -> QdrantHybridSearch:
        """The fused hybrid search fitting the back end (see :mod:`retrievers.hybrid_search`), built once."""
        client, registry = self.client, self.registry
        with self._opening:
            if self._search is None:
                self._search = (
                    EmbeddedHybridSearch(client, self.collection, registry)
                    if self.embedded
                    else QdrantHybridSearch(client, self.collection)
                )
            return self._search

    def close(self) -> None:
        """Release the client (the embedded store's lock, its SQLite files)."""
        with self._opening:
            self.haystack_store.close()
            self._registry = self._search = None

    # -- what an operation on the store needs ---------------------------------------------------------------------
    def lock(self) -> AbstractContextManager:
        """The re-entrant lock of an embedded store, taken around each of its operations (which makes one store
        safe to share between threads: the web UI ingests in a background thread while sessions query); a no-op
        context for a server."""
        return self._lock

    def with_retries(self, operation: Callable[[], T], *, what: str, delays: tuple[float, ...]) -> T:
        """``operation()``; on a server, again after each of ``delays`` while it fails transiently (see
        :mod:`retrievers.server_retry`); the embedded store has no transport to fail.

        :raises StoreUnavailableError: it still failed transiently after the last attempt.
        """
        if self.embedded:
            return operation()
        return with_retries(operation, location=self.location, what=what, delays=delays)

    def ensure_room(self, documents: list[Document], name: str) -> None:
        """:raises StoreFullError: an embedded store's disk has not room enough for ``documents`` (a server checks
        its own disk)."""
        if self.embedded and self.config.path != IN_MEMORY:
            ensure_room(Path(self.config.path), documents, name)

    # -- Haystack's DocumentStore protocol, under the lock -------------------------------------------------------------
    def count_documents(self) -> int:
        with self._lock:
            return self.haystack_store.count_documents()

    def filter_documents(self, filters: dict[str, Any] | None = None) -> list[Document]:
        """Every chunk matching ``filters`` (Haystack syntax), hidden ones included unless filtered out."""
        with self._lock:
            return self.haystack_store.filter_documents(filters)

    def write_documents(self, documents: list[Document], policy: DuplicatePolicy = DuplicatePolicy.FAIL) -> int:
        """Write points as they are, outside docsight's ingestion protocol (that is
        :class:`retrievers.document_writer.DocsightDocumentWriter`'s)."""
        with self._lock:
            return self.haystack_store.write_documents(documents, policy=policy)

    def delete_documents(self, document_ids: list[str]) -> None:
        with self._lock:
            self.haystack_store.delete_documents(document_ids)

    def point_count(self) -> int:
        """Points in the collection, hidden ones included."""
        with self._lock:
            return self.client.count(self.collection, exact=True).count

    # -- opening ------------------------------------------------------------------------------------------------------
    def _connect(self) -> DocumentRegistry:
        config, store = self.config, self.haystack_store
        on_disk = config.embedded and config.path != IN_MEMORY
        if on_disk:
            check_embedded_store(Path(config.path))
            ensure_writable(Path(config.path))
        try:
            store._initialize_client()  # connects, creates the collection or checks its vector size
        except QdrantStoreError:  # the collection exists with another layout (no sparse vectors, ...)
            self._close_quietly()
            raise foreign_error(config.collection, config.location, "its vectors are not docsight's") from None
        except ValueError as exc:
            client = store._client  # set before the collection check that raised
            info = self._new_registry(client).info() if client is not None else None
            self._close_quietly()
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
            if on_disk and is_damage(exc):
                self._close_quietly()
                raise damaged_error(Path(config.path), exc) from None
            if not config.embedded:
                raise StoreUnavailableError(
                    f"cannot reach the Qdrant server at {config.url} ({type(exc).__name__}: {exc}). "
                    "Is it running? (docker compose up qdrant)"
                ) from None
            raise
        client = store._client
        assert client is not None
        try:
            check_docsight_collection(
                client,
                config.collection,
                registry_name(config.collection),
                config.location,
                config.embedding_dim,
            )
            if not config.embedded:
                ensure_payload_indexes(client, config.collection)
            registry = self._new_registry(client)
            registry.ensure(config.embedding_model, config.embedding_dim, config.sparse_model)
        except Exception:
            self._close_quietly()
            raise
        return registry

    def _new_registry(self, client: QdrantClient) -> DocumentRegistry:
        return DocumentRegistry(
            client, self.collection, replication_factor=self.config.replication_factor or None, lock=self._lock
        )

    def _close_quietly(self) -> None:
        """Release a store that failed to open."""
        with contextlib.suppress(Exception):  # the open failed already: that error is the one to report
            self.haystack_store.close()


def open_client(config: StoreConfig) -> QdrantClient:
    """A client of the store ``config`` names, with no collection opened or created (for managing collections).

    :raises StoreLockedError: the embedded store is open in another process.
    :raises StoreUnavailableError: the server does not answer.
    """
    try:
        if config.embedded:
            if config.path != IN_MEMORY:
                check_embedded_store(Path(config.path))
            location = {"location": IN_MEMORY} if config.path == IN_MEMORY else {"path": config.path}
            return QdrantClient(**location)
        client = QdrantClient(url=config.url, api_key=config.api_key or None, timeout=config.timeout)
        client.get_collections()
        return client
    except RuntimeError as exc:
        if "already accessed by another instance" in str(exc):
            raise StoreLockedError(
                f"the embedded Qdrant store at {config.location} is open in another docsight process "
                "(the web UI or another ingest). Stop it, or run a Qdrant server and set DOCSIGHT_QDRANT_URL."
            ) from None
        raise
    except Exception as exc:
        if config.embedded:
            raise
        raise StoreUnavailableError(
            f"cannot reach the Qdrant server at {config.url} ({type(exc).__name__}: {exc}). "
            "Is it running? (docker compose up qdrant)"
        ) from None


def ensure_payload_indexes(client: QdrantClient, collection: str) -> list[str]:
    """Create the payload indexes of :data:`ingest.schema.INDEXED_FIELDS` that a server's collection lacks (one
    created before docsight indexed a field: the identity fields, tags); returns the fields indexed now."""
    schema = client.get_collection(collection).payload_schema or {}
    missing = [(f, kind) for f, kind in INDEXED_FIELDS if f not in schema]
    for field_name, kind in missing:
        client.create_payload_index(collection, field_name=field_name, field_schema=kind, wait=True)
    return [f for f, _ in missing]


def open_document_store(config: StoreConfig) -> DocsightStore:
    """The store for ``config``, connected, with its collection and registry created if needed and checked; see
    :meth:`DocsightStore.open` for the errors."""
    return DocsightStore(config).open()


def with_deserialized_store(data: dict) -> dict:
    """A copy of a component's serialised form with ``init_parameters.document_store`` turned back into a store."""
    data = copy.deepcopy(data)
    data["init_parameters"]["document_store"] = DocsightStore.from_dict(data["init_parameters"]["document_store"])
    return data


def _haystack_store(config: StoreConfig) -> QdrantDocumentStore:
    """The QdrantDocumentStore for ``config``, not yet connected."""
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
            api_key=Secret.from_env_var(API_KEY_ENV, strict=False) if config.api_key else None,
            shard_number=config.shard_number or None,
            replication_factor=config.replication_factor or None,
            write_consistency_factor=config.write_consistency_factor or None,
            payload_fields_to_index=[{"field_name": f, "field_schema": s} for f, s in INDEXED_FIELDS],
        )
    elif config.path == IN_MEMORY:
        kwargs.update(location=IN_MEMORY)
    else:
        kwargs.update(path=config.path)
    return QdrantDocumentStore(**kwargs)
