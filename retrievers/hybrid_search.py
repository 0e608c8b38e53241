"""The fused (RRF) hybrid search of a collection, one class per back end with the same ``search`` signature.

:class:`QdrantHybridSearch` lets Qdrant fuse prefetched rankings (a server). :class:`EmbeddedHybridSearch` ranks on
:class:`retrievers.hybrid_index.EmbeddedHybridIndex` (qdrant-client's local mode loops over every point in Python to
score sparse vectors and check filters) and fuses with qdrant-client's own RRF: the same ranking. The store facade
(:class:`retrievers.store.DocsightStore`) hands out the one that fits, so callers never ask which back end it is.
"""

from __future__ import annotations

import dataclasses

from haystack import Document
from haystack.dataclasses import SparseEmbedding
from haystack_integrations.document_stores.qdrant.converters import convert_qdrant_point_to_haystack_document
from haystack_integrations.document_stores.qdrant.filters import convert_filters_to_qdrant
from qdrant_client import QdrantClient, models
from qdrant_client.hybrid.fusion import reciprocal_rank_fusion

from ingest.schema import DENSE_VECTOR, SPARSE_VECTOR, Meta, meta_key
from retrievers.document_registry import DocumentRegistry
from retrievers.hybrid_index import EmbeddedHybridIndex, UnsupportedFilter, colour_shares, share_ranking


def candidates_for(limit: int) -> int:
    """Candidates each ranking contributes to the fusion (qdrant-haystack's hybrid retriever leaves Qdrant's 10)."""
    return max(3 * limit, 30)


class QdrantHybridSearch:
    """Fusion in Qdrant: one ``query_points`` with a prefetch per ranking. A question that names colours ranks
    the coloured chunks by a payload value, which a prefetch cannot: then the rankings are fetched in one batch
    and fused here, with qdrant-client's RRF (the same fusion)."""

    def __init__(self, client: QdrantClient, collection: str) -> None:
        self.client = client
        self.collection = collection

    def search(
        self,
        dense: list[float],
        sparse_query: SparseEmbedding,
        flt: dict,
        preferred: dict | None,
        limit: int,
        weights: list[float],
        colours: list[str] | None = None,
        candidates: int | None = None,
    ) -> list[Document]:
        """``limit`` chunks matching ``flt`` (Haystack filters), best first: the RRF (``weights``: sparse, dense,
        with ``preferred`` the dense ranking of the chunks that filter selects, and with ``colours`` the ranking of
        the chunks drawn in them, see :meth:`EmbeddedHybridIndex.colour_search`) of the rankings, each of
        ``candidates`` chunks (default :func:`candidates_for` ``limit``)."""
        candidates = candidates or candidates_for(limit)
        if colours:
            return self._fused_here(dense, sparse_query, flt, preferred, limit, weights, colours, candidates)
        qdrant_filter = convert_filters_to_qdrant(flt)
        sparse_vector = models.SparseVector(indices=sparse_query.indices, values=sparse_query.values)
        prefetch = [
            models.Prefetch(query=sparse_vector, using=SPARSE_VECTOR, filter=qdrant_filter, limit=candidates),
            models.Prefetch(query=dense, using=DENSE_VECTOR, filter=qdrant_filter, limit=candidates),
        ]
        if preferred:
            preferred_filter = convert_filters_to_qdrant(preferred)
            prefetch.append(models.Prefetch(query=dense, using=DENSE_VECTOR, filter=preferred_filter, limit=candidates))
        points = self.client.query_points(
            self.collection,
            prefetch=prefetch,
            query=models.RrfQuery(rrf=models.Rrf(weights=weights)),
            limit=limit,
            with_payload=True,
        ).points
        return [convert_qdrant_point_to_haystack_document(p, use_sparse_embeddings=True) for p in points]

    def _fused_here(
        self,
        dense: list[float],
        sparse_query: SparseEmbedding,
        flt: dict,
        preferred: dict | None,
        limit: int,
        weights: list[float],
        colours: list[str],
        candidates: int,
    ) -> list[Document]:
        sparse_vector = models.SparseVector(indices=sparse_query.indices, values=sparse_query.values)
        coloured = {
            "operator": "AND",
            "conditions": [flt, {"field": meta_key(Meta.COLOURS), "operator": "in", "value": colours}],
        }
        requests = [
            models.QueryRequest(
                query=sparse_vector, using=SPARSE_VECTOR, filter=convert_filters_to_qdrant(flt), limit=candidates
            ),
            models.QueryRequest(
                query=dense, using=DENSE_VECTOR, filter=convert_filters_to_qdrant(flt), limit=candidates
            ),
        ]
        if preferred:
            requests.append(
                models.QueryRequest(
                    query=dense, using=DENSE_VECTOR, filter=convert_filters_to_qdrant(preferred), limit=candidates
                )
            )
        requests.append(
            models.QueryRequest(
                query=dense,
                using=DENSE_VECTOR,
                filter=convert_filters_to_qdrant(coloured),
                limit=candidates,
                with_payload=[meta_key(Meta.COLOURS), meta_key(Meta.COLOUR_SHARES)],
            )
        )
        *rankings, nearest = [r.points for r in self.client.query_batch_points(self.collection, requests=requests)]
        wanted = set(colours)
        shares = [
            (p.id, sum(v for n, v in colour_shares((p.payload or {}).get("meta", {})).items() if n in wanted))
            for p in nearest
        ]
        fused = reciprocal_rank_fusion([*rankings, share_ranking(shares)], limit=limit, weights=weights)
        return _documents(self.client, self.collection, fused)


def _documents(client: QdrantClient, collection: str, fused: list[models.ScoredPoint]) -> list[Document]:
    """The fused points' chunks, in order, with the fused score."""
    records = {r.id: r for r in client.retrieve(collection, [p.id for p in fused], with_payload=True)}
    documents = []
    for point in fused:
        doc = convert_qdrant_point_to_haystack_document(records[point.id], use_sparse_embeddings=True)
        documents.append(dataclasses.replace(doc, score=point.score))
    return documents


class EmbeddedHybridSearch(QdrantHybridSearch):
    """Fusion of the rankings of an in-memory index of the embedded store; filters the index cannot evaluate are
    left to qdrant-client."""

    def __init__(self, client: QdrantClient, collection: str, registry: DocumentRegistry) -> None:
        super().__init__(client, collection)
        self.index = EmbeddedHybridIndex(client, collection, registry=registry)

    def search(
        self,
        dense: list[float],
        sparse_query: SparseEmbedding,
        flt: dict,
        preferred: dict | None,
        limit: int,
        weights: list[float],
        colours: list[str] | None = None,
        candidates: int | None = None,
    ) -> list[Document]:
        candidates = candidates or candidates_for(limit)
        try:
            rankings = self.index.search(
                dense, sparse_query.indices, sparse_query.values, flt, candidates, preferred=preferred
            )
            if colours:
                rankings.append(self.index.colour_search(dense, colours, flt, candidates))
        except UnsupportedFilter:
            return super().search(dense, sparse_query, flt, preferred, limit, weights, colours, candidates)
        fused = reciprocal_rank_fusion(rankings, limit=limit, weights=weights)
        return _documents(self.client, self.collection, fused)
