"""DocsightHybridRetriever: dense + sparse search fused with RRF, returning only fully ingested documents."""

from __future__ import annotations

import dataclasses
from typing import Any

from haystack import Document, component, default_from_dict, default_to_dict
from haystack.dataclasses import SparseEmbedding
from haystack_integrations.document_stores.qdrant import QdrantDocumentStore
from haystack_integrations.document_stores.qdrant.converters import (
    DENSE_VECTORS_NAME,
    SPARSE_VECTORS_NAME,
    convert_qdrant_point_to_haystack_document,
)
from haystack_integrations.document_stores.qdrant.filters import convert_filters_to_qdrant
from qdrant_client import models
from qdrant_client.hybrid.fusion import reciprocal_rank_fusion
from qdrant_client.local.qdrant_local import QdrantLocal

from ingest.documents import title_from_name
from retrievers.client_lock import client_lock
from retrievers.document_registry import DocumentRegistry
from retrievers.document_scope import NamedDocument, named_document, ordinal_scope
from retrievers.document_scope import scope as scope_of
from retrievers.filters import COMMITTED
from retrievers.hybrid_index import EmbeddedHybridIndex, UnsupportedFilter
from retrievers.server_retry import QUERY_DELAYS_S, with_retries
from retrievers.store import with_deserialized_store


