import io

import pytest
from PIL import Image

from ingest.converters.image_ocr_converter import ImageOCRConverter
from ingest.errors import CorruptFileError, NoTextError, TooLargeError
from tests.conftest import corpus_file
from tests.support import hostile_inputs


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


def _write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.integration
@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("transparent.png", hostile_inputs.transparent_png),
        ("grey16.png", hostile_inputs.grey16_png),
        ("sideways.jpg", hostile_inputs.sideways_photo_jpeg),
        ("mentions-pdf.png", hostile_inputs.png_mentioning_pdf),
    ],
)
def test_run_reads_the_text_a_reader_sees(tmp_path, name: str, make) -> None:
    docs = ImageOCRConverter().run(sources=[_write(tmp_path, name, make())])["documents"]
    text = " ".join(d.content for d in docs if d.meta["kind"] != "page")
    assert "Quarterly revenue grew" in text and "board approved" in text


@pytest.mark.integration
def test_a_tall_image_is_ocrd_in_tiles_mapped_to_one_page(tmp_path) -> None:
    height = 20_000  # over the 8,192-pixel tile: three tiles, the same mechanism as a 40,000-pixel screenshot
    data = hostile_inputs.scrolling_screenshot_png(600, height, every=3000)
    docs = ImageOCRConverter().run(sources=[_write(tmp_path, "tall.png", data)])["documents"]
    lines = [d for d in docs if d.meta["kind"] != "page"]
    text = " ".join(d.content for d in lines)
    for n in range(1, 8):
        assert text.count(f"Message {n}:") == 1, text
    assert "End of conversation" in text
    assert {d.meta["page"] for d in docs} == {1}
    for doc in lines:
        assert doc.meta["page_size"] == [600.0, float(height)]
        n = int(doc.content.split(":")[0].split()[-1]) if doc.content.startswith("Message") else None
        if n is not None:  # each line's box is where it was drawn, in the whole image's pixels
            assert abs(doc.meta["bbox"][1] - (100 + 3000 * (n - 1))) < 40, doc.meta["bbox"]


@pytest.mark.slow
@pytest.mark.integration
def test_a_1200x40000_scrolling_screenshot_is_read_whole(tmp_path) -> None:
    docs = ImageOCRConverter().run(sources=[_write(tmp_path, "s.png", hostile_inputs.scrolling_screenshot_png())])
    text = " ".join(d.content for d in docs["documents"] if d.meta["kind"] != "page")
    assert all(text.count(f"Message {n}:") == 1 for n in range(1, 11)) and "End of conversation" in text


@pytest.mark.parametrize("size", [(1, 200_000), (200_000, 1), (60, 60_000)])
def test_extreme_blank_images_end_as_no_text_quickly(tmp_path, size) -> None:
    path = _write(tmp_path, "thin.png", hostile_inputs.blank_png(*size))
    with pytest.raises(NoTextError, match="OCR found no text"):
        ImageOCRConverter().run(sources=[path])


@pytest.mark.parametrize(
    ("name", "make", "match"),
    [
        ("iccp.png", lambda: hostile_inputs.png_iccp_bomb(8), "metadata exceeds the decoder's limits"),
        ("ztxt.png", lambda: hostile_inputs.png_ztxt_bomb(8), "metadata exceeds the decoder's limits"),
        ("text.png", lambda: hostile_inputs.png_huge_text(65), "metadata exceeds the decoder's limits"),
    ],
)
def test_png_metadata_over_pillows_limits_is_too_large(tmp_path, name: str, make, match: str) -> None:
    with pytest.raises(TooLargeError, match=match):
        ImageOCRConverter().run(sources=[_write(tmp_path, name, make())])


@pytest.mark.integration
def test_a_chart_page_carries_the_names_of_its_colours() -> None:
    """Questions name a chart's series by colour ("the dark yellow bar"); the page block keeps the names, and the
    share of the drawing each covers."""
    docs = ImageOCRConverter().run(sources=[corpus_file("charts", "png", "group_234_chart1.png")])["documents"]
    page = next(d for d in docs if d.meta["kind"] == "page")
    assert page.meta["colours"][0] == "dark yellow"
    assert len(page.meta["colour_shares"]) == len(page.meta["colours"]) and page.meta["colour_shares"][0] > 0.9
    assert all("colours" not in d.meta for d in docs if d.meta["kind"] != "page")
