"""From layout blocks to Haystack Documents with docsight's metadata, and deterministic ids."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from haystack import Document

from ingest.layout.blocks import HEADING, TABLE, Block, rounded
from ingest.layout.markdown import table_text
from ingest.schema import Meta

CROP_FIELD = Meta.CROP


def sha256_file(path: Path, chunk_size: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


def printable(text: str) -> str:
    """``text`` as valid Unicode: bytes of a file name that are not UTF-8 (kept by Python as lone surrogates, which
    tokenizers, JSON and terminals reject) become U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def file_meta(path: Path, doc_id: str | None = None) -> dict[str, str]:
    """The metadata every chunk of a file carries: ``source`` (file name), ``path``, ``title`` and ``doc_id``
    (sha256 of the bytes; read from the file unless the caller has hashed it already). Names are made printable:
    they are embedded, written as JSON and shown."""
    name = printable(path.name)
    return {
        Meta.SOURCE: name,
        Meta.PATH: printable(str(path.resolve())),
        Meta.TITLE: title_from_name(name),
        Meta.DOC_ID: doc_id or sha256_file(path),
    }


def source_meta(meta: dict | list[dict] | None, count: int) -> list[dict]:
    """A converter's ``meta`` input, one dict per source: one dict for all of them, or a list in source order.

    :raises ValueError: a list whose length is not the number of sources.
    """
    if isinstance(meta, list):
        if len(meta) != count:
            raise ValueError(f"meta has {len(meta)} entries for {count} source(s)")
        return meta
    return [meta or {}] * count


def title_from_name(name: str) -> str:
    """A readable document title from a file name: 'NIKE_2019_10K.pdf' -> 'NIKE 2019 10K'."""
    return " ".join(Path(name).stem.replace("_", " ").replace("-", " ").split())


def block_documents(
    blocks: list[Block],
    *,
    base_meta: dict,
    page_sizes: dict[int, tuple[float, float]],
    page_meta: dict[int, dict] | None = None,
) -> list[Document]:
    """One Document per block, in document order, each with ``section`` = the nearest heading before it and the
    ``page_meta`` of its page (e.g. ``{"statement": "cash_flow"}``)."""
    section = ""
    docs = []
    for block in blocks:
        if block.kind == HEADING:
            section = block.text[:300]
        meta = {
            **base_meta,
            Meta.PAGE: block.page,
            Meta.BBOX: rounded(block.bbox),
            Meta.PAGE_SIZE: [round(v, 2) for v in page_sizes.get(block.page, (0.0, 0.0))],
            Meta.KIND: block.kind,
            Meta.SECTION: section,
            Meta.OCR: block.ocr,
            **(page_meta or {}).get(block.page, {}),
        }
        if block.extra.get(Meta.CAPTION):
            meta[Meta.CAPTION] = block.extra[Meta.CAPTION]
        # how an OCR'd page was read; why it holds no text; an image's colours
        for key in (Meta.OCR_LANGUAGES, Meta.NO_TEXT, Meta.COLOURS, Meta.COLOUR_SHARES):
            if block.extra.get(key):
                meta[key] = block.extra[key]
        if block.crop is not None:
            meta[CROP_FIELD] = base64.b64encode(block.crop).decode("ascii")
        docs.append(Document(content=block.text, meta=meta))
    return docs


def plain_text(doc: Document) -> str:
    """A block's or chunk's text as plain words: a table's Markdown becomes rows of cells (see ``table_text``)."""
    content = doc.content or ""
    return table_text(content) if doc.meta.get(Meta.KIND) == TABLE else content


def chunk_id(doc_id: str, index: int, content: str) -> str:
    """Deterministic id of a chunk: the same file bytes and position always give the same id."""
    return hashlib.sha256(f"{doc_id}\x1f{index}\x1f{content}".encode()).hexdigest()
