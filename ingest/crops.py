"""Crops: bounded JPEG images of page regions, small enough to store with a Qdrant point."""

from __future__ import annotations

import io

from PIL import Image

from ingest.layout.blocks import BBox

MAX_RENDER_DPI = 200
MAX_CROP_BYTES = 200_000  # a crop never makes a Qdrant payload heavier than this


def encode_jpeg(image: Image.Image, *, max_side: int, quality: int, max_bytes: int = MAX_CROP_BYTES) -> bytes:
    """Encode ``image`` as RGB JPEG, long side at most ``max_side`` pixels and at most ``max_bytes`` bytes.

    Over the byte budget, quality steps down to 50, then the image shrinks by a quarter per step.
    """
    image = image.convert("RGB")
    if max(image.size) > max_side:
        image = image.copy()
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    while True:
        for q in sorted({quality, min(quality, 65), min(quality, 50)}, reverse=True):
            buf = io.BytesIO()
            image.save(buf, format="JPEG", quality=q, optimize=True)
            if buf.tell() <= max_bytes:
                return buf.getvalue()
        if max(image.size) <= 64:
            return buf.getvalue()
        image = image.resize((max(1, image.width * 3 // 4), max(1, image.height * 3 // 4)), Image.Resampling.LANCZOS)


def render_region(page, bbox: BBox, *, max_side: int, quality: int, pad: float = 4.0) -> bytes:
    """Render ``bbox`` (PDF points) of a pdfplumber ``page`` to JPEG, long side at most ``max_side`` pixels.

    Only this region is rasterised, at the resolution that fits ``max_side`` (capped at 200 dpi).
    """
    x0, top, x1, bottom = bbox
    px0, ptop, px1, pbottom = page.bbox
    region = (max(px0, x0 - pad), max(ptop, top - pad), min(px1, x1 + pad), min(pbottom, bottom + pad))
    long_side_pt = max(region[2] - region[0], region[3] - region[1], 1.0)
    dpi = min(fitting_dpi(long_side_pt, max_side), 4 * max_side * 72 / long_side_pt)  # a vast page: at most 4x
    image = page.crop(region, strict=False).to_image(resolution=dpi, antialias=True).original
    return encode_jpeg(image, max_side=max_side, quality=quality)


def render_page(page, *, max_side: int) -> Image.Image:
    """A whole pdfplumber ``page`` as an image at the resolution that fits ``max_side`` (36 to 200 dpi)."""
    long_side_pt = max(float(page.width), float(page.height), 1.0)
    return page.to_image(resolution=fitting_dpi(long_side_pt, max_side)).original.copy()


def fitting_dpi(long_side_pt: float, max_side: int) -> int:
    """The resolution at which ``long_side_pt`` points are ``max_side`` pixels, kept within 36 to 200 dpi."""
    return max(36, min(MAX_RENDER_DPI, int(max_side * 72 / long_side_pt)))
