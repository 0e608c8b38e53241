"""Read points straight from qdrant-client's in-process (embedded) collection, for the search index.

``client.retrieve`` and ``client.scroll`` in local mode build a pydantic record per point and copy every vector:
loading the search index through them took ~6.7 s for 21k chunks. The embedded collection already holds the dense
vectors in one NumPy array and the payloads in a list; this module reads them in place (read only, under the
store's lock), so loading 100k chunks is a few NumPy copies and one pass over the sparse vectors. Like
:mod:`retrievers.store`, it touches qdrant-client's private attributes; it returns ``None`` for a server.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from qdrant_client import QdrantClient
from qdrant_client.local.utils import normalize_point_id


@dataclass
class PointBatch:
    """Points as arrays: ids, dense rows (``None``: none), sparse (indices, values) pairs and ``meta`` payloads."""

    ids: list
    dense: np.ndarray | None
    sparse: list[tuple[Any, Any]]
    metas: list[dict]


def local_collection(client: QdrantClient, collection: str) -> Any | None:
    """The embedded collection behind ``client`` (qdrant-client's ``LocalCollection``), or None on a server."""
    collections = getattr(getattr(client, "_client", None), "collections", None)
    return collections.get(collection) if isinstance(collections, dict) else None


def read_points(local: Any, ids: list | None, dense_name: str, sparse_name: str) -> PointBatch:
    """The live points of ``local`` with these ``ids`` (all of them with ``None``); unknown and deleted ids are
    skipped, as ``client.retrieve`` does."""
    deleted = np.asarray(local.deleted[: len(local.ids_inv)], dtype=bool)
    if ids is None:
        rows = np.flatnonzero(~deleted)
    else:
        known = [local.ids.get(normalize_point_id(i), -1) for i in ids]
        rows = np.asarray(known, dtype=np.int64)
        rows = rows[rows >= 0]
        rows = rows[~deleted[rows]]
    dense = None
    if dense_name in local.vectors:
        dense = np.array(local.vectors[dense_name][rows], dtype=np.float32)
        dense[np.asarray(local.deleted_per_vector[dense_name], dtype=bool)[rows]] = 0.0
    no_sparse = np.asarray(local.deleted_per_vector.get(sparse_name, np.ones(0, dtype=bool)), dtype=bool)
    vectors = local.sparse_vectors.get(sparse_name, [])
    sparse = [
        ((), ())
        if row >= len(vectors) or (row < no_sparse.size and no_sparse[row])
        else (vectors[row].indices, vectors[row].values)
        for row in rows.tolist()
    ]
    return PointBatch(
        ids=[local.ids_inv[r] for r in rows.tolist()],
        dense=dense,
        sparse=sparse,
        metas=[(local.payload[r] or {}).get("meta", {}) for r in rows.tolist()],
    )


def live_payloads(local: Any) -> list[dict]:
    """The payloads of ``local``'s live points, in place (read only: the store's own objects)."""
    deleted = local.deleted
    return [payload or {} for row, payload in enumerate(local.payload[: len(local.ids_inv)]) if not deleted[row]]
