"""BM25SparseDocumentEmbedder: BM25 term-frequency sparse vectors for Documents (IDF is applied by Qdrant)."""

from __future__ import annotations

import dataclasses
from typing import Any

from haystack import Document, component, default_from_dict, default_to_dict
from haystack.dataclasses import SparseEmbedding

from ingest.schema import Meta
from retrievers.encoders.bm25 import document_vector
from retrievers.encoders.embedding_text import DEFAULT_META_FIELDS, text_to_embed


@component
class BM25SparseDocumentEmbedder:
    """Sets ``sparse_embedding`` on each Document from its meta fields and content (see ``retrievers.encoders.bm25``).

    Store the vectors in a sparse vector with Qdrant's IDF modifier to get BM25 scoring. Words are stemmed and
    stop words removed in the document's language (``document_language`` meta, else ``language``, else English),
    so a chunk that language detection gets wrong is still analysed like the rest of its document.
    """

    def __init__(self, *, meta_fields_to_embed: list[str] | None = None) -> None:
        """:param meta_fields_to_embed: meta fields indexed with the content (default: title, section, statement)."""
        self.meta_fields_to_embed = list(meta_fields_to_embed or DEFAULT_META_FIELDS)

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(self, meta_fields_to_embed=self.meta_fields_to_embed)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BM25SparseDocumentEmbedder:
        return default_from_dict(cls, data)

    @component.output_types(documents=list[Document])
    def run(self, documents: list[Document]) -> dict[str, list[Document]]:
        """:returns: ``documents``: copies of the input with ``sparse_embedding`` set."""
        out = []
        for doc in documents:
            language = doc.meta.get(Meta.DOCUMENT_LANGUAGE) or doc.meta.get(Meta.LANGUAGE)
            indices, values = document_vector(text_to_embed(doc, self.meta_fields_to_embed), language)
            out.append(dataclasses.replace(doc, sparse_embedding=SparseEmbedding(indices=indices, values=values)))
        return {"documents": out}
