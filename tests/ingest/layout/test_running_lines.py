"""Running headers and footers are dropped; a title repeated on a few pages stays."""

from ingest.converters.pdf_layout_converter import PDFLayoutConverter
from ingest.layout.blocks import HEADING, TEXT, Block
from ingest.layout.running_lines import drop_running_lines
from tests.conftest import corpus_file


def _page(number: int, *texts: tuple[str, float]) -> list[Block]:
    return [Block(TEXT if top > 50 else HEADING, text, number, (50, top, 300, top + 10)) for text, top in texts]


def test_lines_repeated_at_the_top_or_bottom_of_most_pages_are_dropped() -> None:
    sizes = {n: (612.0, 792.0) for n in range(1, 9)}
    blocks = []
    for n in range(1, 9):
        body = [(f"Body text of page {n} about revenue.", 300.0)]
        title = [("Reported sales vs. prior period ($mm)", 20.0)] if n in (3, 4) else []
        blocks += _page(n, ("Table of Contents", 20.0), *title, *body, (str(40 + n), 760.0))
    kept = drop_running_lines(blocks, sizes)
    texts = [b.text for b in kept]
    assert "Table of Contents" not in texts and not any(t.isdigit() for t in texts)
    assert texts.count("Reported sales vs. prior period ($mm)") == 2  # on 2 of 8 pages: a continued table's title
    assert len([t for t in texts if t.startswith("Body text")]) == 8


def test_a_10k_running_header_never_becomes_a_section() -> None:
    """Every page of this filing starts with a "Table of Contents" link; sections come from real headings."""
    docs = PDFLayoutConverter().run(sources=[corpus_file("financebench", "pdfs", "BESTBUY_2024Q2_10Q.pdf")])
    sections = {d.meta["section"] for d in docs["documents"]}
    texts = {d.content for d in docs["documents"]}
    assert "Table of Contents" not in sections and "Table of Contents" not in texts
    assert any("Balance Sheets" in s for s in sections)
