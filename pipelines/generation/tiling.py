"""Several crops in one image: Llama 3.2 Vision in Ollama accepts a single image per message."""

from __future__ import annotations

import io
import math

from PIL import Image, ImageDraw, ImageFont

TILE = 560  # Llama 3.2 Vision's tile size; a 2x2 grid of these is its largest input
MAX_PIXELS = 4 * TILE * TILE


def tile_crops(crops: list[tuple[int, bytes]], *, max_pixels: int = MAX_PIXELS) -> bytes:
    """Lay out ``(source number, JPEG bytes)`` crops in a grid, each labelled "[n]", within ``max_pixels``.

    :returns: one JPEG image.
    """
    if not crops:
        raise ValueError("no crops to tile")
    columns = math.ceil(math.sqrt(len(crops)))
    rows = math.ceil(len(crops) / columns)
    cell = int(math.sqrt(max_pixels / (columns * rows)))
    label_h = max(18, cell // 16)
    sheet = Image.new("RGB", (columns * cell, rows * cell), "white")
    draw = ImageDraw.Draw(sheet)
    try:
        font = ImageFont.load_default(size=label_h - 4)
    except TypeError:  # Pillow < 10.1
        font = ImageFont.load_default()
    for i, (number, data) in enumerate(crops):
        image = Image.open(io.BytesIO(data)).convert("RGB")
        image.thumbnail((cell - 8, cell - label_h - 8), Image.Resampling.LANCZOS)
        x, y = (i % columns) * cell, (i // columns) * cell
        sheet.paste(image, (x + 4, y + label_h + 4))
        draw.rectangle([x, y, x + cell - 1, y + cell - 1], outline="black", width=2)
        draw.rectangle([x, y, x + 3 * label_h, y + label_h], fill="black")
        draw.text((x + 4, y + 1), f"[{number}]", fill="white", font=font)
    buf = io.BytesIO()
    sheet.save(buf, format="JPEG", quality=85)
    return buf.getvalue()
