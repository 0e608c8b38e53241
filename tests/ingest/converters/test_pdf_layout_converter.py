import base64
import io

import pytest
from PIL import Image

from ingest.converters.pdf_layout_converter import PDFLayoutConverter
from ingest.errors import CorruptFileError, EmptyFileError, EncryptedError, NoTextError, TooLargeError
from tests.conftest import corpus_file
from tests.support import hostile_inputs


def test_run_with_born_digital_pdf_gives_cited_blocks() -> None:
    path = corpus_file("parsers", "samplefiles__pdflatex-outline.pdf")
    docs = PDFLayoutConverter().run(sources=[path])["documents"]
    assert docs
    for doc in docs:
        assert doc.meta["source"] == path.name
        assert len(doc.meta["doc_id"]) == 64
        assert 1 <= doc.meta["page"] <= 4
        x0, top, x1, bottom = doc.meta["bbox"]
        width, height = doc.meta["page_size"]
        assert 0 <= x0 <= x1 <= width and 0 <= top <= bottom <= height
    assert {d.meta["page"] for d in docs} == {1, 2, 3, 4}
    sections = {d.meta["section"] for d in docs if d.meta["kind"] == "text"}
    assert len(sections - {""}) >= 2


def test_run_with_scanned_pdf_uses_ocr_and_maps_boxes_to_points() -> None:
    docs = PDFLayoutConverter().run(sources=[corpus_file("parsers", "unstructured__loremipsum-flat.pdf")])["documents"]
    text = " ".join(d.content for d in docs if d.meta["kind"] != "page")
    assert "Lorem ipsum dolor sit amet" in text
    assert all(d.meta["ocr"] for d in docs)
    page = next(d for d in docs if d.meta["kind"] == "page")
    assert page.meta["bbox"] == [0.0, 0.0, 612.0, 792.0]
    image = Image.open(io.BytesIO(base64.b64decode(page.meta["crop_jpeg_b64"])))
    assert image.format == "JPEG" and max(image.size) <= 1024
    for doc in docs:
        assert doc.meta["bbox"][2] <= 612.5 and doc.meta["bbox"][3] <= 792.5


def test_run_with_figures_and_tables_stores_bounded_crops() -> None:
    docs = PDFLayoutConverter(crop_max_side=512).run(
        sources=[corpus_file("parsers", "samplefiles__google-doc-document.pdf")]
    )["documents"]
    crops = [d for d in docs if d.meta["kind"] in ("figure", "table")]
    assert {d.meta["kind"] for d in crops} == {"figure", "table"}
    for doc in crops:
        data = base64.b64decode(doc.meta["crop_jpeg_b64"])
        assert len(data) <= 200_000
        assert max(Image.open(io.BytesIO(data)).size) <= 512
    table = next(d for d in crops if d.meta["kind"] == "table")
    assert "| Continent | Asia | Europe |" in table.content


def test_encrypted_pdf_needs_its_password() -> None:
    path = corpus_file("parsers", "pdfplumber__password-example.pdf")
    with pytest.raises(EncryptedError, match="password required") as info:
        PDFLayoutConverter().run(sources=[path])
    assert info.value.file == path.name
    with pytest.raises(EncryptedError, match="wrong password"):
        PDFLayoutConverter().run(sources=[path], passwords={path.name: "nope"})
    docs = PDFLayoutConverter().run(sources=[path], passwords={path.name: "test"})["documents"]
    assert any("backup" in d.content.lower() for d in docs)


def test_empty_pdf_is_an_empty_file_error() -> None:
    with pytest.raises(EmptyFileError, match="0 bytes"):
        PDFLayoutConverter().run(sources=[corpus_file("parsers", "pdfplumber__empty.pdf")])


@pytest.mark.parametrize("name", ["pdfplumber__issue-297-example.pdf", "samplefiles__unreadablemetadata.pdf"])
def test_broken_pdfs_are_corrupt_errors(name: str) -> None:
    with pytest.raises(CorruptFileError) as info:
        PDFLayoutConverter().run(sources=[corpus_file("parsers", name)])
    assert info.value.file == name


def test_to_dict_from_dict_round_trip() -> None:
    converter = PDFLayoutConverter(ocr_languages=["eng", "deu"], ocr_dpi=300, crop_max_side=800, max_pages=10)
    data = converter.to_dict()
    assert data["init_parameters"]["ocr_languages"] == ["eng", "deu"]
    again = PDFLayoutConverter.from_dict(data)
    assert again.to_dict() == data


def _write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _text(docs) -> str:
    return " ".join(d.content for d in docs if d.meta["kind"] != "page")


