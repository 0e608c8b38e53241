import io
import zlib

import pdfplumber
import pikepdf
import pytest

from ingest import pdf_interpret
from ingest.errors import TooLargeError
from ingest.pdf_interpret import interpret_page
from tests.support import hostile_inputs


def first_page(data: bytes):
    return pdfplumber.open(io.BytesIO(data)).pages[0]


def interpret(data: bytes):
    page = first_page(data)
    return page, interpret_page(page, 1, file="x.pdf")


def test_the_layout_is_built_once_and_reused_by_pdfplumber() -> None:
    page = first_page(hostile_inputs._pdf([(hostile_inputs._text_lines(["Hello world"]), {})]))
    ink = interpret_page(page, 1)
    layout = page.layout
    assert ink.chars == 11 and ink.invisible_chars == 0
    assert "".join(c["text"] for c in page.chars) == "Hello world"
    assert page.layout is layout


def test_invisible_text_is_counted() -> None:
    _, ink = interpret(hostile_inputs.scan_with_invisible_garbage_pdf())
    assert ink.chars > 100 and ink.invisible_chars == ink.chars and ink.images == 1


def test_a_huge_number_token_is_refused_before_lexing() -> None:
    data = hostile_inputs.pdf_with_long_number(4)  # pdfminer lexes tokens in quadratic time; 64 MiB took 552 s
    assert len(data) < 20_000
    with pytest.raises(TooLargeError, match=r"page 1 has a number of at least 4 MiB in its content"):
        interpret(data)


def test_a_long_token_inside_a_form_xobject_is_found() -> None:
    def form(pdf: pikepdf.Pdf) -> pikepdf.Stream:
        stream = pikepdf.Stream(pdf, b"BT /F1 9 Tf (" + b"A" * (2 << 20) + b") Tj ET")
        stream.Type, stream.Subtype, stream.BBox = pikepdf.Name.XObject, pikepdf.Name.Form, [0, 0, 612, 792]
        return stream

    with pytest.raises(TooLargeError, match="unbroken token of at least 2 MiB"):
        interpret(hostile_inputs._pdf([(b"/Fm1 Do", {"Fm1": form})]))


def test_too_much_content_stops_at_the_limit(monkeypatch) -> None:
    monkeypatch.setattr(pdf_interpret, "MAX_CONTENT_BYTES", 1 << 20)
    content = hostile_inputs._text_lines(["Hello"]) + b"\n" * (3 << 20)  # a 3 MiB bomb of a 3 KB stream
    with pytest.raises(TooLargeError, match="page 1 has over 1 MiB of content"):
        interpret(hostile_inputs._pdf([(content, {})]))


@pytest.mark.parametrize(
    ("limit", "content", "match"),
    [
        ("MAX_OPERATORS", b"q Q\n" * 6_000, "over 10,000 operators"),
        ("MAX_CHARS", b"BT /F1 1 Tf " + b"1 0 Td (x) Tj\n" * 10_001 + b"ET", "over 10,000 characters"),
        ("MAX_PATHS", b"0 0 m 5 5 l S\n" * 10_001, "over 10,000 vector paths"),
    ],
)
def test_work_per_page_is_bounded(monkeypatch, limit: str, content: bytes, match: str) -> None:
    monkeypatch.setattr(pdf_interpret, limit, 10_000)
    with pytest.raises(TooLargeError, match=f"page 1 has {match}"):
        interpret(hostile_inputs._pdf([(content, {})]))


@pytest.mark.slow
def test_200000_text_operators_end_quickly_as_too_large() -> None:
    with pytest.raises(TooLargeError, match="page 1 has over 100,000 characters"):
        interpret(hostile_inputs.pdf_with_many_text_operators())


def _pdfminer_decode(raw: bytes) -> bytes:
    from pdfminer.psparser import LIT

    stream = pdf_interpret.PDFStream({"Filter": LIT("FlateDecode")}, raw)
    return stream.get_data()


@pytest.mark.parametrize(
    "damage",
    ["none", "truncated", "checksum", "middle", "trailing junk"],
)
def test_damaged_flate_content_decodes_as_pdfminer_would_but_in_linear_time(damage: str) -> None:
    text = b"".join(b"BT /F1 12 Tf 72 %d Td (line %d) Tj ET\n" % (700 - i, i) for i in range(20000))
    raw = bytearray(zlib.compress(text))
    if damage == "truncated":
        raw = raw[: len(raw) // 2]
    elif damage == "checksum":
        raw[-1] ^= 0xFF
    elif damage == "middle":
        raw[len(raw) // 2 : len(raw) // 2 + 64] = bytes(64)
    elif damage == "trailing junk":
        raw += b"junk"
    expected = _pdfminer_decode(bytes(raw))
    assert pdf_interpret._inflate(bytes(raw), len(text) + 1) == expected
    assert (expected == text) == (damage in ("none", "checksum", "trailing junk"))


def test_a_damaged_stream_that_inflates_to_megabytes_is_read_once_and_bounded() -> None:
    # pdfminer's own recovery is quadratic here (minutes); the bounded decode stops at the limit
    raw = bytearray(zlib.compress(b"BT (x) Tj ET\n" + b"1" * (8 << 20)))
    raw[len(raw) // 2] ^= 0xFF
    stream = pdf_interpret.PDFStream({"Filter": pdf_interpret.LITERALS_FLATE_DECODE[0]}, bytes(raw))
    data = pdf_interpret._decoded(stream, 1 << 20)
    assert len(data) == (1 << 20) + 1
    stream = pdf_interpret.PDFStream({"Filter": pdf_interpret.LITERALS_FLATE_DECODE[0]}, bytes(raw))
    whole = pdf_interpret._decoded(stream, 64 << 20)
    assert whole == b"" and stream.data == b""  # damage before the checksum: no data, as pdfminer decides
