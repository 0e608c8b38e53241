from ingest.layout.blocks import HEADING, TABLE, TEXT, Block
from ingest.layout.text_tables import promote_text_tables


def _b(kind: str, text: str, top: float) -> Block:
    return Block(kind, text, 1, (50.0, top, 500.0, top + 10.0))


def test_rows_and_labels_between_them_become_one_table() -> None:
    blocks = [
        _b(TEXT, "Revenue grew strongly this year, as the table shows.", 0),
        _b(TEXT, "(Millions) | 2018 | 2017\nNet sales | 32,765 | 31,657", 20),
        _b(HEADING, "Operating expenses", 40),
        _b(TEXT, "Cost of sales | 16,682 | 16,055\nSG&A | 7,602 | 6,626", 60),
        _b(TEXT, "The accompanying notes are an integral part.", 80),
    ]
    out = promote_text_tables(blocks)
    assert [b.kind for b in out] == [TEXT, TABLE, TEXT]
    table = out[1]
    assert table.text.splitlines() == [
        "| (Millions) | 2018 | 2017 |",
        "| --- | --- | --- |",
        "| Net sales | 32,765 | 31,657 |",
        "| Operating expenses |  |  |",
        "| Cost of sales | 16,682 | 16,055 |",
        "| SG&A | 7,602 | 6,626 |",
    ]
    assert table.bbox == (50.0, 20.0, 500.0, 70.0)


def test_prose_with_a_wide_gap_is_not_a_table() -> None:
    blocks = [_b(TEXT, "Name | Title\nJohn Smith | Chief Executive Officer", 0)]
    assert promote_text_tables(blocks) == blocks
