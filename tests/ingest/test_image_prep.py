import io

import numpy as np
import pytest
from PIL import Image

from ingest.errors import CorruptFileError, TooLargeError
from ingest.image_prep import decode_error, prepare_for_ocr
from tests.support import hostile_inputs


def _open(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def _ink_share(image: Image.Image) -> float:
    """Share of dark pixels: text on paper is a few percent, an all-black or all-white image 1.0 or 0.0."""
    return float((np.asarray(image.convert("L")) < 128).mean())


def test_transparency_is_composited_onto_white() -> None:
    raw = _open(hostile_inputs.transparent_png())
    assert _ink_share(raw.convert("RGB")) == 1.0  # the bug: convert("RGB") drops alpha, all black
    prepared = prepare_for_ocr(raw)
    assert prepared.mode == "RGB" and 0.005 < _ink_share(prepared) < 0.2


def test_light_text_on_transparency_stays_visible() -> None:
    mask = hostile_inputs.text_image().point(lambda v: 255 - v)
    image = Image.new("RGBA", mask.size, (255, 255, 255, 0))
    image.putalpha(mask)  # white text, transparent background
    assert 0.005 < _ink_share(prepare_for_ocr(image)) < 0.2


def test_sixteen_bit_grey_is_scaled_not_clipped() -> None:
    raw = _open(hostile_inputs.grey16_png())
    assert raw.mode.startswith("I")
    assert _ink_share(raw.convert("RGB")) == 0.0  # the bug: values over 255 clip to white
    values = np.asarray(prepare_for_ocr(raw).convert("L"))
    assert values.min() < 40 and values.max() > 220


def test_float_images_in_zero_to_one_are_scaled() -> None:
    grey = np.asarray(hostile_inputs.text_image(), dtype=np.float32) / 255.0
    values = np.asarray(prepare_for_ocr(Image.fromarray(grey, "F")).convert("L"))
    assert values.min() < 10 and values.max() > 245


def test_exif_orientation_is_applied() -> None:
    raw = _open(hostile_inputs.sideways_photo_jpeg())
    upright = hostile_inputs.text_image()
    assert raw.size == (upright.height, upright.width)
    assert prepare_for_ocr(raw).size == upright.size


def test_truncated_pixels_are_corrupt() -> None:
    data = hostile_inputs.png_mentioning_pdf()
    with pytest.raises(CorruptFileError, match="image data is damaged"):
        prepare_for_ocr(_open(data[: len(data) // 2]), file="cut.png")


def test_pillow_metadata_limits_are_too_large_and_memory_too() -> None:
    assert isinstance(decode_error("a.png", ValueError("Decompressed data too large for X")), TooLargeError)
    assert isinstance(decode_error("a.png", MemoryError()), TooLargeError)
    assert isinstance(decode_error("a.png", SyntaxError("broken PNG file")), CorruptFileError)
