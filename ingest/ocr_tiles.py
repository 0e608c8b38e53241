"""OCR of images longer than tesseract can take (32,767 pixels a side) in tiles, with boxes in the whole image.

A tall scrolling screenshot (1200x40000) or a long receipt is cut across its long side into tiles of at most
``TILE_SIDE`` pixels. Cuts are placed on blank rows (or columns) where there is one near, so no line of text is cut;
tiles also overlap by ``OVERLAP`` pixels and a block is kept only by the tile whose own span holds its centre, so a
line read twice is kept once. Blank tiles, and images too thin to hold a letter, are not sent to tesseract.
"""

from __future__ import annotations

import itertools

import numpy as np
from PIL import Image

from ingest.errors import TooLargeError
from ingest.ocr import OcrBlock, ocr_image

TESSERACT_MAX_SIDE = 32767
TILE_SIDE = 8192
OVERLAP = 256
_BLANK_RANGE = 24  # a row whose darkest and lightest pixels differ by at most this is blank
MIN_TEXT_SIDE = 8  # no legible text fits in an image narrower than this


def ocr_tiled(image: Image.Image, languages: list[str], *, file: str = "") -> list[OcrBlock]:
    """:func:`ingest.ocr.ocr_image` for an image of any length; boxes are in ``image`` pixels.

    :raises TooLargeError: both sides are over tesseract's limit (tiles cut across the long side only; the pixel
        limit normally refuses such images first).
    """
    if min(image.size) < MIN_TEXT_SIDE:
        return []
    if max(image.size) <= TILE_SIDE:
        return ocr_image(image, languages, file=file)
    tall = image.height >= image.width
    if min(image.size) > TESSERACT_MAX_SIDE:
        raise TooLargeError(file, f"{image.width}x{image.height} pixels: both sides are too long to OCR")
    length = image.height if tall else image.width
    blank = _blank_lines(image, tall)
    cuts = _cuts(blank, length)
    blocks: list[OcrBlock] = []
    for start, end in itertools.pairwise(cuts):
        lo, hi = max(0, start - OVERLAP), min(length, end + OVERLAP)
        if blank[lo:hi].all():
            continue  # nothing to read: tesseract would take seconds to say so
        tile = image.crop((0, lo, image.width, hi) if tall else (lo, 0, hi, image.height))
        try:
            found = ocr_image(tile, languages, file=file)
        finally:
            tile.close()
        for block in found:
            x0, top, x1, bottom = block.bbox
            box = (x0, top + lo, x1, bottom + lo) if tall else (x0 + lo, top, x1 + lo, bottom)
            centre = (box[1] + box[3]) / 2 if tall else (box[0] + box[2]) / 2
            if start <= centre < end:
                blocks.append(OcrBlock(block.text, box, block.category))
    return blocks


def _blank_lines(image: Image.Image, tall: bool) -> np.ndarray:
    """For each row (tall image) or column (wide image): is it blank?"""
    grey = np.asarray(image.convert("L"))
    axis = 1 if tall else 0
    return (grey.max(axis=axis).astype(np.int16) - grey.min(axis=axis)) <= _BLANK_RANGE


def _cuts(blank: np.ndarray, length: int) -> list[int]:
    """Cut positions from 0 to ``length``, at most ``TILE_SIDE`` apart, on the last blank line of the final quarter
    of each span where there is one."""
    cuts = [0]
    while length - cuts[-1] > TILE_SIDE:
        target = cuts[-1] + TILE_SIDE
        window_start = target - TILE_SIDE // 4
        candidates = np.flatnonzero(blank[window_start:target])
        cuts.append(window_start + int(candidates[-1]) if candidates.size else target)
    cuts.append(length)
    return cuts
