from ingest.layout.reading_order import Word, group_lines, line_text, reading_order


def _line(y: float, x: float, words: list[str], size: float = 10.0) -> list[Word]:
    out, cursor = [], x
    for w in words:
        width = 5.0 * len(w)
        out.append(Word(w, cursor, y, cursor + width, y + size, size, False))
        cursor += width + 3.0
    return out


def test_two_prose_columns_split_at_the_gutter() -> None:
    left = [w for i in range(10) for w in _line(100 + 12 * i, 50, ["left", "column", "words", "here"])]
    right = [w for i in range(10) for w in _line(100 + 12 * i, 320, ["right", "column", "words", "here"])]
    regions = reading_order(left + right)
    texts = [" ".join(w.text for w in r) for r in regions]
    assert texts[0].startswith("left") and "right" not in texts[0]
    assert all("left" not in t for t in texts[1:])


def test_numeric_table_columns_are_not_split() -> None:
    rows = [
        _line(100 + 12 * i, 50, ["Revenue", "item", "label"]) + _line(100 + 12 * i, 350, ["1,234", "5,678"])
        for i in range(10)
    ]
    regions = reading_order([w for row in rows for w in row])
    lines = [line_text(line) for region in regions for line in group_lines(region)]
    assert lines[0] == "Revenue item label | 1,234 5,678"
