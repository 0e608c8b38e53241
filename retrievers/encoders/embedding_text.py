"""The text that is embedded for a chunk: its section heading and, on the pages of a financial statement, the
statement's name give it context; the sparse (BM25) text also carries the document's title.

The dense text leaves the title out. Inside one document every chunk carries the same title, and on a short chunk
(a statement window of a few rows) it outweighs the content in the vector, so the chunks of a document drift
together and its pages rank by how short they are. FinanceBench, 68 questions, a fresh ingest with and without:
corpus-wide MRR@10 0.567 -> 0.613 (half A) and 0.628 -> 0.690 (half B), recall@5 0.743 -> 0.829 / 0.879 -> 0.879.
Finding the document by its name is the job of scoping and of the sparse side, which keeps the title.

An image file's chunks carry the names of its colours (:mod:`ingest.chart_colours`) and not the title made from
its file name: an image's name is rarely words ("IMG_2041", "chart2"), the picture's own title is in its OCR text,
and on short OCR text the file-name title dominated the embedding (charts eval: the charts whose text is mostly
tick values were the nearest neighbours of most questions).
"""

from __future__ import annotations

from haystack import Document

from ingest.documents import plain_text
from ingest.layout.statements import STATEMENT_FIELD, STATEMENT_NAMES
from ingest.schema import Meta

DRAWING_FIELDS = (Meta.COLOURS,)  # lists of words, embedded as "colours: dark brown, beige"
DEFAULT_META_FIELDS = (Meta.TITLE, Meta.SECTION, STATEMENT_FIELD, *DRAWING_FIELDS)  # the sparse text's
DENSE_META_FIELDS = tuple(f for f in DEFAULT_META_FIELDS if f != Meta.TITLE)  # the dense text's: no title
_SHOWN = {STATEMENT_FIELD: STATEMENT_NAMES}  # fields stored as a code, embedded as words


def text_to_embed(doc: Document, meta_fields: tuple[str, ...] | list[str] = DEFAULT_META_FIELDS) -> str:
    """The meta fields (title unless an image file's, section, statement name, ``colours: ...``), then
    the content; a table's Markdown as plain rows (see ``plain_text``)."""
    parts = []
    image = str(doc.meta.get(Meta.MIME_TYPE, "")).startswith("image/")
    for field in meta_fields:
        value = doc.meta.get(field)
        if field == Meta.TITLE and image:
            continue
        if value and field in DRAWING_FIELDS and isinstance(value, list):
            parts.append(f"{field}: " + ", ".join(value))
        elif value:
            parts.append(str(_SHOWN[field].get(value, value) if field in _SHOWN else value))
    parts.append(plain_text(doc))
    return "\n".join(parts)
