from pathlib import Path

import pytest

from ingest.errors import EmptyFileError, UnsupportedFormatError
from ingest.filetypes import HEIC, JPEG, PDF, PNG, TIFF, detect_type
from tests.conftest import corpus_file
from tests.support import hostile_inputs


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("samplefiles__multicolumn.pdf", PDF),
        ("unstructured__english-and-korean.png", PNG),
        ("unstructured__example.jpg", JPEG),
        ("unstructured__layout-parser-paper-fast.tiff", TIFF),
        ("unstructured__DA-1p.heic", HEIC),
    ],
)
def test_detect_type_by_content(name: str, expected: str) -> None:
    assert detect_type(corpus_file("parsers", name)) == expected


def test_detect_type_ignores_the_extension(tmp_path: Path) -> None:
    disguised = tmp_path / "report.txt"
    disguised.write_bytes(corpus_file("parsers", "samplefiles__multicolumn.pdf").read_bytes())
    assert detect_type(disguised) == PDF


def test_empty_file_is_a_specific_error() -> None:
    with pytest.raises(EmptyFileError, match="0 bytes") as info:
        detect_type(corpus_file("parsers", "pdfplumber__empty.pdf"))
    assert info.value.file == "pdfplumber__empty.pdf"


def test_unsupported_content_names_what_it_is() -> None:
    with pytest.raises(UnsupportedFormatError, match="not a PDF, PNG, JPEG, TIFF or HEIC"):
        detect_type(corpus_file("parsers", "MANIFEST.tsv"))


def test_an_image_whose_metadata_mentions_pdf_is_an_image(tmp_path: Path) -> None:
    path = tmp_path / "scan.png"
    path.write_bytes(hostile_inputs.png_mentioning_pdf())
    assert b"%PDF-" in path.read_bytes()[:1024]
    assert detect_type(path) == PNG


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (hostile_inputs.passwd_text(), "text"),
        (hostile_inputs.zip_archive(), "ZIP archive"),
        (hostile_inputs.random_binary(), "unknown binary"),
        (b"<!DOCTYPE html><html><body>root:x:0</body></html>", "HTML"),
        ("Grüße aus Köln: root:x:0".encode() * 60, "text"),
    ],
)
def test_unsupported_content_is_named_never_quoted(tmp_path: Path, content: bytes, kind: str) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    with pytest.raises(UnsupportedFormatError) as info:
        detect_type(path)
    assert f"(detected: {kind}" in info.value.message
    assert "root:x" not in info.value.message and "b'" not in info.value.message
