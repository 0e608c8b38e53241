"""A table's unit line and column headers travel with its chunks as meta; the chunks' text does not change."""

import tempfile
from pathlib import Path

import pypdfium2 as pdfium
from haystack import Document

from ingest.chunking.layout_chunker import LayoutChunker
from ingest.chunking.table_context import (
    TABLE_COLUMNS_FIELD,
    TABLE_UNIT_FIELD,
    lines_up,
    table_columns,
    unit_line,
)
from ingest.converters.pdf_layout_converter import PDFLayoutConverter
from tests.conftest import corpus_file


def _block(kind: str, text: str, top: float) -> Document:
    meta = {
        "doc_id": "d" * 64,
        "source": "x.pdf",
        "page": 1,
        "kind": kind,
        "section": "",
        "bbox": [10.0, top, 90.0, top],
    }
    return Document(content=text, meta=meta)


def test_the_unit_line_is_found_in_parentheses_or_as_a_short_line() -> None:
    assert unit_line("CONSOLIDATED STATEMENTS\n(In millions, except per share amounts)") == (
        "(In millions, except per share amounts)"
    )
    assert unit_line("Selected data was as follows ($ in thousands):") == "($ in thousands)"
    assert unit_line("Dollars in millions | 2022 | 2021") == "Dollars in millions | 2022 | 2021"
    assert unit_line("Revenue grew by 5% in 2022 to a record.") == ""


def test_columns_are_the_last_header_row_of_periods_above_the_data() -> None:
    markdown = (
        "| Years Ended |  |  |\n| --- | --- | --- |\n| December 1, | December 2, | November 27, |\n"
        "| 2017 | 2016 | 2015 |\n| Net income | $ 1,693,954 | $ 1,168,782 |"
    )
    assert table_columns(markdown) == ["2017", "2016", "2015"]  # "December 2," is a date, not a data row
    assert table_columns("| (Millions) | 2018 | 2017 |  |\n| --- | --- | --- | --- |\n| Sales | 5 | 4 |") == [
        "2018",
        "2017",
    ]
    assert table_columns("| Sales of products | $55,893 | $51,386 |\n| --- | --- | --- |") == []


def test_table_chunk_and_windows_over_its_rows_carry_the_unit_and_the_periods_above_it(monkeypatch) -> None:
    rows = "\n".join(f"| Line item {i} | {1000 + i} | {900 + i} |" for i in range(60))
    blocks = [
        _block("heading", "(Dollars in millions, except per share data)", 10),
        _block("text", "2022 | 2021", 20),
        _block("table", "| Sales | 55,893 | 51,386 |\n| --- | --- | --- |\n" + rows, 30),
        _block("text", "Risk factors follow in prose with no table at all. " * 30, 400),
    ]
    chunker = LayoutChunker(max_tokens=120, overlap_tokens=20)
    chunks = chunker.run(documents=blocks)["documents"]
    table = next(c for c in chunks if c.meta["kind"] == "table")
    assert table.meta[TABLE_UNIT_FIELD] == "(Dollars in millions, except per share data)"
    assert table.meta[TABLE_COLUMNS_FIELD] == ["2022", "2021"]
    windows = [c for c in chunks if c.meta["kind"] == "text"]
    inside = [w for w in windows if "Line item 40" in w.content]
    assert inside and all(w.meta[TABLE_COLUMNS_FIELD] == ["2022", "2021"] for w in inside)
    assert "2022" not in inside[0].content  # the window starts below the header: the meta is what it has
    prose = [w for w in windows if "Line item" not in w.content and "Sales" not in w.content]
    assert prose and all(TABLE_UNIT_FIELD not in w.meta for w in prose)
    # the text (which is embedded) and the ids are those of chunks made without any table context
    monkeypatch.setattr("ingest.chunking.layout_chunker.table_context", lambda *args: {})
    bare = chunker.run(documents=blocks)["documents"]
    assert TABLE_UNIT_FIELD not in bare[0].meta
    assert [(c.id, c.content) for c in chunks] == [(c.id, c.content) for c in bare]


