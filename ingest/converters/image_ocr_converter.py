"""ImageOCRConverter: PNG, JPEG, TIFF (every frame) and HEIC images to OCR'd layout blocks."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from haystack import Document, component, default_from_dict, default_to_dict
from PIL import Image, ImageSequence, UnidentifiedImageError

from ingest.chart_colours import colour_shares
from ingest.documents import block_documents, file_meta, source_meta
from ingest.errors import NoTextError, TooLargeError, UnsupportedFormatError
from ingest.filetypes import HEIC, IMAGE_TYPES, MIME_TYPES, detect_type
from ingest.image_prep import decode_error, prepare_for_ocr, register_heif
from ingest.layout.blocks import PAGE, Block
from ingest.layout.ocr_page import ocr_page_blocks
from ingest.schema import Meta
from ingest.timing import timed

_TYPES_BY_MIME = {MIME_TYPES[kind]: kind for kind in IMAGE_TYPES}


@component
class ImageOCRConverter:
    """Converts image files into OCR'd text blocks plus one ``page`` block holding the (bounded) image.

    Boxes are in image pixels (``page_size`` is the image size). Multi-frame TIFFs give one page per frame. Each frame
    is OCR'd as a reader sees it (:func:`ingest.image_prep.prepare_for_ocr`: EXIF orientation, transparency on white,
    16-bit scaled); images longer than tesseract takes are OCR'd in tiles. Images over ``max_image_pixels`` are
    refused before they are decoded (Pillow's decompression-bomb guard and metadata limits stay on).

    Usage example:
    ```python
    blocks = ImageOCRConverter().run(sources=["scan.png"])["documents"]
    ```
    """

    def __init__(
        self,
        *,
        ocr_languages: list[str] | None = None,
        crop_max_side: int = 1024,
        crop_jpeg_quality: int = 80,
        max_image_pixels: int = 100_000_000,
        max_pages: int = 2000,
    ) -> None:
        """
        :param ocr_languages: tesseract languages, or ``["auto"]`` (default) to detect each page's script.
        :param crop_max_side: the long side of the stored page image, in pixels, at most.
        :param crop_jpeg_quality: JPEG quality of the stored page image.
        :param max_image_pixels: larger images are refused as too large.
        :param max_pages: TIFFs with more frames are refused as too large.
        """
        self.ocr_languages = list(ocr_languages or ["auto"])
        self.crop_max_side = crop_max_side
        self.crop_jpeg_quality = crop_jpeg_quality
        self.max_image_pixels = max_image_pixels
        self.max_pages = max_pages

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(
            self,
            ocr_languages=self.ocr_languages,
            crop_max_side=self.crop_max_side,
            crop_jpeg_quality=self.crop_jpeg_quality,
            max_image_pixels=self.max_image_pixels,
            max_pages=self.max_pages,
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImageOCRConverter:
        return default_from_dict(cls, data)

    @component.output_types(documents=list[Document], page_counts=dict[str, int])
    def run(
        self,
        sources: list[str | Path],
        meta: dict[str, Any] | list[dict[str, Any]] | None = None,
        on_page: Callable[[int, int], None] | None = None,
    ) -> dict[str, Any]:
        """OCR image files.

        :param sources: image file paths.
        :param meta: extra metadata added to every Document: one dict for all sources or one per source. A
            ``doc_id`` or ``mime_type`` given here was computed by the caller (the file is not hashed or sniffed
            again).
        :param on_page: called as ``on_page(done, total)`` after each page (frame).
        :returns: ``documents``: OCR text blocks and one ``page`` block per image page; ``page_counts``: each
            source's page (frame) count by ``doc_id``.
        :raises IngestError: for the first source that cannot be converted (unsupported, corrupt, too large,
            no text found by OCR).
        """
        documents: list[Document] = []
        page_counts: dict[str, int] = {}
        for source, extra in zip(sources, source_meta(meta, len(sources)), strict=True):
            blocks, doc_id, pages = self._convert(Path(source), extra, on_page)
            documents.extend(blocks)
            page_counts[doc_id] = pages
        return {"documents": documents, "page_counts": page_counts}

    def _convert(
        self, path: Path, meta: dict, on_page: Callable[[int, int], None] | None
    ) -> tuple[list[Document], str, int]:
        """:returns: the file's blocks, its doc id and its page count."""
        kind = _TYPES_BY_MIME.get(meta.get(Meta.MIME_TYPE, "")) or detect_type(path)
        if kind == HEIC and not register_heif():
            raise UnsupportedFormatError(path.name, "HEIC images need the pi-heif package")
        blocks: list[Block] = []
        page_sizes: dict[int, tuple[float, float]] = {}
        with self._open(path) as image:
            frames = getattr(image, "n_frames", 1)
            if frames > self.max_pages:
                raise TooLargeError(path.name, f"{frames} frames (the limit is {self.max_pages})")
            for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
                rgb = prepare_for_ocr(frame, file=path.name)
                page_sizes[number] = (float(rgb.width), float(rgb.height))
                with timed("ocr"):
                    page_blocks = ocr_page_blocks(
                        rgb,
                        number,
                        scale=1.0,
                        languages=self.ocr_languages,
                        crop_max_side=self.crop_max_side,
                        crop_quality=self.crop_jpeg_quality,
                        file=path.name,
                    )
                _name_colours(page_blocks, rgb)
                blocks.extend(page_blocks)
                if on_page is not None:
                    on_page(number, frames)
        if not any(b.text.strip() for b in blocks):
            reasons = [b.extra["no_text"] for b in blocks if b.extra.get("no_text")]
            raise NoTextError(
                path.name, f"no readable text: {reasons[0]}" if reasons else "OCR found no text in the image"
            )
        base_meta = {
            **file_meta(path, meta.get(Meta.DOC_ID)),
            "mime_type": MIME_TYPES[kind],
            **meta,
        }
        return (
            block_documents(blocks, base_meta=base_meta, page_sizes=page_sizes),
            base_meta[Meta.DOC_ID],
            len(page_sizes),
        )

    def _open(self, path: Path) -> Image.Image:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                image = Image.open(path)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise TooLargeError(path.name, f"decompression bomb guard: {exc}") from None
        except UnidentifiedImageError:
            raise UnsupportedFormatError(path.name, "the image format cannot be decoded") from None
        except Exception as exc:  # OSError, SyntaxError, ValueError (Pillow's metadata limits), MemoryError
            raise decode_error(path.name, exc) from None
        pixels = image.width * image.height
        if pixels > self.max_image_pixels:
            image.close()
            raise TooLargeError(
                path.name, f"{image.width}x{image.height} pixels (the limit is {self.max_image_pixels:,})"
            )
        return image


def _name_colours(blocks: list[Block], image: Image.Image) -> None:
    """Put the names of the colours the image is drawn in on its ``page`` block (``extra["colours"]``), and the
    share of the drawing each covers (``extra["colour_shares"]``): questions about charts name series by colour
    ("the dark brown bar"), which OCR does not read."""
    for block in blocks:
        if block.kind == PAGE and block.text.strip():
            with timed("colours"):
                shares = colour_shares(image)
            block.extra[Meta.COLOURS] = list(shares)
            block.extra[Meta.COLOUR_SHARES] = list(shares.values())
