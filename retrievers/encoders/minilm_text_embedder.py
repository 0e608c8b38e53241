"""MiniLMTextEmbedder: the dense query embedding matching MiniLMDocumentEmbedder."""

from __future__ import annotations

from typing import Any

from haystack import component, default_from_dict, default_to_dict

from retrievers.encoders.minilm import shared_encoder


@component
class MiniLMTextEmbedder:
    """Embeds one text (a query) with the packaged all-MiniLM-L6-v2; returns a unit-length 384-d vector."""

    def __init__(self, *, prefix: str = "") -> None:
        """:param prefix: a string prepended to every text."""
        self.prefix = prefix

    def warm_up(self) -> None:
        shared_encoder()

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(self, prefix=self.prefix)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MiniLMTextEmbedder:
        return default_from_dict(cls, data)

    @component.output_types(embedding=list[float])
    def run(self, text: str) -> dict[str, list[float]]:
        """:returns: ``embedding``: the vector of ``prefix + text``."""
        return {"embedding": shared_encoder().encode([self.prefix + text])[0].tolist()}
