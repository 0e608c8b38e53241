"""The colours a chart is drawn in, as the words people use for them ("the dark brown bar", "what does green
indicate?").

OCR reads a chart's words but not its colours, and questions about charts name series by colour. Each pixel of a
reduced copy of the image is given the name of the nearest colour in a small palette of everyday names (in CIELAB,
where distance follows perceived difference); the white background is skipped, and a name counts when it covers at
least ``min_share`` of the remaining pixels. Anti-aliased edges, which blend a colour into the background, are
skipped too: a pixel counts only when it has the colour of its right and lower neighbours.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

MAX_SIDE = 800  # the reduced copy's long side: thin lines survive, the cost stays a few milliseconds
MIN_SHARE = 0.01

# sRGB references, named as people name chart colours
PALETTE: dict[str, tuple[int, int, int]] = {
    "black": (20, 20, 20),
    "dark grey": (90, 90, 90),
    "grey": (150, 150, 150),
    "light grey": (210, 210, 210),
    "beige": (225, 215, 190),
    "red": (215, 40, 40),
    "dark red": (135, 25, 30),
    "pink": (235, 120, 170),
    "light pink": (245, 185, 205),
    "orange": (240, 140, 40),
    "light orange": (245, 185, 120),
    "yellow": (245, 215, 50),
    "dark yellow": (205, 165, 45),
    "light yellow": (250, 235, 150),
    "brown": (160, 105, 55),
    "dark brown": (105, 70, 40),
    "olive": (130, 130, 50),
    "green": (60, 160, 70),
    "dark green": (25, 95, 45),
    "light green": (150, 210, 130),
    "teal green": (30, 140, 120),
    "grey blue": (75, 105, 130),
    "blue": (45, 100, 195),
    "dark blue": (25, 40, 110),
    "light blue": (135, 185, 230),
    "purple": (120, 65, 160),
    "light purple": (190, 160, 215),
}


def _lab(rgb: np.ndarray) -> np.ndarray:
    """sRGB (0-255, shape (..., 3)) to CIELAB (D65)."""
    c = rgb.astype(np.float64) / 255.0
    c = np.where(c > 0.04045, ((c + 0.055) / 1.055) ** 2.4, c / 12.92)
    xyz = c @ np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]).T
    xyz /= np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], axis=-1)


_NAMES = list(PALETTE)
_REFERENCE = _lab(np.array(list(PALETTE.values())))


_BLOCK = 16_384  # distinct colours classified at a time (bounded memory for photographs)


def colour_names(image: Image.Image, *, min_share: float = MIN_SHARE) -> list[str]:
    """The palette names of the colours ``image`` is drawn in, most area first (the background not counted)."""
    return list(colour_shares(image, min_share=min_share))


def colour_shares(image: Image.Image, *, min_share: float = MIN_SHARE) -> dict[str, float]:
    """The palette names of the colours ``image`` is drawn in, each with the share of the drawing it covers
    (rounded to 0.001), most area first; the background is not counted, and names under ``min_share`` are left out
    (so the shares of the names returned add up to at most 1)."""
    small = image.convert("RGB")
    if max(small.size) > MAX_SIDE:
        small.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.NEAREST)
    rgb = np.asarray(small, dtype=np.int32)
    if rgb.shape[0] < 2 or rgb.shape[1] < 2:
        return {}
    counted = (np.abs(rgb[:-1, 1:] - rgb[:-1, :-1]).max(axis=-1) <= 6) & (
        np.abs(rgb[1:, :-1] - rgb[:-1, :-1]).max(axis=-1) <= 6
    )  # not an anti-aliased edge: the colour of its right and lower neighbours
    pixels = rgb[:-1, :-1][counted]
    distinct, inverse = np.unique((pixels[:, 0] << 16) | (pixels[:, 1] << 8) | pixels[:, 2], return_inverse=True)
    channels = np.stack([distinct >> 16, (distinct >> 8) & 255, distinct & 255], axis=-1)
    nearest = np.empty(len(distinct), dtype=np.int64)
    for start in range(0, len(distinct), _BLOCK):
        lab = _lab(channels[start : start + _BLOCK])
        distance = ((lab[:, None, :] - _REFERENCE[None, :, :]) ** 2).sum(axis=-1)
        background = (lab[:, 0] > 94) & (np.hypot(lab[:, 1], lab[:, 2]) < 8)  # white and off-white
        nearest[start : start + _BLOCK] = np.where(background, -1, np.argmin(distance, axis=1))
    names = nearest[inverse.ravel()]
    names = names[names >= 0]
    if len(names) == 0:
        return {}
    counts = np.bincount(names, minlength=len(_NAMES)) / len(names)
    order = np.argsort(-counts, kind="stable")
    return {_NAMES[i]: round(float(counts[i]), 3) for i in order if counts[i] >= min_share}
