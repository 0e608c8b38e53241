"""OCR in the page's own script, against passages transcribed by hand (tests/ingest/fixtures). Few and focused: OCR is
slow on a shared CPU."""

import json
from pathlib import Path

import pypdfium2
import pytest
from PIL import Image

from eval.multilingual_eval import character_error_rate
from ingest.converters.image_ocr_converter import ImageOCRConverter
from ingest.errors import NoTextError
from ingest.layout.blocks import PAGE
from ingest.layout.ocr_page import ocr_page_blocks
from ingest.ocr import ocr_page
from tests.conftest import corpus_file

REFERENCES = {
    r["file"]: r
    for r in json.loads((Path(__file__).parent / "fixtures" / "multilingual_references.json").read_text())["references"]
}


def _cer(name: str, text: str) -> float:
    ref = REFERENCES[name]
    return character_error_rate(ref["text"], text, ref["language"])


@pytest.mark.parametrize(
    ("name", "languages", "max_cer"),
    [
        ("unstructured__jpn-vert.jpeg", ["jpn_vert"], 0.05),  # vertical, right to left: read in order
        ("unstructured__chi_sim_image.jpeg", ["chi_sim"], 0.15),
    ],
)
def test_the_script_is_detected_and_read_with_its_languages(name: str, languages: list[str], max_cer: float) -> None:
    reading = ocr_page(Image.open(corpus_file("parsers", name)), ["auto"])
    assert reading.languages == languages and not reading.unreadable
    assert _cer(name, "\n".join(b.text for b in reading.blocks)) <= max_cer


@pytest.mark.slow
def test_a_korean_paragraph_in_an_english_page_is_read_as_korean() -> None:
    name = "unstructured__english-and-korean.png"
    reading = ocr_page(Image.open(corpus_file("parsers", name)), ["auto"])
    text = "\n".join(b.text for b in reading.blocks)
    assert reading.languages == ["kor", "eng"] and "RULES AND INSTRUCTIONS" in text
    assert _cer(name, text) <= 0.25  # English alone: 0.70


def test_arabic_comes_out_in_logical_order() -> None:
    pdf = pypdfium2.PdfDocument(corpus_file("parsers", "pypdf__multilang.pdf"))
    page = pdf[0].render(scale=300 / 72).to_pil()
    line = page.crop((150, 380, 1000, 520))  # "Arabic:" and its line, as a scan would show them
    reading = ocr_page(line, ["ara", "eng"])
    assert "مرحبا بالعالم" in " ".join(b.text for b in reading.blocks)  # not the visual order "ملاعلاب ابحرم"


def test_a_wrong_language_reading_is_no_text_but_keeps_the_page_image() -> None:
    image = Image.open(corpus_file("parsers", "unstructured__chi_sim_image.jpeg"))
    blocks = ocr_page_blocks(image, 1, scale=1.0, languages=["eng"], crop_max_side=512, crop_quality=70)
    assert [b.kind for b in blocks] == [PAGE] and blocks[0].text == "" and blocks[0].crop
    assert "confidence" in blocks[0].extra["no_text"]
    with pytest.raises(NoTextError, match="no readable text: OCR confidence"):
        ImageOCRConverter(ocr_languages=["eng"]).run(
            sources=[corpus_file("parsers", "unstructured__chi_sim_image.jpeg")]
        )


@pytest.fixture(scope="module")
def upright_scan():
    page = Image.open(corpus_file("parsers", "unstructured__double-column-A.jpg")).convert("RGB")
    return page, ocr_page(page, ["auto"])


@pytest.mark.parametrize("turned", [90, 180, 270])
def test_a_sideways_or_upside_down_scan_is_read_upright_with_boxes_on_the_given_page(upright_scan, turned: int) -> None:
    page, upright = upright_scan
    rotated = page.rotate(turned, expand=True)  # counterclockwise, as a scanner fed sideways leaves it
    reading = ocr_page(rotated, ["auto"])
    assert not reading.unreadable and reading.confidence >= upright.confidence - 5

    def words(r):
        return {w for b in r.blocks for w in b.text.lower().split() if len(w) > 4}

    assert len(words(reading) & words(upright)) >= 0.8 * len(words(upright))
    width, height = rotated.size
    for block in reading.blocks:
        x0, y0, x1, y1 = block.bbox
        assert 0 <= x0 < x1 <= width + 1 and 0 <= y0 < y1 <= height + 1
    # the upright page's longest block lies where the turn moved it
    longest = max(upright.blocks, key=lambda b: len(b.text))
    match = max(reading.blocks, key=lambda b: len(set(b.text.split()) & set(longest.text.split())))
    cx = (longest.bbox[0] + longest.bbox[2]) / 2 / page.width
    cy = (longest.bbox[1] + longest.bbox[3]) / 2 / page.height
    expected = {90: (cy, 1 - cx), 180: (1 - cx, 1 - cy), 270: (1 - cy, cx)}[turned]
    mx, my = (match.bbox[0] + match.bbox[2]) / 2 / width, (match.bbox[1] + match.bbox[3]) / 2 / height
    assert abs(mx - expected[0]) < 0.1 and abs(my - expected[1]) < 0.1
