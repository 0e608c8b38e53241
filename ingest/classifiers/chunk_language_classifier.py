"""ChunkLanguageClassifier: the language of every chunk, and of its document."""

from __future__ import annotations

import dataclasses
from itertools import groupby
from typing import Any

from haystack import Document, component, default_from_dict, default_to_dict

from ingest.documents import plain_text
from ingest.language import detect_language, main_language
from ingest.schema import Meta


@component
class ChunkLanguageClassifier:
    """Sets ``language`` on each chunk (ISO 639-1, ``und`` when unknown; see :mod:`ingest.language`) and
    ``document_language`` (the language of most of the document's characters) on every chunk of a document.

    The sparse encoder reads ``language`` to segment and stem the chunk's words in its own language.

    Usage example:
    ```python
    chunks = ChunkLanguageClassifier().run(documents=chunks)["documents"]
    ```
    """

    def __init__(self) -> None:
        """No parameters: detection is deterministic and offline."""

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChunkLanguageClassifier:
        return default_from_dict(cls, data)

    @component.output_types(documents=list[Document])
    def run(self, documents: list[Document]) -> dict[str, list[Document]]:
        """:returns: ``documents``: copies of the input with ``language`` and ``document_language`` in their meta."""
        out: list[Document] = []
        for _, group in groupby(documents, key=lambda d: d.meta.get(Meta.DOC_ID)):
            chunks = list(group)
            texts = [plain_text(c) for c in chunks]
            languages = [detect_language(t) for t in texts]
            document_language = main_language(texts, languages)
            for chunk, language in zip(chunks, languages, strict=True):
                meta = {**chunk.meta, Meta.LANGUAGE: language, Meta.DOCUMENT_LANGUAGE: document_language}
                out.append(dataclasses.replace(chunk, meta=meta))
        return {"documents": out}
