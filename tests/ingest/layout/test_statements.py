"""Statement pages of real filings: found by their title and figures, and only those."""

import pdfplumber
import pytest

from ingest.converters.pdf_layout_converter import PDFLayoutConverter
from ingest.layout.pdf_page import body_font_size, layout_blocks, page_words
from ingest.layout.statements import statement_of_page
from tests.conftest import corpus_file


def _page_blocks(pdf, number: int):
    page = pdf.pages[number - 1]
    blocks, _, _ = layout_blocks(page, number, body_font_size(page_words(page)))
    return blocks, float(page.height)


@pytest.mark.parametrize(
    ("number", "kind"),
    [
        (56, "income_statement"),
        (58, "balance_sheet"),
        (60, "cash_flow"),  # its title is split by pdfplumber into "Cash Flow s"
        (30, ""),  # MD&A prose that discusses cash flows is no statement
        (61, ""),  # notes
    ],
)
def test_statement_pages_of_a_10k(number, kind) -> None:
    with pdfplumber.open(corpus_file("financebench", "pdfs", "3M_2018_10K.pdf")) as pdf:
        assert statement_of_page(*_page_blocks(pdf, number)) == kind


def test_every_chunk_of_a_statement_page_carries_its_kind() -> None:
    """An earnings release with its income statement, balance sheet and cash flow statement on pages 6-8; the
    balance sheet's title is part of its ruled table."""
    docs = PDFLayoutConverter().run(sources=[corpus_file("financebench", "pdfs", "ULTABEAUTY_2023Q4_EARNINGS.pdf")])
    kinds = {}
    for doc in docs["documents"]:
        kinds.setdefault(doc.meta["page"], set()).add(doc.meta.get("statement", ""))
    assert kinds[6] == {"income_statement"} and kinds[7] == {"balance_sheet"} and kinds[8] == {"cash_flow"}
    assert all(kinds[p] == {""} for p in kinds if p not in (6, 7, 8))
