"""What a table's numbers mean beyond their cells: the unit line ("in millions, except per share amounts") and the
column headers (the periods), found on the table's page so that they can travel with every chunk that holds the
table's rows — its whole-table chunk and each text window over its rows — as payload meta (``table_unit``,
``table_columns``). The chunk's text, which is embedded, is not changed.
"""

from __future__ import annotations

import re
from collections import Counter

from haystack import Document

from ingest.schema import Meta

TABLE_UNIT_FIELD = Meta.TABLE_UNIT
TABLE_COLUMNS_FIELD = Meta.TABLE_COLUMNS

_SCALE = r"\b(?:thousands|millions|billions)\b"
_PAREN_UNIT = re.compile(r"\([^()]{0,80}" + _SCALE + r"[^()]{0,80}\)", re.IGNORECASE)
_LINE_UNIT = re.compile(r"(?:\$|dollars|amounts|usd|figures|€)?[^.;:]{0,40}\bin\s+" + _SCALE, re.IGNORECASE)
_YEAR = re.compile(r"(?<![\d,.$])(?:19|20)\d{2}(?![\d%]|[,.]\d)")
_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
_CELL_NUMBER = re.compile(r"[($-]*\s?\$?\s?\d[\d,.]*\s?\)?\s?%?")
_RULE = re.compile(r"^[\s|:-]*$")
_PLACEHOLDER = re.compile(r"[—–-]+")
HEADER_ROWS = 6  # rows of a table searched for its header of periods
BLOCKS_BACK = 6  # blocks above a table searched for its unit line and header


def unit_line(text: str) -> str:
    """The unit/scale statement in ``text`` ("(in millions, except per share amounts)", "$ in thousands"), or ""."""
    for line in text.splitlines():
        match = _PAREN_UNIT.search(line)
        if match:
            return " ".join(match.group(0).split())
        match = _LINE_UNIT.search(line)
        if match and len(line) <= 160:
            return " ".join(line.strip(" |").split())
    return ""


def _rows(markdown: str) -> list[list[str]]:
    rows = []
    for line in markdown.splitlines():
        if _RULE.match(line):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        rows.append(cells)
    return rows


def _is_header(cells: list[str]) -> bool:
    """A row of period labels: at least one year and no number that is not part of a date."""
    text = " ".join(cells)
    if not _YEAR.search(text):
        return False
    others = [n for n in _NUMBER.findall(_YEAR.sub(" ", text)) if not re.fullmatch(r"\d{1,2}", n)]
    return not others  # "December 31, 2022" keeps its day; a cell like "5,363" makes it a data row


def header_columns(cells: list[str]) -> list[str]:
    """The column labels of a header row: its non-empty cells, without a first (stub) cell that names no period."""
    filled = [c for c in cells if c]
    if filled and cells and cells[0] and not _YEAR.search(cells[0]):
        filled = filled[1:]
    return filled


def table_columns(markdown: str) -> list[str]:
    """The column headers of a Markdown table: the last header row of periods above its first data row."""
    found: list[str] = []
    for cells in _rows(markdown)[:HEADER_ROWS]:
        if _is_header(cells):
            found = header_columns(cells)
        elif any(_CELL_NUMBER.fullmatch(c) for c in cells[1:]):
            break  # the first data row ("December 2," above it is a date, not data)
    return found


def row_widths(markdown: str) -> list[int]:
    """How many value cells (numbers or "—" placeholders, after the label) each data row of a Markdown table has."""
    widths = []
    for cells in _rows(markdown):
        values = [c for c in cells[1:] if _CELL_NUMBER.fullmatch(c) or _PLACEHOLDER.fullmatch(c)]
        if values and not _is_header(cells):
            widths.append(len(values))
    return widths


def lines_up(columns: list[str], markdown: str) -> bool:
    """Column headers fit a table when its usual data row is no wider than them (a row may leave a period empty) or,
    with two or more headers, a multiple of them (an amount and a percentage per period). A title line that names a
    year ("Background Checks November - 2015") is one header over rows of twenty counts: it does not fit. A text
    that is not a Markdown table (a figure's rows) has no widths to compare and fits."""
    widths = row_widths(markdown) if any(_RULE.match(line) and "-" in line for line in markdown.splitlines()) else []
    if not columns or not widths:
        return True
    usual = Counter(widths).most_common(1)[0][0]
    return usual <= len(columns) or (len(columns) >= 2 and usual % len(columns) == 0)


def _line_columns(text: str) -> list[str]:
    """Periods on a line of their own above a table ("2022 | 2021 | 2020", "2018 2017 2016"). A unit statement on
    the line is not a header's words, and cells before the first year are the stub's or a date split from its year
    ("December 31, | December 31, (Dollars in millions) | 2018 | 2017": the columns are 2018 and 2017)."""
    for line in reversed(text.splitlines()):
        line = _PAREN_UNIT.sub(" ", line)
        cells = [c.strip() for c in re.split(r"\s*\|\s*|\s{2,}", line) if c.strip()]
        if len(cells) == 1:
            cells = _YEAR.findall(line) if len(_YEAR.findall(line)) >= 2 else cells
        if len(cells) >= 2 and _is_header(cells) and len(re.findall(r"[A-Za-z]+", line)) <= 2 * len(cells):
            first = next(i for i, c in enumerate(cells) if _YEAR.search(c))
            return cells[first:] if first else cells
    return []


def table_context(blocks: list[Document], index: int, table_text: str, previous: dict | None = None) -> dict:
    """``table_unit`` and ``table_columns`` of the table ``blocks[index]`` (``table_text``: its Markdown): from its
    own first rows, else from the nearest blocks above it on the page, up to the table before it. A table with
    neither, right after another table (``previous``: that table's context), continues it and has its context.
    Empty fields are left out."""
    unit = unit_line("\n".join(table_text.splitlines()[:HEADER_ROWS]))
    columns = table_columns(table_text)
    columns = columns if lines_up(columns, table_text) else []
    for block in reversed(blocks[max(0, index - BLOCKS_BACK) : index]):
        if unit and columns:
            break
        if block.meta.get("kind") in ("table", "figure"):
            if not unit and not columns and block is blocks[index - 1]:
                return dict(previous or {})  # a statement split into two regions
            break  # another table's unit and header are its own
        text = block.content or ""
        unit = unit or unit_line(text)
        if not columns:
            above = _line_columns(text)
            columns = above if lines_up(above, table_text) else []
    meta: dict = {}
    if unit:
        meta[TABLE_UNIT_FIELD] = unit[:160]
    if columns:
        meta[TABLE_COLUMNS_FIELD] = [c[:60] for c in columns[:16]]
    return meta
