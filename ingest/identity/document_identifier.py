"""DocumentIdentifier: every chunk learns what its document is (title, organisation, period, kind)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from haystack import Document, component, default_from_dict, default_to_dict

from ingest.documents import plain_text
from ingest.identity.edits import apply_edits
from ingest.identity.identify import DocumentIdentity, identify
from ingest.identity.title import pdf_title
from ingest.schema import Meta

FIRST_PAGES = 8  # the cover and, in a quarterly report, the statements that say which quarter it is
_MAX_TEXT = 60_000
IDENTITY_FIELDS = (
    Meta.DOC_TITLE, Meta.ORGANISATION, Meta.ORGANISATION_ALIASES, Meta.PERIOD, Meta.PERIOD_YEARS, Meta.DOC_KIND,
)  # fmt: skip


@component
class DocumentIdentifier:
    """Derives each document's identity from the text of its first pages (see :func:`ingest.identity.identify`)
    and the PDF's metadata title, and writes it into every chunk's meta: ``doc_title``, ``organisation``,
    ``organisation_aliases`` (short forms and tickers), ``period`` ("FY2018", "FY2023 Q2"), ``period_years``,
    ``doc_kind`` (10-K, 10-Q, 8-K, earnings release, paper, invoice, chart, scan, other), a paper's ``authors``.
    ``title``, the text
    embedded in front of every chunk, becomes the identity's label (organisation, kind, period, or the derived
    title); the file-name title stays only when the content yields nothing. What the user corrected of a
    document (``docsight docs set``) reaches a re-ingest as the chunks' ``identity_edits`` meta and is applied over
    what the content gave (:func:`ingest.identity.edits.apply_edits`), with its ``tags``.

    Offline and deterministic: no model is needed. Chunks of one document must be consecutive (as the chunker
    emits them).

    Usage example:
    ```python
    chunks = DocumentIdentifier().run(documents=chunks)["documents"]
    ```
    """

    def __init__(self) -> None:
        """No parameters: identification reads only the document's own text and metadata."""

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DocumentIdentifier:
        return default_from_dict(cls, data)

    @component.output_types(documents=list[Document])
    def run(self, documents: list[Document]) -> dict[str, list[Document]]:
        """:returns: ``documents``: copies of the input with the identity fields in their meta."""
        groups: dict[str, list[Document]] = {}
        for doc in documents:
            groups.setdefault(doc.meta.get(Meta.DOC_ID, ""), []).append(doc)
        out: list[Document] = []
        for chunks in groups.values():
            edits = chunks[0].meta.get(Meta.IDENTITY_EDITS) or {}
            identity = apply_edits(identify_chunks(chunks), edits)
            fields = identity_meta(identity, fallback=chunks[0].meta.get(Meta.TITLE, ""), tags=edits.get("tags"))
            for chunk in chunks:
                meta = {k: v for k, v in chunk.meta.items() if k != Meta.IDENTITY_EDITS}
                out.append(dataclasses.replace(chunk, meta={**meta, **fields}))
        return {"documents": out}


def identify_chunks(chunks: list[Document]) -> DocumentIdentity:
    """The identity of the document whose chunks (in document order) are ``chunks``."""
    first = [c for c in chunks if int(c.meta.get(Meta.PAGE, 1) or 1) <= FIRST_PAGES] or chunks[:50]
    text = "\n".join(plain_text(c) for c in first)[:_MAX_TEXT]
    meta = chunks[0].meta
    metadata_title = prominent = ""
    path, mime = meta.get(Meta.PATH, ""), str(meta.get(Meta.MIME_TYPE, ""))
    if mime.endswith("pdf") and path and Path(path).is_file():
        metadata_title, prominent = pdf_title(path)
    heading = next((str(c.meta[Meta.SECTION]) for c in first if c.meta.get(Meta.SECTION)), "")
    image = mime.startswith("image/")
    ocr_only = all(c.meta.get(Meta.OCR) for c in chunks)
    return identify(
        text, metadata_title=metadata_title, prominent=prominent, heading=heading, image=image, ocr_only=ocr_only
    )


def identity_meta(identity: DocumentIdentity, *, fallback: str = "", tags: list[str] | None = None) -> dict[str, Any]:
    """The chunk meta fields of ``identity``; ``title`` (embedded with the chunk) is its label or ``fallback``;
    ``tags`` (the user's) only when there are some."""
    return {
        **({Meta.TAGS: list(tags)} if tags else {}),
        Meta.DOC_TITLE: identity.title or fallback,
        Meta.ORGANISATION: identity.organisation,
        Meta.ORGANISATION_ALIASES: list(identity.aliases),
        Meta.PERIOD: identity.period,
        Meta.PERIOD_YEARS: list(identity.years),
        Meta.DOC_KIND: identity.kind,
        **({Meta.AUTHORS: list(identity.authors)} if identity.authors else {}),
        Meta.TITLE: identity.label(fallback),
    }
