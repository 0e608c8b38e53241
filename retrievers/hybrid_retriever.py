"""DocsightHybridRetriever: dense + sparse search fused with RRF, returning only fully ingested documents."""

from __future__ import annotations

from typing import Any

from haystack import Document, component, default_from_dict, default_to_dict
from haystack.dataclasses import SparseEmbedding

from ingest.documents import title_from_name
from ingest.schema import Meta, meta_key
from retrievers.document_registry import DocumentRecord, DocumentRegistry
from retrievers.document_scope import NamedDocument, identified_document, named_document, ordinal_scope
from retrievers.document_scope import scope as scope_of
from retrievers.filters import COMMITTED
from retrievers.server_retry import QUERY_DELAYS_S
from retrievers.store import DocsightStore, with_deserialized_store


@component
class DocsightHybridRetriever:
    """Qdrant hybrid retrieval (dense ``text-dense`` + sparse BM25 ``text-sparse``, reciprocal-rank fusion) that only
    returns chunks of documents recorded as complete.

    Two checks make a chunk visible: ``meta.committed`` is true (a Qdrant filter, so hidden chunks cost nothing)
    and its document has a record in the registry (checked on the hits). The second check covers the moment a
    commit is interrupted: in the embedded store, flipping ``committed`` on many points is not atomic, but the
    record is written only after every point is flipped.

    Each side of the fusion contributes ``max(3 * top_k, 30)`` candidates (qdrant-haystack's hybrid retriever
    leaves Qdrant's default of 10); the store's :attr:`~retrievers.store.DocsightStore.hybrid_search` fuses them
    (in Qdrant on a server, on an in-memory index in the embedded store: same ranking).
    """

    def __init__(
        self,
        *,
        document_store: DocsightStore,
        top_k: int = 10,
        scope_by_name: bool = True,
        dense_weight: float = 2.0,
        statement_weight: float = 2.0,
        colour_weight: float = 1.0,
    ) -> None:
        """
        :param document_store: the docsight collection's store; its configuration names the model of the query
            embeddings: a collection written with another model is an ``EmbeddingModelMismatchError`` instead of
            silently wrong results.
        :param top_k: hits to return (runtime ``top_k`` overrides it).
        :param scope_by_name: when the question (``query``) names documents — "3M's FY2018 capex" names the
            filing whose cover names 3M and fiscal 2018 (or, for a document whose content names no organisation,
            the file ``3M_2018_10K.pdf``) — search only those (see :mod:`retrievers.document_scope`), unless the
            runtime ``doc_ids`` or ``filters`` choose documents (the user's choice wins).
        :param dense_weight: the dense ranking's weight in the fusion (the sparse one's is 1); weighted RRF.
        :param statement_weight: the weight of a third ranking when the question asks for financial statements
            (runtime ``statements``): the dense ranking of the chunks of those statements' pages (``meta.statement``,
            see :mod:`ingest.layout.statements`). 0 turns it off.
        :param colour_weight: the weight of a ranking when the question names chart colours (runtime ``colours``):
            the images drawn in them, those where they cover more of the drawing first (``meta.colour_shares``; see
            :meth:`retrievers.hybrid_index.EmbeddedHybridIndex.colour_search`). 0 turns it off.
        """
        self.document_store = document_store
        self.top_k = top_k
        self.scope_by_name = scope_by_name
        self.dense_weight = dense_weight
        self.statement_weight = statement_weight
        self.colour_weight = colour_weight
        self._named: tuple[str, list[NamedDocument], dict[str, str]] | None = None

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(
            self,
            document_store=self.document_store.to_dict(),
            top_k=self.top_k,
            scope_by_name=self.scope_by_name,
            dense_weight=self.dense_weight,
            statement_weight=self.statement_weight,
            colour_weight=self.colour_weight,
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
        colours: list[str] | None = None,
    ) -> dict[str, Any]:
        """Search; ``filters`` (Haystack syntax) are ANDed with the visibility rules.

        :param query: the question's text, for scoping by document name (optional).
        :param statements: statement kinds the question asks for (``QueryExpander``'s ``statements``): chunks of
            those pages get a third ranking in the fusion.
        :param colours: chart colours the question names (``QueryExpander``'s ``colours``): the images drawn in them
            get one more ranking.
        :param doc_ids: search only these documents, in the user's order: a question about "the second chart"
            searches the second of them.
        :returns: ``documents``: at most ``top_k`` chunks, best first, with ``score`` (the RRF score); ``scope``:
            the sources of the documents the question named and the search was limited to (empty: all).
        :raises StoreUnavailableError: a Qdrant server failed the search twice (one retry after a second).
        """
        k = top_k or self.top_k
        chosen = list(dict.fromkeys(doc_ids or []))

        store = self.document_store

        def search() -> dict[str, Any]:
            registry = store.registry
            conditions = [COMMITTED, filters] if filters else [COMMITTED]
            if chosen:
                conditions.append({"field": meta_key(Meta.DOC_ID), "operator": "in", "value": chosen})
            with store.lock():
                named, scope = (
                    self._scope(registry, query, filters, chosen) if query and self.scope_by_name else ([], [])
                )
                if named:
                    conditions.append({"field": meta_key(Meta.DOC_ID), "operator": "in", "value": named})
                flt = {"operator": "AND", "conditions": conditions}
                preferred = _statement_filter(flt, statements) if statements and self.statement_weight > 0 else None
                named_colours = list(colours or []) if self.colour_weight > 0 else []
                weights = [1.0, self.dense_weight] + ([self.statement_weight] if preferred else [])
                weights += [self.colour_weight] if named_colours else []
                # some spare hits for the registry check
                found = store.hybrid_search.search(
                    query_embedding,
                    query_sparse_embedding,
                    flt,
                    preferred,
                    limit=k + 5,
                    weights=weights,
                    colours=named_colours or None,
                )
                recorded = registry.recorded({d.meta.get(Meta.DOC_ID, "") for d in found})
            return {"documents": [d for d in found if d.meta.get(Meta.DOC_ID) in recorded][:k], "scope": scope}

        return store.with_retries(search, what="a search", delays=QUERY_DELAYS_S)

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
            named = [n for r in records for n in _names(r)]
            self._named = (revision, named, {r.doc_id: r.source for r in records})
        return self._named[1], self._named[2]


def _names(record: DocumentRecord) -> list[NamedDocument]:
    """A document's names from its content (organisation, short forms, period years) and from its file name
    (:func:`retrievers.document_scope.scope` prefers the first)."""
    by_content = identified_document(record.doc_id, record.organisation, record.aliases, record.years)
    by_file = named_document(record.doc_id, title_from_name(record.source))
    return [n for n in (by_content if record.organisation else None, by_file) if n]


def _statement_filter(flt: dict[str, Any], statements: list[str]) -> dict[str, Any]:
    """``flt`` narrowed to the chunks of pages that print one of ``statements``."""
    return {
        "operator": "AND",
        "conditions": [flt, {"field": meta_key(Meta.STATEMENT), "operator": "in", "value": statements}],
    }


def _chooses_documents(filters: dict[str, Any] | None) -> bool:
    """Whether ``filters`` restrict ``meta.doc_id`` or ``meta.source`` anywhere."""
    if not filters:
        return False
    if filters.get("field") in (meta_key(Meta.DOC_ID), meta_key(Meta.SOURCE)):
        return True
    return any(_chooses_documents(c) for c in filters.get("conditions", []))
