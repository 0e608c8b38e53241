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
