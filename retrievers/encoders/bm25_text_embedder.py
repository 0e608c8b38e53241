"""BM25SparseTextEmbedder: the sparse query vector matching BM25SparseDocumentEmbedder."""

from __future__ import annotations

from typing import Any

from haystack import component, default_from_dict, default_to_dict
from haystack.dataclasses import SparseEmbedding

from retrievers.encoders.bm25 import query_vector


@component
class BM25SparseTextEmbedder:
    """Turns a query into a sparse vector of its terms (weight 1 each)."""

    def __init__(self) -> None:
        pass

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BM25SparseTextEmbedder:
        return default_from_dict(cls, data)

    @component.output_types(sparse_embedding=SparseEmbedding)
    def run(self, text: str) -> dict[str, SparseEmbedding]:
        """:returns: ``sparse_embedding``: the query's terms."""
        indices, values = query_vector(text)
        return {"sparse_embedding": SparseEmbedding(indices=indices, values=values)}
