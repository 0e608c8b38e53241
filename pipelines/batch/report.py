"""Per-file results of a batch ingestion: the JSON report and the summary table."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ingest.documents import printable

INGESTED = "ingested"
UNCHANGED = "unchanged"
FAILED = "failed"
SKIPPED = "skipped"  # not read on purpose (a symlink leading out of the folders being ingested); see ``note``


@dataclass
class FileResult:
    """What happened to one file. ``error`` is a specific reason when ``status`` is ``failed``."""

    file: str
    status: str
    doc_id: str | None = None
    pages: int = 0
    chunks: int = 0
    figures: int = 0
    tables: int = 0
    error: str | None = None
    note: str | None = None
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)  # seconds per stage, for benchmarks
    peak_rss_mb: float = 0.0  # of the worker process that parsed the file

    def __post_init__(self) -> None:  # shown and written as JSON: file names need not be UTF-8
        self.file = printable(self.file)
        self.error = printable(self.error) if self.error else self.error
        self.note = printable(self.note) if self.note else self.note

    def to_json(self) -> dict:
        data = asdict(self)
        for optional in ("note", "stages", "peak_rss_mb"):
            if not data[optional]:
                data.pop(optional)
        return data


def write_report(results: list[FileResult], path: Path) -> None:
    """Write a JSON array with one object per file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps([r.to_json() for r in results], indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def render_table(results: list[FileResult], console) -> None:
    """Print the per-file table (rich) with a totals line. Names and reasons come from files: they are shown as
    plain text (no markup, control characters made visible)."""
    from rich.table import Table
    from rich.text import Text

    from pipelines.display import plain

    table = Table(title="docsight ingest", show_lines=False)
    for column, justify in (
        ("file", "left"),
        ("status", "left"),
        ("pages", "right"),
        ("chunks", "right"),
        ("figures", "right"),
        ("tables", "right"),
        ("time", "right"),
        ("error", "left"),
    ):
        table.add_column(column, justify=justify, overflow="fold")
    styles = {INGESTED: "green", UNCHANGED: "cyan", FAILED: "red", SKIPPED: "yellow"}
    for r in results:
        table.add_row(
            Text(plain(Path(r.file).name)),
            Text(r.status, style=styles[r.status]),
            str(r.pages),
            str(r.chunks),
            str(r.figures),
            str(r.tables),
            f"{r.seconds:.1f}s",
            Text(plain(r.error or r.note or "")),
        )
    console.print(table)
    counts = {s: sum(1 for r in results if r.status == s) for s in (INGESTED, UNCHANGED, FAILED, SKIPPED)}
    skipped = f", {counts[SKIPPED]} skipped" if counts[SKIPPED] else ""
    console.print(
        f"{counts[INGESTED]} ingested, {counts[UNCHANGED]} unchanged, {counts[FAILED]} failed{skipped}; "
        f"{sum(r.pages for r in results if r.status == INGESTED)} pages, "
        f"{sum(r.chunks for r in results if r.status == INGESTED)} chunks written"
    )
