"""MiniLMTextEmbedder: the dense query embedding matching MiniLMDocumentEmbedder."""

from __future__ import annotations

from typing import Any

from haystack import component, default_from_dict, default_to_dict

from retrievers.encoders.minilm_onnx import shared_onnx_encoder


@component
class MiniLMTextEmbedder:
    """Embeds one text (a query) with the packaged all-MiniLM-L6-v2; returns a unit-length 384-d vector."""

    def __init__(self, *, prefix: str = "", quantized: bool = False, cache_dir: str | None = None) -> None:
        """
        :param prefix: a string prepended to every text.
        :param quantized: use the int8 model; must match the embedder that wrote the collection.
        :param cache_dir: where the ONNX model file is built (default ``~/.cache/docsight``).
        """
        self.prefix = prefix
        self.quantized = quantized
        self.cache_dir = cache_dir

    def warm_up(self) -> None:
        shared_onnx_encoder(self.quantized, self.cache_dir)

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(self, prefix=self.prefix, quantized=self.quantized, cache_dir=self.cache_dir)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MiniLMTextEmbedder:
        return default_from_dict(cls, data)

    @component.output_types(embedding=list[float])
    def run(self, text: str) -> dict[str, list[float]]:
        """:returns: ``embedding``: the vector of ``prefix + text``."""
        encoder = shared_onnx_encoder(self.quantized, self.cache_dir)
        return {"embedding": encoder.encode([self.prefix + text])[0].tolist()}
