"""Hostile but valid (or plausibly damaged) inputs, generated in code with Pillow and pikepdf (issue 20).

Every function returns the file's bytes; ``size`` arguments let tests use moderate sizes where the mechanism is the
same as at full size. ``CASES`` names every generator at the size the issue reported, for the fuzz seeds and the
before/after measurements in scripts.
"""

from __future__ import annotations

import io
import random
import struct
import zlib
from collections.abc import Callable

import pikepdf
from PIL import Image, ImageDraw, ImageFont

TEXT = "Quarterly revenue grew by twelve percent"
LINES = [TEXT, "Operating margin improved in every region", "The board approved the dividend"]


def _font(size: int = 40) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)  # Pillow's bundled scalable font: no system font needed


def text_image(lines: list[str] = LINES, *, size: tuple[int, int] = (1400, 360), mode: str = "L") -> Image.Image:
    """Black text on white, one line per entry."""
    image = Image.new(mode, size, "white")
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((40, 40 + 100 * i), line, fill="black", font=_font())
    return image


def _png(image: Image.Image, **params) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format="PNG", **params)
    return buf.getvalue()


# -- images that lose their text (item 1) ------------------------------------------------------------------------
def transparent_png() -> bytes:
    """Black text on a fully transparent background (RGB of the background is black too, as most tools write it)."""
    mask = text_image().point(lambda v: 255 - v)  # text opaque, background transparent
    image = Image.new("RGBA", mask.size, (0, 0, 0, 0))
    image.putalpha(mask)
    return _png(image)


def grey16_png() -> bytes:
    """A 16-bit greyscale scan: paper at 60,000, ink at 4,000."""
    grey = text_image()
    image = grey.point(lambda v: 4000 + (60000 - 4000) * v // 255, mode="I").convert("I;16")
    return _png(image)


def sideways_photo_jpeg() -> bytes:
    """A phone photo stored sideways with EXIF orientation 6 (rotate 90 degrees clockwise to view)."""
    stored = text_image().convert("RGB").rotate(90, expand=True)
    exif = Image.Exif()
    exif[0x0112] = 6
    buf = io.BytesIO()
    stored.save(buf, format="JPEG", quality=92, exif=exif.tobytes())
    return buf.getvalue()


def png_mentioning_pdf() -> bytes:
    """A real PNG whose metadata (a tEXt chunk before the pixels) holds ``%PDF-``."""
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "converted from report.pdf (%PDF-1.7)")
    return _png(text_image(), pnginfo=info)


# -- extreme images (item 14) ------------------------------------------------------------------------------------
def blank_png(width: int, height: int) -> bytes:
    return _png(Image.new("L", (width, height), 255), optimize=False)


def scrolling_screenshot_png(width: int = 1200, height: int = 40000, *, every: int = 4000) -> bytes:
    """A tall screenshot: a numbered line of text every ``every`` pixels, the last one near the bottom."""
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    for n, top in enumerate(range(100, height - 100, every), start=1):
        draw.text((40, top), f"Message {n}: {TEXT}", fill=0, font=_font(32))
    draw.text((40, height - 80), "End of conversation", fill=0, font=_font(32))
    return _png(image)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_with_chunk(kind: bytes, data: bytes) -> bytes:
    """A small valid text PNG with one extra ancillary chunk inserted right after IHDR."""
    png = _png(text_image())
    ihdr_end = 8 + 8 + 13 + 4
    return png[:ihdr_end] + _chunk(kind, data) + png[ihdr_end:]


def _zlib_of_zeros(n: int) -> bytes:
    out, compressor, block = [], zlib.compressobj(9), bytes(1 << 20)
    for _ in range(n >> 20):
        out.append(compressor.compress(block))
    out.append(compressor.compress(bytes(n & ((1 << 20) - 1))))
    out.append(compressor.flush())
    return b"".join(out)


def png_iccp_bomb(mib: int = 256) -> bytes:
    """An iCCP chunk whose profile inflates to ``mib`` MiB."""
    return png_with_chunk(b"iCCP", b"icc\x00\x00" + _zlib_of_zeros(mib << 20))


def png_ztxt_bomb(mib: int = 256) -> bytes:
    """A zTXt chunk whose text inflates to ``mib`` MiB."""
    return png_with_chunk(b"zTXt", b"Comment\x00\x00" + _zlib_of_zeros(mib << 20))


def png_huge_text(mib: int = 70) -> bytes:
    """``mib`` MiB of plain tEXt metadata."""
    return png_with_chunk(b"tEXt", b"Comment\x00" + b"x" * (mib << 20))