@component
class DocsightHybridRetriever:
    """Qdrant hybrid retrieval (dense ``text-dense`` + sparse BM25 ``text-sparse``, reciprocal-rank fusion) that only
    returns chunks of documents recorded as complete.

    Two checks make a chunk visible: ``meta.committed`` is true (a Qdrant filter, so hidden chunks cost nothing)
    and its document has a record in the registry (checked on the hits). The second check covers the moment a
    commit is interrupted: in the embedded store, flipping ``committed`` on many points is not atomic, but the
    record is written only after every point is flipped.

    Each side of the fusion contributes ``max(3 * top_k, 30)`` candidates (qdrant-haystack's hybrid retriever
    leaves Qdrant's default of 10). On a server the fusion runs in Qdrant. In the embedded store both sides run on
    :class:`retrievers.hybrid_index.EmbeddedHybridIndex` (qdrant-client's local mode loops over every point in
    Python to score sparse vectors and check filters) and are fused with qdrant-client's own RRF: same ranking.
    """

    def __init__(
        self,
        *,
        document_store: QdrantDocumentStore,
        top_k: int = 10,
        embedding_model: str | None = None,
        scope_by_name: bool = True,
        dense_weight: float = 2.0,
        statement_weight: float = 2.0,
    ) -> None:
        """
        :param document_store: the docsight collection's store.
        :param top_k: hits to return (runtime ``top_k`` overrides it).
        :param embedding_model: the model of the query embeddings; a collection written with another model is an
            ``EmbeddingModelMismatchError`` instead of silently wrong results.
        :param scope_by_name: when the question (``query``) names documents — "3M's FY2018 capex" names
            ``3M_2018_10K.pdf`` — search only those (see :mod:`retrievers.document_scope`), unless the runtime
            ``doc_ids`` or ``filters`` choose documents (the user's choice wins).
        :param dense_weight: the dense ranking's weight in the fusion (the sparse one's is 1); weighted RRF.
        :param statement_weight: the weight of a third ranking when the question asks for financial statements
            (runtime ``statements``): the dense ranking of the chunks of those statements' pages (``meta.statement``,
            see :mod:`ingest.layout.statements`). 0 turns it off.
        """
        self.document_store = document_store
        self.top_k = top_k
        self.embedding_model = embedding_model
        self.scope_by_name = scope_by_name
        self.dense_weight = dense_weight
        self.statement_weight = statement_weight
        self._registry: DocumentRegistry | None = None
        self._index: EmbeddedHybridIndex | None = None
        self._named: tuple[str, list[NamedDocument], dict[str, str]] | None = None

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(
            self,
            document_store=self.document_store.to_dict(),
            top_k=self.top_k,
            embedding_model=self.embedding_model,
            scope_by_name=self.scope_by_name,
            dense_weight=self.dense_weight,
            statement_weight=self.statement_weight,
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DocsightHybridRetriever:
        return default_from_dict(cls, with_deserialized_store(data))

    @component.output_types(documents=list[Document], scope=list[str])
    def run(
        self,
        query_embedding: list[float],
        query_sparse_embedding: SparseEmbedding,
        filters: dict[str, Any] | None = None,
        top_k: int | None = None,
        query: str | None = None,
        statements: list[str] | None = None,
        doc_ids: list[str] | None = None,
    ) -> dict[str, Any]:
        """Search; ``filters`` (Haystack syntax) are ANDed with the visibility rules.

        :param query: the question's text, for scoping by document name (optional).
        :param statements: statement kinds the question asks for (``QueryExpander``'s ``statements``): chunks of
            those pages get a third ranking in the fusion.
        :param doc_ids: search only these documents, in the user's order: a question about "the second chart"
            searches the second of them.
        :returns: ``documents``: at most ``top_k`` chunks, best first, with ``score`` (the RRF score); ``scope``:
            the sources of the documents the question named and the search was limited to (empty: all).
        :raises StoreUnavailableError: a Qdrant server failed the search twice (one retry after a second).
        """
        k = top_k or self.top_k
        chosen = list(dict.fromkeys(doc_ids or []))

        def search() -> dict[str, Any]:
            registry = self._checked_registry()
            conditions = [COMMITTED, filters] if filters else [COMMITTED]
            if chosen:
                conditions.append({"field": "meta.doc_id", "operator": "in", "value": chosen})
            with client_lock(registry.client):
                named, scope = (
                    self._scope(registry, query, filters, chosen) if query and self.scope_by_name else ([], [])
                )
                if named:
                    conditions.append({"field": "meta.doc_id", "operator": "in", "value": named})
                flt = {"operator": "AND", "conditions": conditions}
                preferred = _statement_filter(flt, statements) if statements and self.statement_weight > 0 else None
                found = self._search(query_embedding, query_sparse_embedding, flt, preferred, limit=k + 5)
                recorded = registry.recorded({d.meta.get("doc_id", "") for d in found})
            return {"documents": [d for d in found if d.meta.get("doc_id") in recorded][:k], "scope": scope}

        return with_retries(search, store=self.document_store, what="a search", delays=QUERY_DELAYS_S)

    def _scope(
        self, registry: DocumentRegistry, query: str, filters: dict[str, Any] | None, chosen: list[str]
    ) -> tuple[list[str], list[str]]:
        """(doc ids, sources) the question points at: by position among the ``chosen`` documents ("the second
        chart"), else by name when neither ``chosen`` nor ``filters`` choose documents; empty when it points at
        nothing."""
        if chosen:
            doc_ids = ordinal_scope(query, chosen)
        elif _chooses_documents(filters):
            return [], []
        else:
            doc_ids = scope_of(query, self._named_documents(registry)[0])
        if not doc_ids:
            return [], []
        sources = self._named_documents(registry)[1]
        return doc_ids, [sources.get(d, d) for d in doc_ids]

    def _named_documents(self, registry: DocumentRegistry) -> tuple[list[NamedDocument], dict[str, str]]:
        revision = registry.revision()
        if self._named is None or self._named[0] != revision:
            records = registry.all()
            named = [n for r in records if (n := named_document(r.doc_id, title_from_name(r.source)))]
            self._named = (revision, named, {r.doc_id: r.source for r in records})
        return self._named[1], self._named[2]

    def _search(
        self, dense: list[float], sparse_query: SparseEmbedding, flt: dict, preferred: dict | None, limit: int
    ) -> list[Document]:
        """``limit`` chunks (some spare for the registry check): the fusion of the sparse and dense rankings and,
        with ``preferred`` (a filter), the dense ranking of the chunks it selects."""
        client = self.document_store._client
        if isinstance(client._client, QdrantLocal):
            try:
                return self._search_embedded(dense, sparse_query, flt, preferred, limit)
            except UnsupportedFilter:
                pass
        return self._search_in_qdrant(dense, sparse_query, flt, preferred, limit)

    def _weights(self, preferred: dict | None) -> list[float]:
        return [1.0, self.dense_weight] + ([self.statement_weight] if preferred else [])

    def _search_embedded(
        self, dense: list[float], sparse_query: SparseEmbedding, flt: dict, preferred: dict | None, limit: int
    ) -> list[Document]:
        client, index = self.document_store._client, self.document_store.index
        candidates = max(3 * limit, 30)
        if self._index is None:
            self._index = EmbeddedHybridIndex(client, index, registry=self._checked_registry())
        rankings = list(self._index.search(dense, sparse_query.indices, sparse_query.values, flt, candidates))
        if preferred:
            rankings.append(self._index.dense_search(dense, preferred, candidates))
        fused = reciprocal_rank_fusion(rankings, limit=limit, weights=self._weights(preferred))
        records = {r.id: r for r in client.retrieve(index, [p.id for p in fused], with_payload=True)}
        documents = []
        for point in fused:
            doc = convert_qdrant_point_to_haystack_document(records[point.id], use_sparse_embeddings=True)
            documents.append(dataclasses.replace(doc, score=point.score))
        return documents

    def _search_in_qdrant(
        self, dense: list[float], sparse_query: SparseEmbedding, flt: dict, preferred: dict | None, limit: int
    ) -> list[Document]:
        client, index = self.document_store._client, self.document_store.index
        candidates = max(3 * limit, 30)
        qdrant_filter = convert_filters_to_qdrant(flt)
        sparse_vector = models.SparseVector(indices=sparse_query.indices, values=sparse_query.values)
        prefetch = [
            models.Prefetch(query=sparse_vector, using=SPARSE_VECTORS_NAME, filter=qdrant_filter, limit=candidates),
            models.Prefetch(query=dense, using=DENSE_VECTORS_NAME, filter=qdrant_filter, limit=candidates),
        ]
        if preferred:
            preferred_filter = convert_filters_to_qdrant(preferred)
            prefetch.append(
                models.Prefetch(query=dense, using=DENSE_VECTORS_NAME, filter=preferred_filter, limit=candidates)
            )
        points = client.query_points(
            index,
            prefetch=prefetch,
            query=models.RrfQuery(rrf=models.Rrf(weights=self._weights(preferred))),
            limit=limit,
            with_payload=True,
        ).points
        return [convert_qdrant_point_to_haystack_document(p, use_sparse_embeddings=True) for p in points]

    def _checked_registry(self) -> DocumentRegistry:
        if self._registry is None:
            self.document_store._initialize_client()
            registry = DocumentRegistry(self.document_store._client, self.document_store.index)
            if self.embedding_model:
                registry.check(self.embedding_model, self.document_store.embedding_dim)
            self._registry = registry
        return self._registry


def _statement_filter(flt: dict[str, Any], statements: list[str]) -> dict[str, Any]:
    """``flt`` narrowed to the chunks of pages that print one of ``statements``."""
    return {"operator": "AND", "conditions": [flt, {"field": "meta.statement", "operator": "in", "value": statements}]}


def _chooses_documents(filters: dict[str, Any] | None) -> bool:
    """Whether ``filters`` restrict ``meta.doc_id`` or ``meta.source`` anywhere."""
    if not filters:
        return False
    if filters.get("field") in ("meta.doc_id", "meta.source"):
        return True
    return any(_chooses_documents(c) for c in filters.get("conditions", []))
