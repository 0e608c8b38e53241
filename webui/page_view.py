"""A document page as an image with a cited region outlined: what the UI's "full page" view shows.

Crops live in the store; whole pages are rendered on demand from the ingested file, which must still be readable
at the path recorded when it was ingested (the UI keeps its uploads; a compose stack mounts the documents folder
at the same path in the ingest and UI containers).
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageSequence

from ingest.crops import render_page
from ingest.filetypes import HEIC, PDF, detect_type
from ingest.image_prep import register_heif

OUTLINE = (230, 30, 30)


class PageUnavailableError(RuntimeError):
    """The page cannot be rendered; the message says why (file gone, encrypted, page out of range)."""


def page_image(path: str | Path, page: int, *, max_side: int = 1400) -> Image.Image:
    """Render 1-based ``page`` of a PDF or image file as RGB, long side at most ``max_side`` pixels.

    :raises PageUnavailableError: the file is missing or unreadable, or has no such page.
    """
    path = Path(path)
    if not path.is_file():
        raise PageUnavailableError(f"the original file is not reachable from here: {path}")
    try:
        kind = detect_type(path)
        image = _render_pdf(path, page, max_side) if kind == PDF else _image_frame(path, page, kind)
    except PageUnavailableError:
        raise
    except Exception as exc:
        raise PageUnavailableError(f"cannot render page {page} of {path.name}: {type(exc).__name__}: {exc}") from None
    image = image.convert("RGB")
    image.thumbnail((max_side, max_side))
    return image


def outline_region(image: Image.Image, bbox: list[float], page_size: list[float], *, width: int = 4) -> Image.Image:
    """A copy of ``image`` with ``bbox`` (page units, origin top-left; ``page_size`` in the same units) outlined."""
    out = image.copy()
    if len(bbox) != 4 or len(page_size) != 2 or not page_size[0] or not page_size[1]:
        return out
    sx, sy = out.width / page_size[0], out.height / page_size[1]
    x0, top, x1, bottom = bbox
    # kept inside the image: a region that fills the page (a figure, a scanned page) is outlined along its edges
    box = (
        max(x0 * sx - width, 0),
        max(top * sy - width, 0),
        min(x1 * sx + width, out.width - 1),
        min(bottom * sy + width, out.height - 1),
    )
    ImageDraw.Draw(out).rectangle(box, outline=OUTLINE, width=width)
    return out


def _render_pdf(path: Path, page: int, max_side: int) -> Image.Image:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        if not 1 <= page <= len(pdf.pages):
            raise PageUnavailableError(f"{path.name} has {len(pdf.pages)} pages, not page {page}")
        return render_page(pdf.pages[page - 1], max_side=max_side)


def _image_frame(path: Path, page: int, kind: str) -> Image.Image:
    if kind == HEIC and not register_heif():
        raise PageUnavailableError(f"{path.name} is a HEIC image and the pi-heif package is not installed")
    with Image.open(path) as image:
        for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
            if number == page:
                return frame.convert("RGB")
    raise PageUnavailableError(f"{path.name} has no page {page}")


def page_count(path: str | Path) -> int:
    """The number of pages of a PDF or image file, read cheaply (no parsing); 0 when it cannot be told (an
    encrypted or damaged PDF, an unsupported file): a progress estimate, the parser's own count replaces it."""
    path = Path(path)
    try:
        kind = detect_type(path)
        if kind == PDF:
            import pypdfium2

            document = pypdfium2.PdfDocument(str(path))
            try:
                return len(document)
            finally:
                document.close()
        if kind == HEIC:
            return 1
        with Image.open(path) as image:
            return int(getattr(image, "n_frames", 1))
    except Exception:
        return 0


def crop_region(image: Image.Image, bbox: list[float], page_size: list[float], *, margin: int = 8) -> Image.Image:
    """The part of ``image`` inside ``bbox`` (see :func:`outline_region`), with a small margin; the whole image
    when the box is missing or degenerate."""
    if len(bbox) != 4 or len(page_size) != 2 or not page_size[0] or not page_size[1]:
        return image.copy()
    sx, sy = image.width / page_size[0], image.height / page_size[1]
    x0, top, x1, bottom = bbox
    box = (
        max(0, int(x0 * sx) - margin),
        max(0, int(top * sy) - margin),
        min(image.width, int(x1 * sx) + margin),
        min(image.height, int(bottom * sy) + margin),
    )
    if box[2] - box[0] < 4 or box[3] - box[1] < 4:
        return image.copy()
    return image.crop(box)
