"""Markdown rendering of table rows."""

from __future__ import annotations

import re

_RULE = re.compile(r"^[\s|:-]*$")


def to_markdown(rows: list[list[str]]) -> str:
    """A Markdown table; the first row is the header. Columns empty in every row (merged cells) are dropped."""
    width = max(len(r) for r in rows)
    rows = [[c.replace("|", "\\|") for c in r] + [""] * (width - len(r)) for r in rows]
    keep = [i for i in range(width) if any(r[i].strip() for r in rows)] or [0]
    rows = [[r[i] for i in keep] for r in rows]
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * len(keep)]
    lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return "\n".join(lines)


def table_text(markdown: str) -> str:
    """A Markdown table as plain rows: cells separated by spaces, separator rows and pipes dropped (for embedding
    and windows: the pipes and rules would only spend the encoder's 256 word pieces)."""
    rows = []
    for line in markdown.splitlines():
        if _RULE.match(line):
            continue
        rows.append(" ".join(cell.strip() for cell in line.split("|") if cell.strip()))
    return "\n".join(r for r in rows if r)
