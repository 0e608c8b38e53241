"""PDFLayoutConverter: born-digital and scanned PDFs to layout blocks (text, headings, lists, tables, figures)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pdfplumber
from haystack import Document, component, default_from_dict, default_to_dict
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfminer.psexceptions import PSException
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from ingest.crops import render_region
from ingest.documents import block_documents, file_meta, source_meta
from ingest.errors import (
    CorruptFileError,
    EmptyFileError,
    EncryptedError,
    IngestError,
    NoTextError,
    OutOfMemoryError,
    TooLargeError,
    find_cause,
    summarize,
)
from ingest.layout.blocks import FIGURE, PAGE, TABLE, Block
from ingest.layout.ocr_page import ocr_page_blocks
from ingest.layout.pdf_page import body_font_size, layout_blocks, page_words
from ingest.layout.running_lines import drop_running_lines
from ingest.layout.statements import STATEMENT_FIELD, page_statements
from ingest.pdf_interpret import interpret_page
from ingest.schema import Meta
from ingest.text_layer import keep_layer, ocr_reason
from ingest.timing import timed

logger = logging.getLogger(__name__)
# pdfminer logs every malformed operator of a damaged PDF at WARNING, with the raw content stream (kilobytes per
# line); docsight reports a damaged file once, with its reason, so only pdfminer's errors are kept.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

_MAX_OCR_PIXELS = 64_000_000  # a page is rendered for OCR at a lower resolution than ocr_dpi beyond this
_MIN_OCR_DPI = 30  # ... but not below this: such a page is refused as too large
ProgressCallback = Callable[[int, int, bool], None]


@component
class PDFLayoutConverter:
    """Converts PDFs into one Document per layout block, each with ``page``, ``bbox``, ``kind`` and ``section``.

    Text comes from pdfplumber's words in reading order (columns one after another); ruled tables become one
    ``table`` block in Markdown with a crop; embedded images and clusters of vector graphics become ``figure`` blocks
    with a crop and their caption; pages whose text layer is missing, invisible or implausible, or whose text is only
    vector outlines, are rendered and OCR'd with unstructured + tesseract (see :mod:`ingest.text_layer`), adding a
    ``page`` block with the page image. Each page is interpreted with bounded work (:mod:`ingest.pdf_interpret`);
    pages are processed one at a time and released, so memory does not grow with the page count. Chunking is left
    to :class:`ingest.chunking.layout_chunker.LayoutChunker`.

    Usage example:
    ```python
    converter = PDFLayoutConverter()
    blocks = converter.run(sources=["report.pdf"])["documents"]
    ```
    """

    def __init__(
        self,
        *,
        ocr_languages: list[str] | None = None,
        ocr_dpi: int = 200,
        crop_max_side: int = 1024,
        crop_jpeg_quality: int = 80,
        max_pages: int = 2000,
    ) -> None:
        """
        :param ocr_languages: tesseract languages for scanned pages, or ``["auto"]`` (default): detect the script.
        :param ocr_dpi: resolution at which scanned pages are rendered for OCR.
        :param crop_max_side: the long side of every crop, in pixels, at most.
        :param crop_jpeg_quality: JPEG quality of crops (1-95).
        :param max_pages: PDFs with more pages are refused as too large.
        """
        self.ocr_languages = list(ocr_languages or ["auto"])
        self.ocr_dpi = ocr_dpi
        self.crop_max_side = crop_max_side
        self.crop_jpeg_quality = crop_jpeg_quality
        self.max_pages = max_pages

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(
            self,
            ocr_languages=self.ocr_languages,
            ocr_dpi=self.ocr_dpi,
            crop_max_side=self.crop_max_side,
            crop_jpeg_quality=self.crop_jpeg_quality,
            max_pages=self.max_pages,
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PDFLayoutConverter:
        return default_from_dict(cls, data)

    @component.output_types(documents=list[Document], page_counts=dict[str, int])
    def run(
        self,
        sources: list[str | Path],
        meta: dict[str, Any] | list[dict[str, Any]] | None = None,
        passwords: dict[str, str] | None = None,
        on_page: ProgressCallback | None = None,
    ) -> dict[str, Any]:
        """Convert PDFs to block Documents.

        :param sources: PDF file paths.
        :param meta: extra metadata added to every Document: one dict for all sources or one per source. A
            ``doc_id`` given here is the file's sha256 computed by the caller (the file is then not hashed again).
        :param passwords: passwords by file name (or path) for encrypted PDFs.
        :param on_page: called as ``on_page(done, total, ocr)`` after each page; ``ocr`` says the page was read by
            OCR (a scan), so progress can say so.
        :returns: ``documents``: the blocks of all sources in reading order; ``page_counts``: each source's page
            count by ``doc_id`` (pages without text included).
        :raises IngestError: for the first source that cannot be converted (encrypted, corrupt, too large,
            no text); the message names the file and the reason.
        """
        documents: list[Document] = []
        page_counts: dict[str, int] = {}
        for source, extra in zip(sources, source_meta(meta, len(sources)), strict=True):
            path = Path(source)
            password = (passwords or {}).get(str(path)) or (passwords or {}).get(path.name)
            blocks, doc_id, pages = self._convert(path, password, extra, on_page)
            documents.extend(blocks)
            page_counts[doc_id] = pages
        return {"documents": documents, "page_counts": page_counts}

    def _convert(
        self, path: Path, password: str | None, meta: dict, on_page: ProgressCallback | None
    ) -> tuple[list[Document], str, int]:
        """:returns: the file's blocks, its doc id and its page count."""
        if path.stat().st_size == 0:
            raise EmptyFileError(path.name, "the file has 0 bytes")
        base_meta = {
            **file_meta(path, meta.get(Meta.DOC_ID)),
            "mime_type": "application/pdf",
            **meta,
        }
        blocks: list[Block] = []
        page_errors: list[str] = []
        page_sizes: dict[int, tuple[float, float]] = {}
        try:
            total = self._parse_pages(path, password, blocks, page_errors, page_sizes, on_page)
        except (MalformedPDFException, PdfminerException, PSException) as exc:  # the document structure itself
            if find_cause(exc, MemoryError) is not None:
                raise OutOfMemoryError(path.name, "reading it needs more memory than a worker may use") from None
            raise CorruptFileError(path.name, f"cannot be read as a PDF ({summarize(exc)})"[:300]) from None
        if len(page_errors) == total:
            raise CorruptFileError(path.name, f"no page could be parsed ({page_errors[0]})"[:300])
        if not any(b.text.strip() and not b.extra.get("placeholder") for b in blocks if b.kind != PAGE):
            reasons = [f"page {b.page}: {b.extra['no_text']}" for b in blocks if b.extra.get("no_text")]
            detail = f" (no readable text on {'; '.join(reasons[:3])})" if reasons else ""
            raise NoTextError(path.name, f"none of its {total} page(s) yielded text, even after OCR{detail}")
        blocks = drop_running_lines(blocks, page_sizes)
        statements = {page: {STATEMENT_FIELD: kind} for page, kind in page_statements(blocks, page_sizes).items()}
        return (
            block_documents(blocks, base_meta=base_meta, page_sizes=page_sizes, page_meta=statements),
            base_meta[Meta.DOC_ID],
            total,
        )

    def _parse_pages(
        self,
        path: Path,
        password: str | None,
        blocks: list[Block],
        page_errors: list[str],
        page_sizes: dict[int, tuple[float, float]],
        on_page: ProgressCallback | None,
    ) -> int:
        """Parse every page into ``blocks`` (one page's failure is recorded, not raised); returns the page count."""
        with self._open(path, password) as pdf:
            total = len(pdf.pages)
            if total == 0:
                raise CorruptFileError(path.name, "the PDF has no pages")
            if total > self.max_pages:
                raise TooLargeError(path.name, f"{total} pages (the limit is {self.max_pages}, DOCSIGHT_MAX_PAGES)")
            body_size = None
            for number, page in enumerate(pdf.pages, start=1):
                page_blocks = []
                try:
                    page_sizes[number] = (float(page.width), float(page.height))
                    page_blocks, body_size = self._page_blocks(page, number, body_size, path.name)
                    blocks.extend(page_blocks)
                except IngestError:
                    raise
                except Exception as exc:  # a single unparsable page must not lose the rest of the document
                    if find_cause(exc, MemoryError) is not None:
                        detail = f"page {number} needs more memory than a worker may use"
                        raise OutOfMemoryError(path.name, detail) from None
                    if find_cause(exc, OverflowError) is not None:
                        raise TooLargeError(path.name, f"page {number} is too large to render ({exc})") from None
                    page_errors.append(f"page {number}: {summarize(exc)}")
                    logger.warning("%s: page %d could not be parsed (%s); skipped", path.name, number, page_errors[-1])
                finally:
                    page.close()
                if on_page is not None:
                    on_page(number, total, any(b.ocr for b in page_blocks))
        return total

    @staticmethod
    def _open(path: Path, password: str | None):
        if not has_objects(path):
            raise CorruptFileError(path.name, "cannot be read as a PDF (it holds no PDF objects)")
        try:
            return pdfplumber.open(path, password=password or "")
        except Exception as exc:
            if find_cause(exc, MemoryError) is not None:
                raise OutOfMemoryError(path.name, "opening it needs more memory than a worker may use") from None
            if find_cause(exc, PDFPasswordIncorrect):
                detail = "wrong password" if password else "password required (pass --password FILE=PASSWORD)"
                raise EncryptedError(path.name, detail) from None
            raise CorruptFileError(path.name, f"cannot be read as a PDF ({summarize(exc)})"[:300]) from None

    def _page_blocks(self, page, number: int, body_size: float | None, file: str) -> tuple[list[Block], float]:
        ink = interpret_page(page, number, file=file)
        words = page_words(page)
        if body_size is None and words:
            body_size = body_font_size(words)
        reason = ocr_reason(words, ink, has_images=bool(page.images))
        if reason is not None:
            logger.debug("%s: page %d is OCR'd: %s", file, number, reason)
            ocr_blocks = self._ocr_page(page, number, file)
            if not keep_layer(words, ocr_blocks):
                return ocr_blocks, body_size or 10.0
        blocks, _, _ = layout_blocks(page, number, body_size or 10.0, words)
        for block in blocks:
            if block.kind in (TABLE, FIGURE):
                with timed("crop"):
                    block.crop = render_region(
                        page, block.bbox, max_side=self.crop_max_side, quality=self.crop_jpeg_quality
                    )
                if block.kind == FIGURE:
                    caption = block.extra.get("caption", "")
                    block.text = "\n".join(t for t in (caption, block.text) if t)
                    if not block.text:
                        block.text, block.extra["placeholder"] = f"Figure on page {number}", True
        return [b for b in blocks if b.text.strip()], body_size or 10.0

    def _ocr_page(self, page, number: int, file: str) -> list[Block]:
        with timed("ocr"):
            return self._ocr_rendered(page, number, file)

    def _ocr_rendered(self, page, number: int, file: str) -> list[Block]:
        dpi = self._ocr_resolution(page, number, file)
        image = page.to_image(resolution=dpi).original
        try:
            return ocr_page_blocks(
                image,
                number,
                scale=72.0 / dpi,
                languages=self.ocr_languages,
                crop_max_side=self.crop_max_side,
                crop_quality=self.crop_jpeg_quality,
                file=file,
            )
        finally:
            image.close()

    def _ocr_resolution(self, page, number: int, file: str) -> float:
        """``ocr_dpi``, lowered for a page so large that its rendering would exceed ``_MAX_OCR_PIXELS``.

        :raises TooLargeError: even ``_MIN_OCR_DPI`` would exceed it.
        """
        square_inches = max(float(page.width) * float(page.height), 1.0) / (72.0 * 72.0)
        dpi = min(float(self.ocr_dpi), (_MAX_OCR_PIXELS / square_inches) ** 0.5)
        if dpi < _MIN_OCR_DPI:
            raise TooLargeError(
                file, f"page {number} is {page.width / 72:,.0f} x {page.height / 72:,.0f} inches: too large to render"
            )
        return dpi


_OBJECT = re.compile(rb"\d+\s+\d+\s+obj\b")


def has_objects(path: Path, *, chunk_size: int = 16 << 20) -> bool:
    """Does the file hold at least one ``N G obj``? Without one pdfminer scans a file for objects line by line,
    in time quadratic in the line length: 150 MB of zeros after a header took over 15 minutes to fail."""
    with open(path, "rb") as fh:
        tail = b""
        while chunk := fh.read(chunk_size):
            if _OBJECT.search(tail + chunk):
                return True
            tail = chunk[-64:]
    return False
