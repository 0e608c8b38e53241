"""BM25 sparse search for the embedded store, vectorised.

qdrant-client's local (embedded) mode scores sparse vectors with a Python loop over every point (~55 us per point:
7 s per query at 100k chunks). This index holds the collection's sparse vectors in a SciPy CSR matrix and scores a
query with one sparse matrix product, using Qdrant's IDF formula ``ln((N - df + 0.5) / (df + 0.5) + 1)`` over all
points, so the ranking is Qdrant's. Filters are the shapes :func:`retrievers.filters.retrieval_filters` builds;
anything else raises :class:`UnsupportedFilter` and the caller falls back to Qdrant.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from qdrant_client import QdrantClient, models
from scipy import sparse

SPARSE = "text-sparse"
_FIELDS = ("doc_id", "source", "kind", "page", "committed")


class UnsupportedFilter(ValueError):
    """A filter this index cannot evaluate."""


class EmbeddedSparseIndex:
    """Loaded on first use and reloaded when the collection's point count changes (writes go through the same
    process: the embedded store admits one)."""

    def __init__(self, client: QdrantClient, collection: str) -> None:
        self.client = client
        self.collection = collection
        self._count = -1
        self._ids: list = []
        self._matrix = sparse.csr_matrix((0, 0), dtype=np.float32)
        self._columns: dict[int, int] = {}
        self._df = np.zeros(0)
        self._meta: dict[str, np.ndarray] = {}

    def _refresh(self) -> None:
        count = self.client.count(self.collection, exact=True).count
        if count == self._count:
            return
        ids, rows, cols, data, columns = [], [], [], [], {}
        meta: dict[str, list] = {f: [] for f in _FIELDS}
        offset = None
        while True:
            points, offset = self.client.scroll(
                self.collection,
                limit=4096,
                offset=offset,
                with_vectors=[SPARSE],
                with_payload=[f"meta.{f}" for f in _FIELDS],
            )
            for point in points:
                row = len(ids)
                ids.append(point.id)
                vector = (point.vector or {}).get(SPARSE)
                if vector is not None:
                    for index, value in zip(vector.indices, vector.values, strict=True):
                        rows.append(row)
                        cols.append(columns.setdefault(index, len(columns)))
                        data.append(value)
                payload = (point.payload or {}).get("meta", {})
                for field in _FIELDS:
                    meta[field].append(payload.get(field))
            if offset is None:
                break
        self._matrix = sparse.csr_matrix((data, (rows, cols)), shape=(len(ids), len(columns)), dtype=np.float32)
        self._df = np.asarray((self._matrix > 0).sum(axis=0)).ravel()
        self._ids, self._columns, self._count = ids, columns, count
        self._meta = {f: np.asarray(values, dtype=object) for f, values in meta.items()}

    def search(
        self, indices: list[int], values: list[float], filters: dict[str, Any] | None, limit: int
    ) -> list[models.ScoredPoint]:
        """The ``limit`` best points for a query sparse vector among those matching ``filters`` (Haystack syntax).

        :raises UnsupportedFilter: ``filters`` has a shape this index does not evaluate.
        """
        self._refresh()
        n = len(self._ids)
        wanted = [(self._columns[i], v) for i, v in zip(indices, values, strict=True) if i in self._columns]
        if not n or not wanted:
            return []
        cols = [c for c, _ in wanted]
        idf = np.log((n - self._df[cols] + 0.5) / (self._df[cols] + 0.5) + 1.0)
        sub = self._matrix[:, cols]
        scores = np.asarray(sub @ (np.asarray([v for _, v in wanted]) * idf)).ravel()
        keep = np.diff(sub.indptr) > 0  # points sharing no term are not results, as in Qdrant
        keep &= self._mask(filters)
        candidates = np.flatnonzero(keep)
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
        field = str(filters.get("field", "")).removeprefix("meta.")
        op, value = filters.get("operator"), filters.get("value")
        if field not in self._meta:
            raise UnsupportedFilter(f"field {filters.get('field')!r}")
        column = self._meta[field]
        if op == "==":
            return np.asarray([v == value for v in column], dtype=bool)
        if op == "in":
            allowed = set(value)
            return np.asarray([v in allowed for v in column], dtype=bool)
        if op in (">=", "<=", ">", "<") and field == "page":
            pages = np.asarray([v if isinstance(v, int) else -1 for v in column])
            return {">=": pages >= value, "<=": pages <= value, ">": pages > value, "<": pages < value}[op] & (
                pages >= 0
            )
        raise UnsupportedFilter(f"operator {op!r} on {field!r}")