@pytest.mark.integration
@pytest.mark.parametrize(
    "make",
    [
        hostile_inputs.scan_with_invisible_garbage_pdf,
        hostile_inputs.scan_with_hidden_garbage_pdf,
        hostile_inputs.outlined_text_pdf,
    ],
)
def test_a_page_whose_text_layer_lies_is_ocrd(tmp_path, make) -> None:
    docs = PDFLayoutConverter().run(sources=[_write(tmp_path, "page.pdf", make())])["documents"]
    text = _text(docs)
    assert "Quarterly revenue grew" in text and "board approved" in text
    assert "#" not in text and "qx" not in text  # no garbage from the layer
    assert all(d.meta["ocr"] for d in docs)


@pytest.mark.integration
def test_an_invisible_layer_that_agrees_with_ocr_is_kept(tmp_path) -> None:
    layer = hostile_inputs._text_lines(hostile_inputs.LINES, render=3)
    data = hostile_inputs._pdf([(hostile_inputs._DRAW_SCAN + b"\n" + layer, {"Scan": hostile_inputs._scan_image()})])
    docs = PDFLayoutConverter().run(sources=[_write(tmp_path, "searchable.pdf", data)])["documents"]
    assert "Quarterly revenue grew by twelve percent" in _text(docs)
    assert not any(d.meta["ocr"] for d in docs)  # the layer's own text and boxes


def test_a_figure_placeholder_is_not_text(tmp_path) -> None:
    boxes = b"\n".join(b"%d %d 30 30 re f" % (100 + 35 * i, 400 + 35 * j) for i in range(3) for j in range(3))
    with pytest.raises(NoTextError, match="yielded text"):
        PDFLayoutConverter().run(sources=[_write(tmp_path, "chart.pdf", hostile_inputs._pdf([(boxes, {})]))])


@pytest.mark.integration
def test_a_scan_on_a_200_inch_page_is_ocrd_at_a_lower_resolution(tmp_path) -> None:
    docs = PDFLayoutConverter().run(sources=[_write(tmp_path, "huge.pdf", hostile_inputs.scan_on_huge_page_pdf())])
    docs = docs["documents"]
    assert "Quarterly revenue grew" in _text(docs)
    assert docs[0].meta["page_size"] == [14400.0, 14400.0]


def test_a_page_too_large_to_render_is_too_large(tmp_path) -> None:
    path = _write(tmp_path, "vast.pdf", hostile_inputs.scan_on_huge_page_pdf(1_000_000))
    with pytest.raises(TooLargeError, match="page 1 is 13,889 x 13,889 inches: too large to render"):
        PDFLayoutConverter().run(sources=[path])


def test_a_file_without_objects_is_corrupt_at_once(tmp_path) -> None:
    path = _write(tmp_path, "zeros.pdf", hostile_inputs.pdf_header_then_zeros(20))  # 150 MB ran into the timeout
    with pytest.raises(CorruptFileError, match="holds no PDF objects"):
        PDFLayoutConverter().run(sources=[path])


def test_a_huge_number_token_is_too_large(tmp_path) -> None:
    path = _write(tmp_path, "n.pdf", hostile_inputs.pdf_with_long_number())  # the 66 KB file of the issue
    with pytest.raises(TooLargeError, match="page 1 has a number of at least 32 MiB"):
        PDFLayoutConverter().run(sources=[path])


def test_a_figure_on_a_vast_page_gets_a_bounded_crop(tmp_path) -> None:
    text = b"BT /F1 2000 Tf 1000 990000 Td (" + hostile_inputs.TEXT.encode() + b") Tj ET"
    content = text + b"\nq 500000 0 0 500000 1000 1000 cm /Scan Do Q"
    data = hostile_inputs._pdf([(content, {"Scan": hostile_inputs._scan_image()})], media_box=[0, 0, 1e6, 1e6])
    docs = PDFLayoutConverter().run(sources=[_write(tmp_path, "vast.pdf", data)])["documents"]
    assert hostile_inputs.TEXT in _text(docs)
    figure = next(d for d in docs if d.meta["kind"] == "figure")
    assert max(Image.open(io.BytesIO(base64.b64decode(figure.meta["crop_jpeg_b64"]))).size) <= 1024


def test_a_doc_id_from_the_caller_is_used_and_the_page_count_is_an_output_not_chunk_meta() -> None:
    path = corpus_file("parsers", "unstructured__layout-parser-paper-with-empty-pages.pdf")
    hashed = PDFLayoutConverter().run(sources=[path])
    assert hashed["page_counts"] == {hashed["documents"][0].meta["doc_id"]: 4}  # pages 2 and 3 have no text
    given = PDFLayoutConverter().run(sources=[path], meta=[{"doc_id": "f" * 64}])
    assert {d.meta["doc_id"] for d in given["documents"]} == {"f" * 64}
    assert given["page_counts"] == {"f" * 64: 4}
    assert not any("pages" in d.meta for d in given["documents"])
    with pytest.raises(ValueError, match="meta has 2 entries for 1 source"):
        PDFLayoutConverter().run(sources=[path], meta=[{}, {}])
