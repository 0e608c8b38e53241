"""Tables without ruling lines (financial statements): runs of row-like text blocks become one table block.

Reading order already keeps such rows on one line with ' | ' between cells (see ``reading_order.line_text``). A run
of at least three such rows with numbers in them is promoted to a ``table`` block, rendered as Markdown; short
labels and sub-headings between rows ("Cash Flows from Investing Activities") stay inside the table as one-cell rows.
"""

from __future__ import annotations

import re

from ingest.layout.blocks import HEADING, TABLE, TEXT, Block, union
from ingest.layout.markdown import to_markdown

_NUMBER = re.compile(r"\(?-?\$?\d[\d,.]*\)?%?$")
_MIN_ROWS = 3


def _is_row(line: str) -> bool:
    cells = [c.strip() for c in line.split(" | ")]
    return len(cells) >= 2 and any(_NUMBER.match(c.replace(" ", "")) or c.endswith("%") for c in cells[1:])


def _tabular(block: Block) -> bool:
    lines = [ln for ln in block.text.split("\n") if ln.strip()]
    return block.kind == TEXT and bool(lines) and sum(_is_row(ln) for ln in lines) >= 0.6 * len(lines)


def _label(block: Block) -> bool:
    return block.kind in (TEXT, HEADING) and " | " not in block.text and len(block.text.split()) <= 10


def promote_text_tables(blocks: list[Block]) -> list[Block]:
    """Replace runs of tabular text blocks (with short labels between them) by single ``table`` blocks."""
    out: list[Block] = []
    i = 0
    while i < len(blocks):
        if not _tabular(blocks[i]):
            out.append(blocks[i])
            i += 1
            continue
        run = [blocks[i]]
        j = i + 1
        while j < len(blocks):
            if _tabular(blocks[j]):
                run.append(blocks[j])
                j += 1
            elif _label(blocks[j]) and j + 1 < len(blocks) and _tabular(blocks[j + 1]):
                run += [blocks[j], blocks[j + 1]]
                j += 2
            else:
                break
        rows = [[c.strip() for c in line.split(" | ")] for b in run for line in b.text.split("\n") if line.strip()]
        if sum(len(r) > 1 for r in rows) >= _MIN_ROWS:
            # a title line just above the rows ("(Millions) | 2018 | 2017") is usually the header
            out.append(Block(TABLE, to_markdown(rows), run[0].page, union([b.bbox for b in run])))
        else:
            out.extend(run)
        i = j
    return out
