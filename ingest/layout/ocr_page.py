"""Turn an OCR'd page image into layout blocks in page coordinates, plus a ``page`` block with the image."""

from __future__ import annotations

from PIL import Image

from ingest.crops import encode_jpeg
from ingest.layout.blocks import HEADING, LIST, PAGE, TEXT, Block
from ingest.ocr import OcrReading, ocr_page
from ingest.ocr_tiles import MIN_TEXT_SIDE, TILE_SIDE, ocr_tiled

_KINDS = {"Title": HEADING, "ListItem": LIST}


def ocr_page_blocks(
    image: Image.Image,
    page_number: int,
    *,
    scale: float,
    languages: list[str],
    crop_max_side: int,
    crop_quality: int,
    file: str = "",
) -> list[Block]:
    """OCR ``image`` and return its text blocks followed by one ``page`` block carrying the page image.

    A reading that is not plausible text (wrong script, noise) gives the ``page`` block alone, without text and with
    the reason in ``extra["no_text"]``: the page image stays available to the vision model, the garbage is not
    stored as text.

    :param scale: page units per image pixel (72/dpi for a rendered PDF page, 1.0 for an image file).
    :returns: an empty list when OCR finds no text at all.
    """
    reading = _read(image, languages, file)
    if not reading.blocks:
        return []
    full = (0.0, 0.0, image.width * scale, image.height * scale)
    crop = encode_jpeg(image, max_side=crop_max_side, quality=crop_quality)
    extra = {"ocr_languages": "+".join(reading.languages)}
    if reading.unreadable:
        return [Block(PAGE, "", page_number, full, crop=crop, ocr=True, extra={**extra, "no_text": reading.unreadable})]
    blocks = []
    for found in reading.blocks:
        x0, top, x1, bottom = (v * scale for v in found.bbox)
        kind = _KINDS.get(found.category, TEXT)
        blocks.append(Block(kind, found.text, page_number, (x0, top, x1, bottom), ocr=True, extra=dict(extra)))
    text = "\n".join(b.text for b in blocks)
    blocks.append(Block(PAGE, text, page_number, full, crop=crop, ocr=True, extra=dict(extra)))
    return blocks


def _read(image: Image.Image, languages: list[str], file: str) -> OcrReading:
    """The page's reading; an image longer than a tile (a scrolling screenshot) is read in tiles (see
    :mod:`ingest.ocr_tiles`), each tile in its own script."""
    if min(image.size) >= MIN_TEXT_SIDE and max(image.size) <= TILE_SIDE:
        return ocr_page(image, languages, file=file)
    return OcrReading(ocr_tiled(image, languages, file=file), list(languages or []), "", 0.0)
