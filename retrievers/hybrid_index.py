"""Vectorised search for the embedded store: the dense and sparse halves of a hybrid query, with filters.

qdrant-client's local (embedded) mode scores sparse vectors and evaluates payload filters with Python loops over
every point (~55 us and ~30 us per point: several seconds per query at 100k chunks). This index holds the
collection's vectors in memory — sparse row- and column-major (:mod:`retrievers.sparse_rows`), dense in a NumPy
matrix — plus the payload fields that filters use, encoded as arrays. Sparse scores use Qdrant's IDF formula
``ln((N - df + 0.5) / (df + 0.5) + 1)`` over all points and dense scores are cosine (vectors are stored
normalised), so rankings are Qdrant's. Filters are the shapes :func:`retrievers.filters.retrieval_filters` builds;
anything else raises :class:`UnsupportedFilter` and the caller falls back to Qdrant.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import chain
from typing import Any

import numpy as np
from qdrant_client import QdrantClient, models

from ingest.chart_colours import PALETTE
from ingest.schema import DENSE_VECTOR, SPARSE_VECTOR, Meta, meta_key
from retrievers.document_registry import DocumentRecord, DocumentRegistry
from retrievers.local_points import PointBatch, local_collection, read_points
from retrievers.sparse_rows import SparseRows

SPARSE = SPARSE_VECTOR
DENSE = DENSE_VECTOR
_KEYWORDS = (Meta.DOC_ID, Meta.SOURCE, Meta.KIND, Meta.STATEMENT)
_FIELDS = (*_KEYWORDS, Meta.PAGE, Meta.COMMITTED)
_PAYLOAD = [meta_key(f) for f in (*_FIELDS, Meta.COLOURS, Meta.COLOUR_SHARES)]
_COLOUR_COLUMNS = {name: i for i, name in enumerate(PALETTE)}


class UnsupportedFilter(ValueError):
    """A filter this index cannot evaluate."""


class EmbeddedHybridIndex:
    """The visible points of a collection (committed, of recorded documents), kept current with the registry.

    When the registry's revision token changes (a document was committed or deleted), the points of newly recorded
    documents are fetched by id and those of removed or replaced documents dropped: a commit costs the document's own
    points, not a reload of the collection, so questions asked during a long ingestion stay fast. Points being
    written (hidden) are not loaded at all. Without a registry (tests) every point is loaded once.
    """

    def __init__(self, client: QdrantClient, collection: str, registry: DocumentRegistry | None = None) -> None:
        self.client = client
        self.collection = collection
        self.registry = registry
        self._revision: str | None = None
        self._docs: dict[str, str] = {}  # doc_id -> the version held here (see _version)
        self._ids: list = []
        self._rows: dict = {}  # point id -> row
        self._sparse_rows = SparseRows()
        self._columns: dict[int, int] = {}  # sparse term index -> column of _sparse_rows
        self._dense = np.zeros((0, 0), dtype=np.float32)
        self._meta: dict[str, np.ndarray] = {}
        self._shares = np.zeros((0, len(PALETTE)), dtype=np.float32)  # an image's colours (see colour_search)
        self._vocab: dict[str, dict] = {field: {} for field in _KEYWORDS}

    def _refresh(self) -> None:
        with _collector_paused():
            self._load_changes()

    def _load_changes(self) -> None:
        if self.registry is None:
            if self._revision is None:
                self._merge(np.zeros(0, dtype=bool), self._read(None))
                self._revision = ""
            return
        revision = self.registry.revision()
        if revision == self._revision:
            return
        records = {r.doc_id: r for r in self.registry.all(point_ids=True)}
        stale = {d for d, version in self._docs.items() if d not in records or _version(records[d]) != version}
        fresh = [r for d, r in records.items() if self._docs.get(d) != _version(r)]
        codes = [self._vocab[Meta.DOC_ID][d] for d in stale if d in self._vocab[Meta.DOC_ID]]
        keep = ~np.isin(self._meta[Meta.DOC_ID], codes) if self._ids else np.zeros(0, dtype=bool)
        self._merge(keep, self._fetch(fresh))
        self._docs = {d: v for d, v in self._docs.items() if d not in stale}
        self._docs.update({r.doc_id: _version(r) for r in fresh})
        self._revision = revision

    def _fetch(self, records: list[DocumentRecord]) -> PointBatch:
        """The points of recorded documents: by id when the record lists them, else (records written before
        docsight listed ids) from one read of the whole collection, kept when committed and of those documents."""
        listed = [i for r in records for i in r.point_ids]
        batch = self._read(listed) if listed else _empty()
        unlisted = {r.doc_id for r in records if not r.point_ids}
        if unlisted:
            every = self._read(None)
            wanted = [
                n
                for n, meta in enumerate(every.metas)
                if meta.get(Meta.COMMITTED) is True and meta.get(Meta.DOC_ID) in unlisted
            ]
            batch = _concat(batch, _take(every, wanted))
        return batch

    def _read(self, ids: list | None) -> PointBatch:
        """Points by id (all with ``None``): in place from the embedded collection, else through the client."""
        local = local_collection(self.client, self.collection)
        if local is not None:
            return read_points(local, ids, DENSE, SPARSE)
        points = []
        if ids is None:
            offset = None
            while True:
                batch, offset = self.client.scroll(
                    self.collection, limit=4096, offset=offset, with_vectors=[SPARSE, DENSE], with_payload=_PAYLOAD
                )
                points += batch
                if offset is None:
                    break
        else:
            for start in range(0, len(ids), 1024):
                points += self.client.retrieve(
                    self.collection, ids[start : start + 1024], with_vectors=[SPARSE, DENSE], with_payload=_PAYLOAD
                )
        vectors = [p.vector or {} for p in points]
        dense = [v.get(DENSE) for v in vectors]
        dim = next((len(v) for v in dense if v is not None), 0)
        return PointBatch(
            ids=[p.id for p in points],
            dense=np.asarray([v if v is not None else [0.0] * dim for v in dense], dtype=np.float32).reshape(-1, dim)
            if dim
            else None,
            sparse=[(s.indices, s.values) if (s := v.get(SPARSE)) is not None else ((), ()) for v in vectors],
            metas=[(p.payload or {}).get("meta", {}) for p in points],
        )

    def _merge(self, keep: np.ndarray, batch: PointBatch) -> None:
        """Keep the rows where ``keep`` is true and append ``batch``."""
        count = len(batch.ids)
        lengths = np.fromiter((len(i) for i, _ in batch.sparse), dtype=np.int64, count=count)
        entries = int(lengths.sum())
        terms = np.fromiter(chain.from_iterable(i for i, _ in batch.sparse), dtype=np.int64, count=entries)
        values = np.fromiter(chain.from_iterable(v for _, v in batch.sparse), dtype=np.float32, count=entries)
        unique, inverse = np.unique(terms, return_inverse=True)
        for term in unique.tolist():
            self._columns.setdefault(term, len(self._columns))
        lookup = np.fromiter((self._columns[t] for t in unique.tolist()), dtype=np.int64, count=unique.size)
        self._sparse_rows.keep_and_append(keep, lookup[inverse.ravel()], values, lengths, len(self._columns))

        dim = batch.dense.shape[1] if batch.dense is not None else self._dense.shape[1]
        new_dense = batch.dense if batch.dense is not None else np.zeros((count, dim), dtype=np.float32)
        new_dense = new_dense / np.maximum(np.linalg.norm(new_dense, axis=1, keepdims=True), 1e-12)
        old_dense = self._dense[keep] if self._ids else np.zeros((0, dim), dtype=np.float32)
        self._dense = np.concatenate([old_dense, new_dense]) if old_dense.shape[1] == dim else new_dense

        self._ids = [i for i, k in zip(self._ids, keep, strict=True) if k] + list(batch.ids)
        self._rows = {point_id: row for row, point_id in enumerate(self._ids)}
        shares = np.zeros((count, len(PALETTE)), dtype=np.float32)
        for row, meta in enumerate(batch.metas):
            for name, share in colour_shares(meta).items():
                if name in _COLOUR_COLUMNS:
                    shares[row, _COLOUR_COLUMNS[name]] = share
        kept_shares = self._shares[keep] if self._shares.shape[0] else self._shares
        self._shares = np.concatenate([kept_shares, shares])
        encoded = {
            field: [self._vocab[field].setdefault(m.get(field), len(self._vocab[field])) for m in batch.metas]
            for field in _KEYWORDS
        }
        encoded[Meta.PAGE] = [v if isinstance(v := m.get(Meta.PAGE), int) else -1 for m in batch.metas]
        encoded[Meta.COMMITTED] = [m.get(Meta.COMMITTED) is True for m in batch.metas]
        for field, values in encoded.items():
            kind = bool if field == Meta.COMMITTED else np.int64
            old = self._meta[field][keep] if field in self._meta else np.zeros(0, dtype=kind)
            self._meta[field] = np.concatenate([old, np.asarray(values, dtype=kind)])

    def search(
        self,
        dense: list[float],
        sparse_indices: list[int],
        sparse_values: list[float],
        filters: dict[str, Any] | None,
        limit: int,
        preferred: dict[str, Any] | None = None,
    ) -> list[list[models.ScoredPoint]]:
        """The ``limit`` best points by the sparse and by the dense query among those matching ``filters`` and,
        with ``preferred``, by the dense query among those matching ``preferred`` (the dense scores are computed
        once for both).

        :returns: [sparse hits, dense hits] (+ [preferred dense hits]), each best first.
        :raises UnsupportedFilter: a filter has a shape this index does not evaluate.
        """
        self._refresh()
        if not self._ids:
            return [[], []] + ([[]] if preferred else [])
        allowed = self._mask(filters)
        chosen = self._mask(preferred) if preferred else None
        query = np.asarray(dense, dtype=np.float32)
        query /= max(float(np.linalg.norm(query)), 1e-12)  # stored vectors are normalised: cosine
        scores = self._dense @ query
        rankings = [
            self._sparse(sparse_indices, sparse_values, allowed, limit),
            self._top(np.flatnonzero(allowed), scores, limit),
        ]
        if chosen is not None:
            rankings.append(self._top(np.flatnonzero(chosen), scores, limit))
        return rankings

    def colour_search(
        self, dense: list[float], colours: list[str], filters: dict[str, Any] | None, limit: int
    ) -> list[models.ScoredPoint]:
        """The points drawn in any of ``colours`` (palette names) among those matching ``filters``: the ``limit``
        nearest the dense query, ordered by the share of the drawing those colours cover (``score``), most first.

        :raises UnsupportedFilter: ``filters`` has a shape this index does not evaluate.
        """
        self._refresh()
        columns = [_COLOUR_COLUMNS[c] for c in colours if c in _COLOUR_COLUMNS]
        if not self._ids or not columns:
            return []
        share = self._shares[:, columns].sum(axis=1)
        query = np.asarray(dense, dtype=np.float32)
        query /= max(float(np.linalg.norm(query)), 1e-12)
        nearest = self._top(np.flatnonzero(self._mask(filters) & (share > 0)), self._dense @ query, limit)
        return share_ranking([(p.id, float(share[self._rows[p.id]])) for p in nearest])

    def _sparse(
        self, indices: list[int], values: list[float], allowed: np.ndarray, limit: int
    ) -> list[models.ScoredPoint]:
        n = len(self._ids)
        wanted = [(self._columns[i], v) for i, v in zip(indices, values, strict=True) if i in self._columns]
        if not wanted:
            return []
        cols = [c for c, _ in wanted]
        df = self._sparse_rows.df[cols]
        idf = np.log((n - df + 0.5) / (df + 0.5) + 1.0)
        scores, sharing = self._sparse_rows.dot(cols, (np.asarray([v for _, v in wanted]) * idf).tolist())
        return self._top(np.flatnonzero(sharing & allowed), scores, limit)  # points sharing no term: not results

    def _top(self, candidates: np.ndarray, scores: np.ndarray, limit: int) -> list[models.ScoredPoint]:
        if candidates.size > limit:
            candidates = candidates[np.argpartition(-scores[candidates], limit - 1)[:limit]]
        order = candidates[np.argsort(-scores[candidates], kind="stable")]
        return [models.ScoredPoint(id=self._ids[i], version=0, score=float(scores[i])) for i in order]

    def _mask(self, filters: dict[str, Any] | None) -> np.ndarray:
        n = len(self._ids)
        if not filters:
            return np.ones(n, dtype=bool)
        if filters.get("operator") == "AND" and "conditions" in filters:
            mask = np.ones(n, dtype=bool)
            for condition in filters["conditions"]:
                mask &= self._mask(condition)
            return mask
        field = str(filters.get("field", "")).removeprefix(meta_key(""))
        op, value = filters.get("operator"), filters.get("value")
        if field not in self._meta:
            raise UnsupportedFilter(f"field {filters.get('field')!r}")
        column = self._meta[field]
        if field == Meta.COMMITTED and op == "==" and isinstance(value, bool):
            return column == value
        if field in self._vocab and op in ("==", "in"):
            allowed = [value] if op == "==" else list(value)
            codes = [self._vocab[field][v] for v in allowed if v in self._vocab[field]]
            return np.isin(column, codes)
        if field == "page" and op in ("==", ">=", "<=", ">", "<") and isinstance(value, int):
            compare = {
                "==": column == value,
                ">=": column >= value,
                "<=": column <= value,
                ">": column > value,
                "<": column < value,
            }[op]
            return compare & (column >= 0)
        raise UnsupportedFilter(f"operator {op!r} on {field!r}")


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused: reading points allocates a few objects per point and frees none,
    and the collector would walk every live object of the process meanwhile, at moments that depend on what else
    the process allocated (reading 21k points: 0.05 s without it, 0.85 s with one full collection in the way)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _version(record: DocumentRecord) -> str:
    """Which version of a document's points a record describes: a re-ingest or an edit of its identity (which
    rewrites its points' payload, or their vectors) makes a new one."""
    return f"{record.ingested_at}|{record.edited_at}"


