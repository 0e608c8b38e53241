"""What ``docsight ingest`` shows while a batch runs: a Rich progress bar on a terminal, otherwise one line per file
parsed. Fed by :class:`pipelines.batch.runner.BatchIngest`'s ``on_progress`` callback."""

from __future__ import annotations

from pathlib import Path

from pipelines.batch.report import FAILED, INGESTED, FileResult
from pipelines.batch.runner import BatchProgress
from pipelines.display import markup_safe, plain


class IngestProgressDisplay:
    """Pass it as ``on_progress``; call :meth:`close` when the batch has ended (however it ended).

    :param console: the Rich console to draw on (the CLI's stderr).
    :param bar: draw a progress bar (files, pages, pages/s, the files being parsed); without it, print one line per
        file that was parsed (ingested or failed), as it finishes.
    """

    def __init__(self, console, *, bar: bool) -> None:
        self.console = console
        self.with_bar = bar
        self._bar = None
        self._task = None
        self._state: BatchProgress | None = None

    def __call__(self, progress: BatchProgress, finished: FileResult | None) -> None:
        if not self.with_bar:
            if finished is not None and finished.status in (INGESTED, FAILED):
                self._log_line(finished, progress)
            return
        if self._bar is None:
            if progress.files_total == 0:  # nothing to parse: the table at the end says it all
                return
            self._start(progress.files_total)
        self._state = progress
        # a name is a field of a markup template: escaped, with its control characters made visible
        current = markup_safe(", ".join(plain(Path(f).name) for f in progress.current_files)[:80])
        self._update(progress, current)

    def close(self) -> None:
        if self._bar is None:
            return
        if self._state is not None:
            self._update(self._state, "")
        self._bar.stop()
        self._bar = None

    def _start(self, total: int) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self._bar = Progress(
            TextColumn("[bold]ingest"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("files"),
            TextColumn("{task.fields[pages]} pages"),
            TextColumn("{task.fields[rate]:.1f} pages/s"),
            TimeElapsedColumn(),
            TextColumn("{task.fields[current]}"),
            console=self.console,
            transient=False,
        )
        self._task = self._bar.add_task("ingest", total=total, pages=0, rate=0.0, current="")
        self._bar.start()

    def _update(self, progress: BatchProgress, current: str) -> None:
        self._bar.update(
            self._task,
            total=progress.files_total,
            completed=progress.files_done,
            pages=progress.pages,
            rate=progress.pages_per_second,
            current=current,
            refresh=True,  # drawn now, not at the bar's next tick: the batch calls about twice a second
        )

    def _log_line(self, result: FileResult, progress: BatchProgress) -> None:
        detail = result.error if result.status == FAILED else f"{result.pages} pages, {result.chunks} chunks"
        self.console.print(
            f"[{progress.files_done}/{progress.files_total}] {result.status} {plain(Path(result.file).name)}: "
            f"{plain(detail)} "
            f"({result.seconds:.1f}s, {progress.pages_per_second:.1f} pages/s)",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
