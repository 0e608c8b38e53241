"""DocsightHybridRetriever: dense + sparse search fused with RRF, returning only fully ingested documents."""

from __future__ import annotations

import copy
from typing import Any

from haystack import Document, component, default_from_dict, default_to_dict
from haystack.dataclasses import SparseEmbedding
from haystack.document_stores.types import FilterPolicy
from haystack_integrations.components.retrievers.qdrant import QdrantHybridRetriever
from haystack_integrations.document_stores.qdrant import QdrantDocumentStore

from retrievers.document_registry import DocumentRegistry
from retrievers.filters import COMMITTED


@component
class DocsightHybridRetriever:
    """Qdrant hybrid retrieval (dense ``text-dense`` + sparse BM25 ``text-sparse``, reciprocal-rank fusion) that only
    returns chunks of documents recorded as complete.

    Two checks make a chunk visible: ``meta.committed`` is true (a Qdrant filter, so hidden chunks cost nothing)
    and its document has a record in the registry (checked on the hits). The second check covers the moment a
    commit is interrupted: in the embedded store, flipping ``committed`` on many points is not atomic, but the
    record is written only after every point is flipped.
    """

    def __init__(
        self, *, document_store: QdrantDocumentStore, top_k: int = 10, embedding_model: str | None = None
    ) -> None:
        """
        :param document_store: the docsight collection's store.
        :param top_k: hits to return (runtime ``top_k`` overrides it).
        :param embedding_model: the model of the query embeddings; a collection written with another model is an
            ``EmbeddingModelMismatchError`` instead of silently wrong results.
        """
        self.document_store = document_store
        self.top_k = top_k
        self.embedding_model = embedding_model
        self._registry: DocumentRegistry | None = None
        self._retriever = QdrantHybridRetriever(
            document_store=document_store,
            filters={"operator": "AND", "conditions": [COMMITTED]},
            filter_policy=FilterPolicy.MERGE,
            top_k=top_k,
        )

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(
            self, document_store=self.document_store.to_dict(), top_k=self.top_k, embedding_model=self.embedding_model
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DocsightHybridRetriever:
        data = copy.deepcopy(data)
        data["init_parameters"]["document_store"] = QdrantDocumentStore.from_dict(
            data["init_parameters"]["document_store"]
        )
        return default_from_dict(cls, data)

    @component.output_types(documents=list[Document])
    def run(
        self,
        query_embedding: list[float],
        query_sparse_embedding: SparseEmbedding,
        filters: dict[str, Any] | None = None,
        top_k: int | None = None,
    ) -> dict[str, list[Document]]:
        """Search; ``filters`` (Haystack syntax) are ANDed with the visibility rules.

        :returns: ``documents``: at most ``top_k`` chunks, best first, with ``score`` (the RRF score).
        """
        k = top_k or self.top_k
        self._checked_registry()
        found = self._retriever.run(
            query_embedding=query_embedding,
            query_sparse_embedding=query_sparse_embedding,
            filters=filters,
            top_k=k + 5,  # room for hits that the registry check drops
        )["documents"]
        recorded = self._checked_registry().recorded({d.meta.get("doc_id", "") for d in found})
        return {"documents": [d for d in found if d.meta.get("doc_id") in recorded][:k]}

    def _checked_registry(self) -> DocumentRegistry:
        if self._registry is None:
            self.document_store._initialize_client()
            registry = DocumentRegistry(self.document_store._client, self.document_store.index)
            if self.embedding_model:
                registry.check(self.embedding_model, self.document_store.embedding_dim)
            self._registry = registry
        return self._registry
