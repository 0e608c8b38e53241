"""Vectorised search for the embedded store: the dense and sparse halves of a hybrid query, with filters.

qdrant-client's local (embedded) mode scores sparse vectors and evaluates payload filters with Python loops over
every point (~55 us and ~30 us per point: several seconds per query at 100k chunks). This index holds the
collection's vectors in memory — sparse in a SciPy CSR matrix, dense in a NumPy matrix — plus the payload fields
that filters use, encoded as arrays. Sparse scores use Qdrant's IDF formula ``ln((N - df + 0.5) / (df + 0.5) + 1)``
over all points and dense scores are cosine (vectors are stored normalised), so rankings are Qdrant's. Filters are
the shapes :func:`retrievers.filters.retrieval_filters` builds; anything else raises :class:`UnsupportedFilter` and
the caller falls back to Qdrant.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from qdrant_client import QdrantClient, models
from scipy import sparse

SPARSE = "text-sparse"
DENSE = "text-dense"
_FIELDS = ("doc_id", "source", "kind", "page", "committed")


class UnsupportedFilter(ValueError):
    """A filter this index cannot evaluate."""


class EmbeddedHybridIndex:
    """Loaded on first use and reloaded when the collection's point count or the ``revision`` token changes (writes
    go through the same process: the embedded store admits one). The count alone misses a commit, which flips
    ``committed`` without adding points, and a delete followed by a write of as many points."""

    def __init__(self, client: QdrantClient, collection: str, revision: Callable[[], str] | None = None) -> None:
        self.client = client
        self.collection = collection
        self.revision = revision or (lambda: "")
        self._state: tuple[int, str] = (-1, "")
        self._ids: list = []
        self._matrix = sparse.csr_matrix((0, 0), dtype=np.float32)
        self._columns: dict[int, int] = {}
        self._df = np.zeros(0)
        self._dense = np.zeros((0, 0), dtype=np.float32)
        self._meta: dict[str, np.ndarray] = {}
        self._vocab: dict[str, dict] = {}

    def _refresh(self) -> None:
        state = (self.client.count(self.collection, exact=True).count, self.revision())
        if state == self._state:
            return
        ids, rows, cols, data, columns, dense = [], [], [], [], {}, []
        meta: dict[str, list] = {f: [] for f in _FIELDS}
        offset = None
        while True:
            points, offset = self.client.scroll(
                self.collection,
                limit=4096,
                offset=offset,
                with_vectors=[SPARSE, DENSE],
                with_payload=[f"meta.{f}" for f in _FIELDS],
            )
            for point in points:
                row = len(ids)
                ids.append(point.id)
                vectors = point.vector or {}
                dense.append(vectors.get(DENSE))
                vector = vectors.get(SPARSE)
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
        width = next((len(v) for v in dense if v is not None), 0)
        self._dense = np.asarray([v if v is not None else [0.0] * width for v in dense], dtype=np.float32)
        norms = np.linalg.norm(self._dense, axis=1, keepdims=True) if len(dense) else None
        if norms is not None:
            self._dense /= np.maximum(norms, 1e-12)
        self._ids, self._columns, self._state = ids, columns, state
        self._meta, self._vocab = {}, {}
        for field in ("doc_id", "source", "kind"):  # categorical: integer codes
            vocab: dict = {}
            self._meta[field] = np.asarray([vocab.setdefault(v, len(vocab)) for v in meta[field]], dtype=np.int64)
            self._vocab[field] = vocab
        self._meta["page"] = np.asarray([v if isinstance(v, int) else -1 for v in meta["page"]], dtype=np.int64)
        self._meta["committed"] = np.asarray([v is True for v in meta["committed"]], dtype=bool)

    def search(
        self,
        dense: list[float],
        sparse_indices: list[int],
        sparse_values: list[float],
        filters: dict[str, Any] | None,
        limit: int,
    ) -> tuple[list[models.ScoredPoint], list[models.ScoredPoint]]:
        """The ``limit`` best points by the sparse and by the dense query, among those matching ``filters``.

        :returns: (sparse hits, dense hits), each best first.
        :raises UnsupportedFilter: ``filters`` has a shape this index does not evaluate.
        """
        self._refresh()
        if not self._ids:
            return [], []
        allowed = self._mask(filters)
        return self._sparse(sparse_indices, sparse_values, allowed, limit), self._dense_top(dense, allowed, limit)

    def _dense_top(self, vector: list[float], allowed: np.ndarray, limit: int) -> list[models.ScoredPoint]:
        """Cosine: stored vectors are normalised, so the query is too."""
        query = np.asarray(vector, dtype=np.float32)
        query /= max(float(np.linalg.norm(query)), 1e-12)
        return self._top(np.flatnonzero(allowed), self._dense @ query, limit)

    def _sparse(
        self, indices: list[int], values: list[float], allowed: np.ndarray, limit: int
    ) -> list[models.ScoredPoint]:
        n = len(self._ids)
        wanted = [(self._columns[i], v) for i, v in zip(indices, values, strict=True) if i in self._columns]
        if not wanted:
            return []
        cols = [c for c, _ in wanted]
        idf = np.log((n - self._df[cols] + 0.5) / (self._df[cols] + 0.5) + 1.0)
        sub = self._matrix[:, cols]
        scores = np.asarray(sub @ (np.asarray([v for _, v in wanted]) * idf)).ravel()
        keep = (np.diff(sub.indptr) > 0) & allowed  # points sharing no term are not results, as in Qdrant
        return self._top(np.flatnonzero(keep), scores, limit)

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
        field = str(filters.get("field", "")).removeprefix("meta.")
        op, value = filters.get("operator"), filters.get("value")
        if field not in self._meta:
            raise UnsupportedFilter(f"field {filters.get('field')!r}")
        column = self._meta[field]
        if field == "committed" and op == "==" and isinstance(value, bool):
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
