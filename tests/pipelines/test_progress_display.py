"""The CLI's ingest display, fed by the batch's progress callback: a bar on a terminal, one line per file without."""

import io

from rich.console import Console

from pipelines.batch.report import FileResult
from pipelines.batch.runner import BatchProgress
from pipelines.progress_display import IngestProgressDisplay


def test_without_a_bar_each_parsed_file_is_one_line_with_its_name_shown_as_text() -> None:
    out = io.StringIO()
    display = IngestProgressDisplay(Console(file=out, width=200), bar=False)
    progress = BatchProgress(files_total=2, files_done=1)
    display(progress, FileResult(file="/in/old.pdf", status="unchanged"))  # decided without parsing: the table
    display(progress, None)
    display(progress, FileResult(file="/in/new\x1b[2J[bold].pdf", status="ingested", pages=3, chunks=5))
    progress.files_done = 2
    display(progress, FileResult(file="/in/bad.pdf", status="failed", error="corrupt: no objects"))
    display.close()
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("[1/2] ingested new\\x1b[2J[bold].pdf: 3 pages, 5 chunks (")
    assert lines[1].startswith("[2/2] failed bad.pdf: corrupt: no objects (") and len(lines) == 2


def test_the_bar_counts_files_and_pages_and_names_the_files_being_parsed() -> None:
    out = io.StringIO()
    display = IngestProgressDisplay(Console(file=out, force_terminal=True, width=160), bar=True)
    display(BatchProgress(files_total=0), FileResult(file="/in/old.pdf", status="unchanged"))
    assert out.getvalue() == ""  # nothing to parse: no bar
    progress = BatchProgress(files_total=2, current_files=["/in/[red]x.pdf"], current_pages={0: 7})
    display(progress, None)
    progress.files_done, progress.current_files, progress.current_pages, progress.pages_done = 2, [], {}, 12
    display(progress, FileResult(file="/in/x.pdf", status="ingested", pages=12))
    display.close()
    shown = out.getvalue()
    assert "[red]x.pdf" in shown and "7 pages" in shown  # the name as text, not markup
    assert "2/2" in shown and "12 pages" in shown