def test_a_region_right_after_a_table_with_nothing_of_its_own_continues_it() -> None:
    blocks = [
        _block("text", "(In millions, except per share amounts)", 10),
        _block("text", "Year Ended June 30, | 2016 | 2015 | 2014", 20),
        _block(
            "table",
            "| Product | 17,880 | 21,410 | 16,681 |\n| --- | --- | --- | --- |\n| R&D | 11,988 | 12,046 | 11,381 |",
            30,
        ),
        _block(
            "figure", "Total cost of revenue | 32,780 | 33,038 | 27,078 Gross margin | 52,540 | 60,542 | 59,755", 60
        ),
        _block("table", "| Fiscal 2024 | Fiscal 2023 |\n| --- | --- |\n| Stores | 908 | 931 |", 90),
    ]
    chunks = LayoutChunker().run(documents=blocks)["documents"]
    table, figure, stores = (c for c in chunks if c.meta["kind"] != "text")
    assert table.meta[TABLE_COLUMNS_FIELD] == ["2016", "2015", "2014"]
    assert figure.meta[TABLE_UNIT_FIELD] == "(In millions, except per share amounts)"
    assert figure.meta[TABLE_COLUMNS_FIELD] == ["2016", "2015", "2014"]
    # a table with a header of its own does not take the unit of the one before it (store counts are not millions)
    assert stores.meta[TABLE_COLUMNS_FIELD] == ["Fiscal 2024", "Fiscal 2023"] and TABLE_UNIT_FIELD not in stores.meta


def test_column_headers_are_kept_only_when_they_line_up_with_the_rows() -> None:
    header = "| Years Ended | 2018 | 2017 | 2016 |\n| --- | --- | --- | --- |\n"
    assert lines_up(["2018", "2017", "2016"], header + "| Sales | 5 | 4 | 3 |\n| Costs | 2 | 1 |  |")
    # an amount and a percentage per period
    assert lines_up(["2018", "2017"], "| | 2018 | 2017 |\n| --- | --- | --- |\n| Sales | 5 | 50% | 4 | 40% |")
    title = "| Checks November - 2015 |  |  |  |  |\n| --- | --- | --- | --- | --- |\n"
    assert not lines_up(["Checks November - 2015"], title + "| Alabama | 1 | 2 | 3 | 4 |\n| Alaska | 5 | 6 | 7 | 8 |")
    assert lines_up(["2018", "2017"], "Sales 5 4 3 2 1 (a figure's rows, no Markdown table)")


def test_a_title_naming_a_year_is_not_the_one_column_header_of_a_table_of_counts() -> None:
    # the NICS report: one page, one ruled table of 20+ columns of counts under the title "NICS Firearm Background
    # Checks November - 2015" (the only cell of its first row that names a year)
    path = corpus_file("parsers", "pdfplumber__nics-background-checks-2015-11.pdf")
    blocks = PDFLayoutConverter().run(sources=[path])["documents"]
    table = next(b for b in blocks if b.meta["kind"] == "table")
    assert table_columns(table.content) == ["NICS Firearm Background Checks November - 2015"]
    chunks = LayoutChunker().run(documents=blocks)["documents"]
    assert len(chunks) > 3 and all(TABLE_COLUMNS_FIELD not in c.meta for c in chunks)


def test_a_header_line_with_the_unit_in_it_gives_the_table_its_periods() -> None:
    # 3M's 2018 balance sheet (FinanceBench evidence page 58): the Markdown table starts at "Current assets", and the
    # line above it holds the dates split from their years and the unit statement between them
    original = pdfium.PdfDocument(str(corpus_file("financebench", "pdfs", "3M_2018_10K.pdf")))
    page = pdfium.PdfDocument.new()
    page.import_pages(original, [57])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "3M_2018_10K.pdf"
        page.save(str(path))
        blocks = PDFLayoutConverter().run(sources=[path])["documents"]
    table = next(c for c in LayoutChunker().run(documents=blocks)["documents"] if c.meta["kind"] == "table")
    assert "Property, plant and equipment — net | 8,738 | 8,866" in table.content
    assert table.meta[TABLE_UNIT_FIELD] == "(Dollars in millions, except per share amount)"
    assert table.meta[TABLE_COLUMNS_FIELD] == ["2018", "2017"]
    header = "December 31, | December 31, (Dollars in millions) | 2018 | 2017"
    rows = "| Cash | 2,853 | 3,053 |\n| --- | --- | --- |\n| Inventories | 4,366 | 4,034 |"
    blocks = [_block("text", header, 10), _block("table", rows, 20)]
    table = next(c for c in LayoutChunker().run(documents=blocks)["documents"] if c.meta["kind"] == "table")
    assert table.meta[TABLE_COLUMNS_FIELD] == ["2018", "2017"]
