"""DocsightHybridRetriever: dense + sparse search fused with RRF, returning only fully ingested documents."""

from __future__ import annotations

from typing import Any

from haystack import Document, component, default_from_dict, default_to_dict
from haystack.dataclasses import SparseEmbedding

from ingest.documents import title_from_name
from ingest.schema import VISUAL_KINDS, Meta, meta_key
from retrievers.document_registry import DocumentRecord, DocumentRegistry
from retrievers.document_scope import (
    NamedDocument,
    comparison,
    document_names,
    ordinal_scope,
)
from retrievers.document_scope import scope as scope_of
from retrievers.filters import COMMITTED
from retrievers.hybrid_search import candidates_for
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

    Comparisons: a question that names two or more documents — organisations, or periods of one organisation
    ("Compare 3M's and Amcor's capex", "3M's 2018 and 2017 capex"; see
    :func:`retrievers.document_scope.comparison`), among all documents or among the ``doc_ids`` chosen — gets
    each of them its own share of the ``top_k`` hits (a group's unused share goes to the others), so one long
    filing cannot crowd out the other; the hits come grouped by document, in the order the question names them,
    and ``split`` says how many each got.

    Pages first: the hits are the best chunk of each of the best pages, in rank order, before any page's second
    chunk (``chunks_per_page``), so the ``top_k`` sources an answer gets cover as many of the best pages as they can;
    the order of pages (by their best chunk) is the fused ranking's.
    """

    def __init__(
        self,
        *,
        document_store: DocsightStore,
        top_k: int = 10,
        scope_by_name: bool = True,
        dense_weight: float = 2.0,
        statement_weight: float = 2.0,
        balance_comparisons: bool = True,
        colour_weight: float = 1.0,
        chunks_per_page: int = 1,
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
        :param balance_comparisons: give each document a question compares its share of the hits (see above);
            False ranks a comparison's documents together (an ablation).
        :param colour_weight: the weight of a ranking when the question names chart colours (runtime ``colours``):
            the images drawn in them, those where they cover more of the drawing first (``meta.colour_shares``; see
            :meth:`retrievers.hybrid_index.EmbeddedHybridIndex.colour_search`). 0 turns it off.
        :param chunks_per_page: the hits first take at most this many chunks of a page (its best), page after page
            in rank order; places left over go to the remaining chunks in rank order. 0 keeps the fused order.
        """
        self.document_store = document_store
        self.top_k = top_k
        self.scope_by_name = scope_by_name
        self.dense_weight = dense_weight
        self.statement_weight = statement_weight
        self.balance_comparisons = balance_comparisons
        self.colour_weight = colour_weight
        self.chunks_per_page = chunks_per_page
        self._named: tuple[str, list[NamedDocument], dict[str, str]] | None = None
        self._titles: dict[str, str] = {}

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(
            self,
            document_store=self.document_store.to_dict(),
            top_k=self.top_k,
            scope_by_name=self.scope_by_name,
            dense_weight=self.dense_weight,
            statement_weight=self.statement_weight,
            balance_comparisons=self.balance_comparisons,
            colour_weight=self.colour_weight,
            chunks_per_page=self.chunks_per_page,
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DocsightHybridRetriever:
        return default_from_dict(cls, with_deserialized_store(data))

    @component.output_types(documents=list[Document], scope=list[str], split=list[dict])
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
        :returns: ``documents``: at most ``top_k`` chunks, best first (grouped by document in a comparison), with
            ``score`` (the RRF score); ``scope``: the sources of the documents the question named and the search
            was limited to (empty: all); ``split``: in a comparison, one entry per compared group, in order —
            ``doc_ids``, ``sources``, ``titles``, ``hits`` — else empty.
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
                named, scope, groups = (
                    self._scope(registry, query, filters, chosen) if query and self.scope_by_name else ([], [], [])
                )
                if named:
                    conditions.append({"field": meta_key(Meta.DOC_ID), "operator": "in", "value": named})
                flt = {"operator": "AND", "conditions": conditions}

                def ranked(flt: dict[str, Any]) -> list[Document]:
                    preferred = _statement_filter(flt, statements) if statements and self.statement_weight > 0 else None
                    named_colours = list(colours or []) if self.colour_weight > 0 else []
                    weights = [1.0, self.dense_weight] + ([self.statement_weight] if preferred else [])
                    weights += [self.colour_weight] if named_colours else []
                    # some spare hits for the registry check; pages first draws on a longer list of the same fusion
                    found = store.hybrid_search.search(
                        query_embedding,
                        query_sparse_embedding,
                        flt,
                        preferred,
                        limit=(3 * k if self.chunks_per_page else k) + 5,
                        weights=weights,
                        colours=named_colours or None,
                        candidates=candidates_for(k + 5),
                    )
                    recorded = registry.recorded({d.meta.get(Meta.DOC_ID, "") for d in found})
                    visible = [d for d in found if d.meta.get(Meta.DOC_ID) in recorded]
                    return pages_first(visible, self.chunks_per_page, k) if self.chunks_per_page else visible

                if not groups or not self.balance_comparisons:
                    return {"documents": ranked(flt)[:k], "scope": scope, "split": []}
                per_group = [ranked(_in_documents(flt, group)) for group in groups]
            shares = _shares([len(hits) for hits in per_group], k)
            sources, titles = self._named_documents(registry)[1], self._titles
            split = [
                {
                    "doc_ids": group,
                    "sources": [sources.get(d, d) for d in group],
                    "titles": [titles.get(d, "") for d in group],
                    "hits": share,
                }
                for group, share in zip(groups, shares, strict=True)
            ]
            documents = [d for hits, share in zip(per_group, shares, strict=True) for d in hits[:share]]
            return {"documents": documents, "scope": scope, "split": split}

        return store.with_retries(search, what="a search", delays=QUERY_DELAYS_S)

    def _scope(
        self, registry: DocumentRegistry, query: str, filters: dict[str, Any] | None, chosen: list[str]
    ) -> tuple[list[str], list[str], list[list[str]]]:
        """(doc ids, sources, compared groups) the question points at: by position among the ``chosen`` documents
        ("the second chart"), else the documents it compares among them; by name when neither ``chosen`` nor
        ``filters`` choose documents; empty when it points at nothing."""
        named_documents, sources = self._named_documents(registry)
        if chosen:
            doc_ids = ordinal_scope(query, chosen)
            if not doc_ids:
                among = [n for n in named_documents if n.doc_id in chosen]
                return [], [], comparison(query, among)
        elif _chooses_documents(filters):
            return [], [], []
        else:
            groups = comparison(query, named_documents)
            doc_ids = [d for g in groups for d in g] or scope_of(query, named_documents)
            if groups:
                return doc_ids, [sources.get(d, d) for d in doc_ids], groups
        if not doc_ids:
            return [], [], []
        return doc_ids, [sources.get(d, d) for d in doc_ids], []

    def _named_documents(self, registry: DocumentRegistry) -> tuple[list[NamedDocument], dict[str, str]]:
        revision = registry.revision()
        if self._named is None or self._named[0] != revision:
            records = registry.all()
            named = [n for r in records for n in _names(r)]
            self._named = (revision, named, {r.doc_id: r.source for r in records})
            self._titles = {r.doc_id: r.title for r in records}
        return self._named[1], self._named[2]


def pages_first(documents: list[Document], per_page: int, k: int) -> list[Document]:
    """The first ``k`` of ``documents`` (best first) taking at most ``per_page`` chunks of each page while other
    pages have chunks left, then the rest in their order; pages keep the order of their best chunk. A figure or a
    page image counts on its own, not as its page's text: it is what the vision model is shown."""
    taken: dict[tuple[Any, ...], int] = {}
    first, rest = [], []
    for doc in documents:
        unit = (doc.meta.get(Meta.DOC_ID) or doc.meta.get(Meta.SOURCE), doc.meta.get(Meta.PAGE))
        if doc.meta.get(Meta.KIND) in VISUAL_KINDS:
            unit = (*unit, doc.id)
        (first if taken.get(unit, 0) < per_page else rest).append(doc)
        taken[unit] = taken.get(unit, 0) + 1
    return (first + rest)[:k]


def _shares(available: list[int], k: int) -> list[int]:
    """How many of ``k`` hits each group gets: turn by turn, one each while it has hits left (so equal shares, and
    a group's unused share goes to the others)."""
    shares = [0] * len(available)
    while sum(shares) < k and any(s < a for s, a in zip(shares, available, strict=True)):
        for i, have in enumerate(available):
            if shares[i] < have and sum(shares) < k:
                shares[i] += 1
    return shares


def _in_documents(flt: dict[str, Any], doc_ids: list[str]) -> dict[str, Any]:
    """``flt`` narrowed to the documents ``doc_ids``."""
    return {
        "operator": "AND",
        "conditions": [flt, {"field": meta_key(Meta.DOC_ID), "operator": "in", "value": doc_ids}],
    }


def _names(record: DocumentRecord) -> list[NamedDocument]:
    """A document's names from its content (organisation, short forms, period years) and from its file name
    (:func:`retrievers.document_scope.scope` prefers the first)."""
    return document_names(
        record.doc_id, title_from_name(record.source), record.organisation, record.aliases, record.years, record.period
    )


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