# -- PDFs --------------------------------------------------------------------------------------------------------
_LETTER = [0, 0, 612, 792]


def _pdf(pages: list[tuple[bytes, dict]], *, media_box: list[float] = _LETTER, compress: bool = True) -> bytes:
    """A PDF with one page per (content, XObjects) and Helvetica as /F1."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    )
    for content, xobjects in pages:
        resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        if xobjects:
            resources.XObject = pikepdf.Dictionary({f"/{k}": v(pdf) for k, v in xobjects.items()})
        stream = pikepdf.Stream(pdf, b"")
        if compress:
            stream.write(zlib.compress(content, 6), filter=pikepdf.Name.FlateDecode)
        else:
            stream.write(content)
        page = pikepdf.Dictionary(
            Type=pikepdf.Name.Page, MediaBox=media_box, Resources=resources, Contents=pdf.make_indirect(stream)
        )
        pdf.pages.append(pikepdf.Page(page))
    buf = io.BytesIO()
    pdf.save(buf, compress_streams=False)
    return buf.getvalue()


def _scan_image(lines: list[str] = LINES) -> Callable[[pikepdf.Pdf], pikepdf.Stream]:
    """A letter-size 150-dpi greyscale scan of ``lines`` as a JPEG image XObject."""
    page = Image.new("L", (1275, 1650), 255)
    draw = ImageDraw.Draw(page)
    for i, line in enumerate(lines):
        draw.text((120, 200 + 90 * i), line, fill=0, font=_font(40))
    buf = io.BytesIO()
    page.save(buf, format="JPEG", quality=85)

    def make(pdf: pikepdf.Pdf) -> pikepdf.Stream:
        image = pikepdf.Stream(pdf, b"")
        image.write(buf.getvalue(), filter=pikepdf.Name.DCTDecode)
        image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
        image.Width, image.Height, image.BitsPerComponent = 1275, 1650, 8
        image.ColorSpace = pikepdf.Name.DeviceGray
        return image

    return make


def _garbage_words(n: int, seed: int = 3) -> str:
    rng = random.Random(seed)
    return " ".join("".join(rng.choice("qxzjkvwbfghp#%&~^") for _ in range(rng.randint(3, 9))) for _ in range(n))


def _text_lines(lines: list[str], *, render: int = 0, size: int = 11) -> bytes:
    ops = [b"BT", f"/F1 {size} Tf {render} Tr 72 720 Td {size * 1.4:.1f} TL".encode()]
    for line in lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(f"({escaped}) Tj T*".encode("latin-1"))
    ops.append(b"ET")
    return b"\n".join(ops)


_DRAW_SCAN = b"q 612 0 0 792 0 0 cm /Scan Do Q"


def scanned_pdf(pages: int = 2) -> bytes:
    """A plain scan: ``pages`` pages that are each one page image, with no text layer."""
    return _pdf([(_DRAW_SCAN, {"Scan": _scan_image()}) for _ in range(pages)])


def scan_with_invisible_garbage_pdf() -> bytes:
    """A scanned page with an invisible (render mode 3) text layer of garbage over it, as bad OCR tools write."""
    layer = _text_lines([_garbage_words(12, seed) for seed in range(8)], render=3)
    return _pdf([(_DRAW_SCAN + b"\n" + layer, {"Scan": _scan_image()})])


def scan_with_hidden_garbage_pdf() -> bytes:
    """A scanned page drawn over a visible but implausible text layer (garbage, covered by the image)."""
    layer = _text_lines([_garbage_words(12, seed) for seed in range(8)])
    return _pdf([(layer + b"\n" + _DRAW_SCAN, {"Scan": _scan_image()})])


def outlined_text_pdf(lines: list[str] = LINES) -> bytes:
    """A page whose text exists only as filled vector outlines (text converted to curves), no text layer."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.path import Path as MplPath
    from matplotlib.textpath import TextPath

    ops = [b"0 g"]
    for i, line in enumerate(lines):
        path = TextPath((72, 700 - 40 * i), line, size=20, prop=FontProperties(family="DejaVu Sans"))
        current = (0.0, 0.0)
        verts, codes, k = path.vertices, path.codes, 0
        while k < len(codes):
            code = codes[k]
            if code == MplPath.MOVETO:
                current = tuple(verts[k])
                ops.append(f"{current[0]:.2f} {current[1]:.2f} m".encode())
                k += 1
            elif code == MplPath.LINETO:
                current = tuple(verts[k])
                ops.append(f"{current[0]:.2f} {current[1]:.2f} l".encode())
                k += 1
            elif code == MplPath.CURVE3:  # quadratic -> cubic
                (qx, qy), (ex, ey) = verts[k], verts[k + 1]
                c1 = (current[0] + 2 / 3 * (qx - current[0]), current[1] + 2 / 3 * (qy - current[1]))
                c2 = (ex + 2 / 3 * (qx - ex), ey + 2 / 3 * (qy - ey))
                ops.append(f"{c1[0]:.2f} {c1[1]:.2f} {c2[0]:.2f} {c2[1]:.2f} {ex:.2f} {ey:.2f} c".encode())
                current = (ex, ey)
                k += 2
            elif code == MplPath.CURVE4:
                (ax, ay), (bx, by), (ex, ey) = verts[k], verts[k + 1], verts[k + 2]
                ops.append(f"{ax:.2f} {ay:.2f} {bx:.2f} {by:.2f} {ex:.2f} {ey:.2f} c".encode())
                current = (ex, ey)
                k += 3
            else:  # CLOSEPOLY
                ops.append(b"h")
                k += 1
        ops.append(b"f")
    return _pdf([(b"\n".join(ops), {})])


