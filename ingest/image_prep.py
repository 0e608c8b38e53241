"""An image frame as a reader sees it, ready for OCR: EXIF orientation applied, transparency composited onto white,
16-bit and floating-point values scaled to 8 bits.

``Image.convert("RGB")`` alone does none of this: a transparent PNG with black text becomes all black, a 16-bit scan
all white (values are clipped at 255), and a phone photo stays sideways.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageOps, ImageStat

from ingest.errors import CorruptFileError, OutOfMemoryError, TooLargeError, summarize

_ALPHA_MODES = {"RGBA", "RGBa", "LA", "La", "PA"}
_WIDE_MODES = {"I", "F", "I;16", "I;16L", "I;16B", "I;16N"}
# Pillow refuses PNG metadata over its limits with these ValueErrors (a decompression-bomb guard, not damage).
_PILLOW_LIMITS = ("Decompressed Data Too Large", "Too much memory used in text chunks", "Decompressed data too large")


def prepare_for_ocr(frame: Image.Image, *, file: str = "") -> Image.Image:
    """Return ``frame`` decoded as an upright 8-bit RGB image on a white background.

    :raises TooLargeError: decoding needs more memory than the worker may use, or Pillow's metadata limits refuse it.
    :raises CorruptFileError: the image data cannot be decoded.
    """
    try:
        image = ImageOps.exif_transpose(frame) or frame
        if image.mode in _WIDE_MODES:
            image = _to_8bit(image)
        if image.mode in _ALPHA_MODES or "transparency" in image.info:
            image = _on_white(image)
        return image.convert("RGB")
    except MemoryError:
        raise OutOfMemoryError(
            file, f"decoding the {frame.width}x{frame.height} image needs more memory than a worker may use"
        ) from None
    except Exception as exc:  # Pillow reports damage as OSError, SyntaxError, ValueError, EOFError, struct.error
        raise decode_error(file, exc) from None


def register_heif() -> bool:
    """Teach Pillow to open HEIC/HEIF images; False when the pi-heif package is not installed."""
    try:
        import pi_heif
    except ImportError:
        return False
    pi_heif.register_heif_opener()
    return True


def decode_error(file: str, exc: BaseException) -> CorruptFileError | TooLargeError:
    """The IngestError for an exception Pillow raised while opening or decoding an image."""
    if isinstance(exc, MemoryError):
        return OutOfMemoryError(file, "decoding the image needs more memory than a worker may use")
    if isinstance(exc, ValueError) and any(limit in str(exc) for limit in _PILLOW_LIMITS):
        return TooLargeError(file, f"its metadata exceeds the decoder's limits ({exc})")
    return CorruptFileError(file, f"image data is damaged ({summarize(exc)})")


def _to_8bit(image: Image.Image) -> Image.Image:
    """16-bit or 32-bit greyscale to 8 bits: 0..1 floats and 0..65535 integers scaled, other ranges stretched."""
    values = np.asarray(image, dtype=np.float32)
    lo, hi = float(values.min()), float(values.max())
    if image.mode == "F" and lo >= 0.0 and hi <= 1.0:
        values = values * 255.0
    elif lo < 0.0 or hi > 255.0:
        if hi - lo > 255.0 or lo < 0.0 or hi > 65535.0:
            values = (values - lo) * (255.0 / max(hi - lo, 1e-6))
        else:
            values = values * (255.0 / 65535.0)
    return Image.fromarray(np.clip(values, 0, 255).astype(np.uint8), "L")


def _on_white(image: Image.Image) -> Image.Image:
    """Composite onto white. Light text on a transparent background (made for dark themes) would vanish on white:
    when the composite is blank but the alpha channel is not, the alpha channel itself is the text."""
    rgba = image.convert("RGBA")
    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    flat = Image.alpha_composite(white, rgba).convert("RGB")
    alpha = rgba.getchannel("A")
    if ImageStat.Stat(flat.convert("L")).stddev[0] < 2.0 and ImageStat.Stat(alpha).stddev[0] > 10.0:
        return ImageOps.invert(alpha).convert("RGB")
    return flat
