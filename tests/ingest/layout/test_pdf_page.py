"""Layout analysis on real pages: reading order, tables kept whole, figures found."""

import pdfplumber

from ingest.layout.blocks import FIGURE, TABLE, TEXT
from ingest.layout.pdf_page import body_font_size, layout_blocks, page_words
from tests.conftest import corpus_file


def _blocks(name: str, page_number: int, *parts: str):
    with pdfplumber.open(corpus_file(*parts, name)) as pdf:
        page = pdf.pages[page_number - 1]
        blocks, tables, figures = layout_blocks(page, page_number, body_font_size(page_words(page)))
        return blocks, tables, figures, float(page.width)


def test_two_columns_are_read_column_by_column() -> None:
    blocks, _, _, width = _blocks("samplefiles__multicolumn.pdf", 1, "parsers")
    body = [b for b in blocks if b.kind == TEXT and len(b.text) > 200]
    left = [i for i, b in enumerate(body) if b.bbox[0] < width / 3 and b.bbox[2] < width * 0.55]
    right = [i for i, b in enumerate(body) if b.bbox[0] > width / 2]
    assert left and right
    assert max(left) < min(right), "every left-column paragraph must come before the right column"
    # the left column's paragraph runs on to the next line, it is not interleaved with the right column
    assert body[left[0]].text.startswith("This is a sample document with two columns")


def test_three_column_federal_register_keeps_sentences_together() -> None:
    blocks, _, _, _ = _blocks("pdfplumber__federal-register-2020-17221.pdf", 2, "parsers")
    texts = [b.text for b in blocks if b.kind == TEXT]
    # a column-crossing reading order would break words across blocks; long prose blocks must exist
    assert sum(1 for t in texts if len(t.split()) > 60) >= 3


def test_unruled_financial_statement_becomes_one_table_with_its_rows_intact() -> None:
    blocks, _, _, _ = _blocks("3M_2018_10K.pdf", 60, "financebench", "pdfs")
    tables = [b for b in blocks if b.kind == TABLE]
    assert len(tables) == 1, [b.kind for b in blocks]
    rows = tables[0].text.splitlines()
    assert rows[0].startswith("| (Millions) | 2018 | 2017 | 2016")
    assert "| Net income including noncontrolling interest | $ | 5,363 $ | 4,869 $ | 5,058 |" in rows
    assert any(r.startswith("| Cash Flows from Investing Activities |") for r in rows)  # sub-headings stay inside
    # the prose note below the statement is not part of it
    assert any(b.kind == TEXT and b.text.startswith("The accompanying Notes") for b in blocks)


def test_ruled_table_is_one_markdown_block_with_every_row() -> None:
    name = "pdfplumber__nics-background-checks-2015-11.pdf"
    blocks, tables, _, _ = _blocks(name, 1, "parsers")
    table_blocks = [b for b in blocks if b.kind == TABLE]
    assert len(table_blocks) == 1 and len(tables) == 1
    with pdfplumber.open(corpus_file("parsers", name)) as pdf:
        rows = [r for r in pdf.pages[0].find_tables()[0].extract() if any(r)]
    lines = table_blocks[0].text.splitlines()
    assert len(lines) == len(rows) + 1  # header separator
    assert lines[1].startswith("| --- |")
    assert "Alabama" in table_blocks[0].text and "Wyoming" in table_blocks[0].text


def test_figures_with_captions() -> None:
    blocks, _, figures, _ = _blocks("unstructured__embedded-images-tables.pdf", 1, "parsers")
    assert figures
    captions = [b.extra.get("caption", "") for b in blocks if b.kind == FIGURE]
    assert any(c.startswith("Fig. 4. Anodic and cathodic polarization curve") for c in captions)


def test_sideways_text_is_read_as_words() -> None:
    blocks, _, _, _ = _blocks("unstructured__rotated-page-90.pdf", 1, "parsers")
    text = " ".join(b.text for b in blocks)
    assert "Rotated page fixture" in text and "Hello World Test Text" in text


def test_words_given_by_the_caller_give_the_same_layout_as_words_extracted_here() -> None:
    with pdfplumber.open(corpus_file("parsers", "unstructured__embedded-images-tables.pdf")) as pdf:
        page = pdf.pages[0]
        words = page_words(page)
        size = body_font_size(words)
        assert layout_blocks(page, 1, size, words) == layout_blocks(page, 1, size)


def test_right_to_left_text_placed_glyph_by_glyph_comes_out_in_logical_order() -> None:
    from eval.multilingual_eval import character_error_rate
    from ingest.converters.pdf_layout_converter import PDFLayoutConverter

    def text_of(name: str) -> str:
        blocks = PDFLayoutConverter().run(sources=[corpus_file("parsers", name)])["documents"]
        return "\n".join(b.content or "" for b in blocks)

    multilang = text_of("pypdf__multilang.pdf")
    assert "مرحبا بالعالم" in multilang  # pdfplumber reads it left to right: "ملاعلاب ابحرم"
    reference = "Arabic: مرحبا بالعالم Russian: Привет, мир"
    assert character_error_rate(reference, multilang, "ar") < 0.05
    assert "حَبيبي habibi" in text_of("samplefiles__habibi.pdf")  # a glyph carrying a whole string stays as it is


def test_a_run_of_right_to_left_words_is_read_from_the_right_and_numbers_keep_their_order() -> None:
    from ingest.layout.reading_order import Word, line_text

    def word(text: str, x0: float, rtl: bool = False) -> Word:
        return Word(text, x0, 0.0, x0 + 20.0, 10.0, 10.0, False, rtl)

    line = [word("Total:", 0), word("بالعالم", 25, True), word("مرحبا", 50, True), word("2018", 75), word("2019", 100)]
    assert line_text(line) == "Total: مرحبا بالعالم 2018 2019"
