"""The text that is embedded for a chunk: document title, section heading and, on the pages of a financial
statement, the statement's name give it context; an image's chunk also carries the names of its colours (see
:mod:`ingest.chart_colours`)."""

from __future__ import annotations

from haystack import Document

from ingest.documents import plain_text
from ingest.layout.statements import STATEMENT_FIELD, STATEMENT_NAMES

COLOURS_FIELD = "colours"
DEFAULT_META_FIELDS = ("title", "section", STATEMENT_FIELD, COLOURS_FIELD)
_SHOWN = {STATEMENT_FIELD: STATEMENT_NAMES}  # fields stored as a code, embedded as words


def text_to_embed(doc: Document, meta_fields: tuple[str, ...] | list[str] = DEFAULT_META_FIELDS) -> str:
    """The meta fields (title, section, statement name, ``colours: ...``), then the content; a table's Markdown as
    plain rows (see ``plain_text``)."""
    parts = []
    for field in meta_fields:
        value = doc.meta.get(field)
        if value and field == COLOURS_FIELD and isinstance(value, list):
            parts.append("colours: " + ", ".join(value))
        elif value:
            parts.append(str(_SHOWN[field].get(value, value) if field in _SHOWN else value))
    parts.append(plain_text(doc))
    return "\n".join(parts)
