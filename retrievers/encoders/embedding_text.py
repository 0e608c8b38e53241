"""The text that is embedded for a chunk: document title and section heading give it context."""

from __future__ import annotations

from haystack import Document

from ingest.documents import plain_text

DEFAULT_META_FIELDS = ("title", "section")


def text_to_embed(doc: Document, meta_fields: tuple[str, ...] | list[str] = DEFAULT_META_FIELDS) -> str:
    """Title and section, then the content; a table's Markdown as plain rows (see ``plain_text``)."""
    parts = [str(doc.meta[f]) for f in meta_fields if doc.meta.get(f)]
    parts.append(plain_text(doc))
    return "\n".join(parts)
