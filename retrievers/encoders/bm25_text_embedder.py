"""BM25SparseTextEmbedder: the sparse query vector matching BM25SparseDocumentEmbedder."""

from __future__ import annotations

from typing import Any

from haystack import component, default_from_dict, default_to_dict
from haystack.dataclasses import SparseEmbedding

from ingest.language import UNDETERMINED, detect_language
from retrievers.encoders.bm25 import ENGLISH, query_vector


@component
class BM25SparseTextEmbedder:
    """Turns a query into a sparse vector of its terms (weight 1 each).

    A query in another language is read both in its own language (as documents in that language were) and as
    English; an English query gives exactly the terms it always did.
    """

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
        language = detect_language(text)
        languages = [ENGLISH] if language in (ENGLISH, UNDETERMINED) else [ENGLISH, language]
        indices, values = query_vector(text, languages)
        return {"sparse_embedding": SparseEmbedding(indices=indices, values=values)}
