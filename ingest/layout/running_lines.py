"""Running headers and footers: lines a document repeats at the top or bottom of many pages.

A filing prints "Table of Contents" or its name above every page and a page number below it. Kept as text, such a
line becomes the section heading of most chunks and adds the same words to every chunk of the document, which
blurs what tells its pages apart. They are found per document (text in the top or bottom band of the page whose
wording, with digits ignored, recurs on at least half of the pages, and on three at least) and dropped. A title
repeated on fewer pages (a table continued over several pages) stays.
"""

from __future__ import annotations

import re
from collections import defaultdict

from ingest.layout.blocks import HEADING, LIST, TEXT, Block

TOP_BAND = 0.12  # share of the page height
BOTTOM_BAND = 0.90
MIN_SHARE = 0.5
MIN_PAGES = 3
_DIGITS = re.compile(r"\d+")


def drop_running_lines(blocks: list[Block], page_sizes: dict[int, tuple[float, float]]) -> list[Block]:
    """``blocks`` without the running headers and footers of their document (order kept)."""
    running = running_lines(blocks, page_sizes)
    if not running:
        return blocks
    return [b for b in blocks if not (_in_band(b, page_sizes) and _key(b.text) in running)]


def running_lines(blocks: list[Block], page_sizes: dict[int, tuple[float, float]]) -> set[str]:
    """The normalised texts (lower case, digits as ``#``) that repeat in the page bands of many pages."""
    pages_of: dict[str, set[int]] = defaultdict(set)
    for block in blocks:
        if _in_band(block, page_sizes):
            pages_of[_key(block.text)].add(block.page)
    page_count = len({b.page for b in blocks})
    needed = max(MIN_PAGES, MIN_SHARE * page_count)
    return {text for text, pages in pages_of.items() if text and len(pages) >= needed}


def _in_band(block: Block, page_sizes: dict[int, tuple[float, float]]) -> bool:
    if block.kind not in (TEXT, HEADING, LIST) or block.ocr:
        return False
    height = page_sizes.get(block.page, (0.0, 0.0))[1]
    return height > 0 and (block.bbox[3] <= TOP_BAND * height or block.bbox[1] >= BOTTOM_BAND * height)


def _key(text: str) -> str:
    return " ".join(_DIGITS.sub("#", text.lower()).split())[:120]
