"""Haystack filters for retrieval: only committed chunks, optionally narrowed by source file, kind and page range.

(Chosen documents are not a filter: they reach the retriever as its ordered ``doc_ids`` input.)"""

from __future__ import annotations

from typing import Any

from ingest.schema import Meta, meta_key

COMMITTED = {"field": meta_key(Meta.COMMITTED), "operator": "==", "value": True}


def retrieval_filters(
    *,
    sources: list[str] | None = None,
    kinds: list[str] | None = None,
    page_from: int | None = None,
    page_to: int | None = None,
) -> dict[str, Any]:
    """An AND of the committed flag and the given restrictions (None means no restriction)."""
    conditions: list[dict[str, Any]] = [COMMITTED]
    if sources:
        conditions.append({"field": meta_key(Meta.SOURCE), "operator": "in", "value": list(sources)})
    if kinds:
        conditions.append({"field": meta_key(Meta.KIND), "operator": "in", "value": list(kinds)})
    if page_from is not None:
        conditions.append({"field": meta_key(Meta.PAGE), "operator": ">=", "value": page_from})
    if page_to is not None:
        conditions.append({"field": meta_key(Meta.PAGE), "operator": "<=", "value": page_to})
    return {"operator": "AND", "conditions": conditions}