def scan_on_huge_page_pdf(side: float = 14400) -> bytes:
    """A scan on a page of ``side`` x ``side`` points (200 in): rendering it for OCR at 200 dpi needs 4.8 GB."""
    content = f"q {side} 0 0 {side} 0 0 cm /Scan Do Q".encode()
    return _pdf([(content, {"Scan": _scan_image()})], media_box=[0, 0, side, side])


# -- PDFs that cost minutes (item 15) ----------------------------------------------------------------------------
def pdf_with_long_number(mib: int = 64) -> bytes:
    """One page whose (Flate-compressed, ~66 KB) content stream holds a number token of ``mib`` MiB."""
    return _pdf([(_text_lines(["Hello"]) + b"\n" + b"1" * (mib << 20) + b" 0 Td", {})])


def pdf_header_then_zeros(mb: int = 150) -> bytes:
    """A PDF header followed by ``mb`` MB of zero bytes: no objects at all."""
    return b"%PDF-1.7\n" + bytes(mb * 1_000_000)


def pdf_with_many_text_operators(count: int = 200_000) -> bytes:
    """One page with ``count`` text-showing operators."""
    body = b"\n".join(b"1 0 Td (x) Tj" if i % 50 else b"-49 -1 Td (x) Tj" for i in range(count))
    return _pdf([(b"BT /F1 1 Tf 10 780 Td\n" + body + b"\nET", {})])


# -- content that is not a document (item 5) ---------------------------------------------------------------------
def passwd_text() -> bytes:
    return b"root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"


def zip_archive() -> bytes:
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("secret.txt", "root:x:0:0")
    return buf.getvalue()


def random_binary() -> bytes:
    return random.Random(5).randbytes(4096)


# name -> (file name, generator at the size the issue reported)
CASES: dict[str, tuple[str, Callable[[], bytes]]] = {
    "transparent png": ("transparent.png", transparent_png),
    "16-bit grey png": ("grey16.png", grey16_png),
    "sideways photo (EXIF 6)": ("sideways.jpg", sideways_photo_jpeg),
    "png mentioning %PDF-": ("mentions-pdf.png", png_mentioning_pdf),
    "invisible garbage layer over scan": ("invisible-layer.pdf", scan_with_invisible_garbage_pdf),
    "garbage layer hidden under scan": ("hidden-layer.pdf", scan_with_hidden_garbage_pdf),
    "text as vector outlines": ("outlines.pdf", outlined_text_pdf),
    "passwd as .pdf": ("passwd.pdf", passwd_text),
    "zip as .pdf": ("archive.pdf", zip_archive),
    "random bytes as .png": ("random.png", random_binary),
    "1x200000 png": ("1x200000.png", lambda: blank_png(1, 200_000)),
    "200000x1 png": ("200000x1.png", lambda: blank_png(200_000, 1)),
    "60x60000 png": ("60x60000.png", lambda: blank_png(60, 60_000)),
    "1200x40000 screenshot": ("screenshot.png", scrolling_screenshot_png),
    "256 MiB iCCP": ("iccp.png", png_iccp_bomb),
    "256 MiB zTXt": ("ztxt.png", png_ztxt_bomb),
    "70 MiB tEXt": ("text.png", png_huge_text),
    "scan on a 200-inch page": ("huge-page.pdf", scan_on_huge_page_pdf),
    "64 MiB number token": ("long-number.pdf", pdf_with_long_number),
    "150 MB zeros after header": ("zeros.pdf", pdf_header_then_zeros),
    "200,000 text operators": ("operators.pdf", pdf_with_many_text_operators),
}
