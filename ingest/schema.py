"""The chunk schema: what every layer reads and writes in a chunk's ``meta`` and in the Qdrant collection.

A chunk is a Haystack ``Document`` whose ``meta`` holds the fields below; qdrant-haystack stores ``meta`` under the
payload key ``meta``, so a filter names a field ``meta.<field>`` (:func:`meta_key`). Field names and kinds are plain
strings in the payload: :class:`Kind` is a ``StrEnum`` and its members equal (and serialise as) their values.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypedDict


class Kind(StrEnum):
    """What a block or chunk is."""

    HEADING = "heading"
    TEXT = "text"  # a window of paragraphs, lists and headings (chunks); a paragraph (blocks)
    LIST = "list"  # blocks only: chunks fold lists into text windows
    TABLE = "table"
    FIGURE = "figure"
    PAGE = "page"  # a whole page kept as an image (an OCR'd page, a chart)


VISUAL_KINDS = (Kind.FIGURE, Kind.PAGE)  # chunks that are pictures: what the vision model is shown


class Meta:
    """The names of a chunk's ``meta`` fields (plain strings, as stored)."""

    DOC_ID = "doc_id"  # sha256 of the file's bytes
    SOURCE = "source"  # the file name
    PATH = "path"  # the file's absolute path
    TITLE = "title"  # the line embedded in front of the chunk: its document's identity label (ingest.identity)
    MIME_TYPE = "mime_type"
    PAGE = "page"  # 1-based
    BBOX = "bbox"  # [x0, top, x1, bottom] in page units, origin top-left
    PAGE_SIZE = "page_size"  # [width, height] in bbox units
    KIND = "kind"  # a Kind
    SECTION = "section"  # the nearest heading before the chunk
    CAPTION = "caption"
    OCR = "ocr"  # the text was read by OCR
    OCR_LANGUAGES = "ocr_languages"  # the Tesseract languages an OCR'd page was read with
    NO_TEXT = "no_text"  # why a page holds no text (its OCR reading was rejected)
    COLOURS = "colours"  # an image's page chunk: the names of the colours it is drawn in (ingest.chart_colours)
    COLOUR_SHARES = "colour_shares"  # the share of the drawing each of those colours covers, in the same order
    CROP = "crop_jpeg_b64"  # a JPEG of the table, figure or page, base64
    STATEMENT = "statement"  # the financial statement the page prints (ingest.layout.statements)
    LANGUAGE = "language"  # the chunk's ISO 639-1 language
    DOCUMENT_LANGUAGE = "document_language"  # the language of most of the document
    TABLE_UNIT = "table_unit"  # the unit line of the table a chunk is part of ("(Dollars in millions)")
    TABLE_COLUMNS = "table_columns"  # that table's column headers
    CHUNK_INDEX = "chunk_index"  # the chunk's position in its document
    # its document's identity, from the document's own text (ingest.identity)
    DOC_TITLE = "doc_title"  # "3M COMPANY Form 10-K FY2018", a paper's title
    ORGANISATION = "organisation"  # a filing's registrant, a release's company
    ORGANISATION_ALIASES = "organisation_aliases"  # its short forms and tickers ("3M", "MMM")
    PERIOD = "period"  # "FY2018", "FY2023 Q2", an 8-K's date of report "2023-05-03"
    PERIOD_YEARS = "period_years"  # the years a question may name the period by
    DOC_KIND = "doc_kind"  # 10-K, 10-Q, 8-K, earnings release, paper, invoice, chart, scan, other
    AUTHORS = "authors"  # a paper's authors, as its first page lists them
    TAGS = "tags"  # labels the user gave the document (docsight docs set --tag)
    # what the user corrected of the identity (docsight docs set): given to the identifier at a re-ingest of the
    # same content, which applies it and drops the field (it is never stored on a chunk)
    IDENTITY_EDITS = "identity_edits"
    COMMITTED = "committed"  # written and made visible by the ingestion protocol (retrievers.document_registry)


class ChunkMeta(TypedDict, total=False):
    """A chunk's ``meta``, typed (every field is optional to a reader: older collections lack some)."""

    doc_id: str
    source: str
    path: str
    title: str
    mime_type: str
    pages: int
    page: int
    bbox: list[float]
    page_size: list[float]
    kind: str
    section: str
    caption: str
    ocr: bool
    ocr_languages: str
    no_text: str
    colours: list[str]
    colour_shares: list[float]
    crop_jpeg_b64: str
    statement: str
    language: str
    document_language: str
    table_unit: str
    table_columns: list[str]
    chunk_index: int
    doc_title: str
    organisation: str
    organisation_aliases: list[str]
    period: str
    period_years: list[str]
    doc_kind: str
    authors: list[str]
    tags: list[str]
    committed: bool


def meta_key(name: str) -> str:
    """The payload key (and Haystack filter field) of ``meta`` field ``name``: ``meta.<name>``."""
    return f"meta.{name}"


# payload fields a Qdrant server indexes (what retrieval filters on), with their Qdrant schema
INDEXED_FIELDS = [
    (meta_key(Meta.DOC_ID), "keyword"),
    (meta_key(Meta.SOURCE), "keyword"),
    (meta_key(Meta.KIND), "keyword"),
    (meta_key(Meta.STATEMENT), "keyword"),
    (meta_key(Meta.PAGE), "integer"),
    (meta_key(Meta.COMMITTED), "bool"),
    # a document's identity (ingest.identity) and tags: what --organisation/--period/--doc-kind/--tag choose by
    (meta_key(Meta.ORGANISATION), "keyword"),
    (meta_key(Meta.ORGANISATION_ALIASES), "keyword"),
    (meta_key(Meta.PERIOD), "keyword"),
    (meta_key(Meta.PERIOD_YEARS), "keyword"),
    (meta_key(Meta.DOC_KIND), "keyword"),
    (meta_key(Meta.TAGS), "keyword"),
]
DENSE_VECTOR = "text-dense"  # qdrant-haystack's names for a collection's two vectors
SPARSE_VECTOR = "text-sparse"
SPARSE_MODEL = "docsight/bm25-snowball-en"  # the sparse encoder a collection records (retrievers.encoders.bm25)
