"""Turn an OCR'd page image into layout blocks in page coordinates, plus a ``page`` block with the image."""

from __future__ import annotations

from PIL import Image

from ingest.crops import encode_jpeg
from ingest.layout.blocks import HEADING, LIST, PAGE, TEXT, Block
from ingest.ocr_tiles import ocr_tiled

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

    :param scale: page units per image pixel (72/dpi for a rendered PDF page, 1.0 for an image file).
    :returns: an empty list when OCR finds no text.
    """
    blocks = []
    for found in ocr_tiled(image, languages, file=file):
        x0, top, x1, bottom = (v * scale for v in found.bbox)
        blocks.append(Block(_KINDS.get(found.category, TEXT), found.text, page_number, (x0, top, x1, bottom), ocr=True))
    if not blocks:
        return []
    full = (0.0, 0.0, image.width * scale, image.height * scale)
    crop = encode_jpeg(image, max_side=crop_max_side, quality=crop_quality)
    text = "\n".join(b.text for b in blocks)
    blocks.append(Block(PAGE, text, page_number, full, crop=crop, ocr=True))
    return blocks
