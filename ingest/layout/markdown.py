"""Markdown rendering of table rows."""

from __future__ import annotations


def to_markdown(rows: list[list[str]]) -> str:
    """A Markdown table; the first row is the header. Columns empty in every row (merged cells) are dropped."""
    width = max(len(r) for r in rows)
    rows = [[c.replace("|", "\\|") for c in r] + [""] * (width - len(r)) for r in rows]
    keep = [i for i in range(width) if any(r[i].strip() for r in rows)] or [0]
    rows = [[r[i] for i in keep] for r in rows]
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * len(keep)]
    lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return "\n".join(lines)
