import io

import pytest
from PIL import Image

from ingest.converters.image_ocr_converter import ImageOCRConverter
from ingest.errors import CorruptFileError, NoTextError, TooLargeError
from tests.conftest import corpus_file


@pytest.mark.integration
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("unstructured__layout-parser-paper-fast.jpg", "LayoutParser"),
        ("unstructured__layout-parser-paper-fast.tiff", "Document Image Analysis"),
        ("unstructured__DA-1p.heic", "GAME"),
    ],
)
def test_run_ocrs_images_with_pixel_boxes(name: str, expected: str) -> None:
    path = corpus_file("parsers", name)
    docs = ImageOCRConverter().run(sources=[path])["documents"]
    assert expected in " ".join(d.content for d in docs)
    page = next(d for d in docs if d.meta["kind"] == "page")
    width, height = page.meta["page_size"]
    assert page.meta["bbox"] == [0.0, 0.0, width, height]
    for doc in docs:
        assert doc.meta["page"] == 1 and doc.meta["ocr"]
        x0, top, x1, bottom = doc.meta["bbox"]
        assert 0 <= x0 < x1 <= width + 1 and 0 <= top < bottom <= height + 1


@pytest.mark.integration
def test_photo_without_text_is_a_no_text_error() -> None:
    with pytest.raises(NoTextError, match="OCR found no text"):
        ImageOCRConverter().run(sources=[corpus_file("parsers", "unstructured__example.jpg")])


def test_oversized_image_is_refused_before_decoding(tmp_path) -> None:
    big = tmp_path / "big.png"
    Image.new("L", (3000, 3000), color=255).save(big)
    with pytest.raises(TooLargeError, match="3000x3000 pixels"):
        ImageOCRConverter(max_image_pixels=1_000_000).run(sources=[big])


def test_truncated_image_is_corrupt(tmp_path) -> None:
    buf = io.BytesIO()
    Image.new("RGB", (400, 300), color=(200, 10, 10)).save(buf, format="PNG")
    broken = tmp_path / "broken.png"
    broken.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    with pytest.raises(CorruptFileError):
        ImageOCRConverter().run(sources=[broken])


def test_to_dict_from_dict_round_trip() -> None:
    converter = ImageOCRConverter(ocr_languages=["eng"], crop_max_side=640, max_image_pixels=5_000_000)
    assert ImageOCRConverter.from_dict(converter.to_dict()).to_dict() == converter.to_dict()
