"""The text that is embedded for a chunk: document title and section heading give it context."""

from __future__ import annotations

from haystack import Document

DEFAULT_META_FIELDS = ("title", "section")


def text_to_embed(doc: Document, meta_fields: tuple[str, ...] | list[str] = DEFAULT_META_FIELDS) -> str:
    parts = [str(doc.meta[f]) for f in meta_fields if doc.meta.get(f)]
    parts.append(doc.content or "")
    return "\n".join(parts)