def _empty() -> PointBatch:
    return PointBatch(ids=[], dense=None, sparse=[], metas=[])


def _take(batch: PointBatch, rows: list[int]) -> PointBatch:
    return PointBatch(
        ids=[batch.ids[r] for r in rows],
        dense=batch.dense[rows] if batch.dense is not None else None,
        sparse=[batch.sparse[r] for r in rows],
        metas=[batch.metas[r] for r in rows],
    )


def _concat(first: PointBatch, second: PointBatch) -> PointBatch:
    dense = [b.dense for b in (first, second) if b.dense is not None and len(b.ids)]
    return PointBatch(
        ids=first.ids + second.ids,
        dense=np.concatenate(dense) if dense else None,
        sparse=first.sparse + second.sparse,
        metas=first.metas + second.metas,
    )


def colour_shares(meta: dict[str, Any]) -> dict[str, float]:
    """A chunk's colour names with the share of the drawing each covers (``meta.colour_shares``); a chunk stored
    with names but no shares (written before docsight kept them) shares the drawing equally among its names."""
    names = [n for n in meta.get(Meta.COLOURS) or [] if isinstance(n, str)]
    shares = meta.get(Meta.COLOUR_SHARES)
    if not isinstance(shares, list) or len(shares) != len(names):
        return {n: 1.0 / len(names) for n in names}
    return {n: float(v) for n, v in zip(names, shares, strict=True) if isinstance(v, int | float) and v > 0}


def share_ranking(hits: list[tuple[Any, float]]) -> list[models.ScoredPoint]:
    """(point id, share of the named colours) pairs, nearest the question first -> points by share, most first
    (the nearer first among equal shares)."""
    order = sorted(range(len(hits)), key=lambda i: -hits[i][1])
    return [models.ScoredPoint(id=hits[i][0], version=0, score=hits[i][1]) for i in order]
