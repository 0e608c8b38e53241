"""The unit of layout: a block of one kind on one page, with its box in page coordinates."""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest.schema import Kind

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom; PDF points (images: pixels), origin top-left

# the kinds as plain strings (see ingest.schema.Kind)
HEADING = Kind.HEADING.value
TEXT = Kind.TEXT.value
LIST = Kind.LIST.value
TABLE = Kind.TABLE.value
FIGURE = Kind.FIGURE.value
PAGE = Kind.PAGE.value


@dataclass
class Block:
    """A heading, paragraph, list, table or figure found on a page.

    ``crop`` holds JPEG bytes for tables, figures and OCR'd pages; ``text`` is the block's text (Markdown for
    tables, caption plus any text inside the figure for figures).
    """

    kind: str
    text: str
    page: int
    bbox: BBox
    crop: bytes | None = None
    ocr: bool = False
    extra: dict = field(default_factory=dict)


def union(boxes: list[BBox]) -> BBox:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def overlap_ratio(inner: BBox, outer: BBox) -> float:
    """Share of ``inner``'s area that lies inside ``outer``."""
    w = min(inner[2], outer[2]) - max(inner[0], outer[0])
    h = min(inner[3], outer[3]) - max(inner[1], outer[1])
    if w <= 0 or h <= 0:
        return 0.0
    area = max((inner[2] - inner[0]) * (inner[3] - inner[1]), 1e-6)
    return (w * h) / area


def rounded(bbox: BBox) -> list[float]:
    return [round(v, 2) for v in bbox]
