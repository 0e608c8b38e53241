"""Ingestion in the background: one thread runs the batch jobs of every browser session, one job at a time, so a
long ingestion never blocks a chat and two uploads never start two worker pools at once.

Each job follows every file through its phases (queued, starting, parsing or OCR page i of N, embedding, writing,
then ingested, already stored or failed) from the batch's progress events, and measures its progress in pages:
a page counts once when it is parsed and once when its file is embedded and written, so the bar moves per page
and does not sit at 100 % while a big file is being embedded.
"""

from __future__ import annotations

import itertools
import logging
import os
import queue
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from ingest.filetypes import PDF, detect_type
from pipelines.batch.report import FAILED, INGESTED, UNCHANGED, FileResult
from pipelines.batch.runner import BatchIngest, BatchProgress
from webui.page_view import page_count

QUEUED, RUNNING, DONE, CRASHED = "queued", "running", "done", "crashed"
# a file's phases
WAITING, STARTING, PARSING, OCR, EMBEDDING, WRITING = "queued", "starting", "parsing", "OCR", "embedding", "writing"
STATUS_LABELS = {INGESTED: "ingested", UNCHANGED: "already stored", FAILED: "failed"}
_ids = itertools.count(1)
log = logging.getLogger("docsight.webui")


def _key(path: str | Path) -> str:
    return os.path.realpath(path)


@dataclass
class FileProgress:
    """One file of a job: its phase, pages parsed of its pages, and when its parsing started."""

    path: str
    pages_total: int = 0  # counted at submission (0: unknown), replaced by the parser's count
    pages_parsed: int = 0
    phase: str = WAITING
    started: float = 0.0
    ocr: bool = False  # an image file: every page is OCRed
    result: FileResult | None = None

    @property
    def name(self) -> str:
        return Path(self.path).name

    @property
    def finished(self) -> bool:
        return self.result is not None

    @property
    def units(self) -> tuple[int, int]:
        """(done, total) work units: two per page (parsed; embedded and written), one for a file of unknown size."""
        total = 2 * max(self.pages_total, 1)
        if self.finished:
            return total, total
        return min(self.pages_parsed, total // 2), total

    def seconds_left(self, now: float) -> float | None:
        """Parsing time left at this file's pace so far (None before two pages are known)."""
        if self.phase not in (PARSING, OCR) or self.pages_parsed < 1 or not self.pages_total or not self.started:
            return None
        pace = (now - self.started) / self.pages_parsed
        return pace * max(self.pages_total - self.pages_parsed, 0)

    def describe(self, now: float) -> str:
        if self.result is not None:
            return STATUS_LABELS.get(self.result.status, self.result.status)
        if self.phase in (PARSING, OCR):
            text = f"{'OCR' if self.phase == OCR else 'parsing'} page {self.pages_parsed} of {self.pages_total}"
            left = self.seconds_left(now)
            return text + (f", about {left:.0f} s left" if left is not None and self.pages_parsed > 1 else "")
        return {EMBEDDING: "chunking and embedding", WRITING: "writing to the store"}.get(self.phase, self.phase)


@dataclass
class IngestJob:
    """One batch as the UI shows it. Read it through :meth:`snapshot` (the worker thread updates it)."""

    files: list[str]
    job_id: int = field(default_factory=lambda: next(_ids))
    state: str = QUEUED
    pages: int = 0
    pages_per_second: float = 0.0
    results: list[FileResult] = field(default_factory=list)
    error: str = ""
    started: float = 0.0
    finished: float = 0.0
    rejected: list[FileResult] = field(default_factory=list)  # refused before ingestion (upload checks)
    passwords: dict[str, str] = field(default_factory=dict, repr=False)
    progress: dict[str, FileProgress] = field(default_factory=dict)  # realpath -> file
    removed: set[str] = field(default_factory=set)  # failed files the user removed or retried
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        for path in self.files:
            if _key(path) not in self.progress:
                self.progress[_key(path)] = FileProgress(path=path, pages_total=page_count(path), ocr=_is_image(path))

    def snapshot(self) -> IngestJob:
        with self._lock:
            return replace(
                self,
                results=list(self.results),
                progress={k: replace(v) for k, v in self.progress.items()},
                removed=set(self.removed),
                _lock=threading.Lock(),
            )

    @property
    def active(self) -> bool:
        return self.state in (QUEUED, RUNNING)

    @property
    def all_results(self) -> list[FileResult]:
        return self.rejected + self.results

    @property
    def failed(self) -> list[FileResult]:
        """Failed files, but for those the user removed or retried."""
        return [r for r in self.all_results if r.status == FAILED and r.file not in self.removed]

    @property
    def files_total(self) -> int:
        return len(self.progress) + len(self.rejected)

    @property
    def files_done(self) -> int:
        return sum(f.finished for f in self.progress.values()) + len(self.rejected)

    @property
    def current(self) -> list[FileProgress]:
        return [f for f in self.progress.values() if not f.finished and f.phase != WAITING]

    @property
    def waiting(self) -> list[FileProgress]:
        return [f for f in self.progress.values() if f.phase == WAITING]

    @property
    def fraction(self) -> float:
        done = total = 0
        for file in self.progress.values():
            d, t = file.units
            done, total = done + d, total + t
        return done / total if total else 1.0

    def seconds_left(self, now: float | None = None) -> float | None:
        """The batch's time left at its pace so far (None until 5 % is done)."""
        now = time.time() if now is None else now
        fraction = self.fraction
        if self.state != RUNNING or fraction < 0.05 or not self.started:
            return None
        return (now - self.started) * (1 - fraction) / fraction

    def _update(self, progress: BatchProgress, finished: FileResult | None) -> None:
        now = time.time()
        with self._lock:
            self.pages, self.pages_per_second = progress.pages, progress.pages_per_second
            for path, (parsed, total) in progress.file_pages.items():
                file = self._file(path)
                if file.finished:
                    continue
                if not file.started:
                    file.started = now
                file.pages_parsed, file.pages_total = parsed, total or file.pages_total
                if not total:
                    file.phase = STARTING
                elif parsed < total:
                    file.phase = OCR if file.ocr or path in progress.ocr_files else PARSING
                else:
                    file.phase = EMBEDDING
            if progress.writing:
                self._file(progress.writing).phase = WRITING
            if finished is not None:
                file = self._file(finished.file)
                file.result, file.phase = finished, finished.status
                if finished.pages:
                    file.pages_total = file.pages_parsed = finished.pages
                self.results.append(finished)
                _log_result(finished)

    def _file(self, path: str) -> FileProgress:
        key = _key(path)
        if key not in self.progress:  # a file the batch found that the job did not list (a folder's file)
            self.progress[key] = FileProgress(path=path)
        return self.progress[key]


def _is_image(path: str) -> bool:
    try:
        return detect_type(Path(path)) != PDF
    except Exception:
        return False


def _log_result(result: FileResult) -> None:
    """One server log line per file: its name, result and size, never its text."""
    name = Path(result.file).name
    if result.status == FAILED:
        log.warning("ingest failed: %s: %s", name, result.error)
    else:
        log.info(
            "ingest %s: %s (%d pages, %d chunks, %.1f s)",
            STATUS_LABELS.get(result.status, result.status),
            name,
            result.pages,
            result.chunks,
            result.seconds,
        )


class IngestQueue:
    """Runs :class:`IngestJob` s in order on one daemon thread with :class:`BatchIngest` on a shared store."""

    def __init__(self, settings, store) -> None:
        self.settings = settings
        self.store = store
        self.jobs: list[IngestJob] = []
        self._queue: queue.Queue[IngestJob | None] = queue.Queue()
        self._thread = threading.Thread(target=self._loop, name="docsight-ingest", daemon=True)
        self._thread.start()

    def submit(
        self, paths: list[Path], rejected: list[FileResult] | None = None, passwords: dict[str, str] | None = None
    ) -> IngestJob:
        """Queue ``paths``; ``rejected`` are results of uploads refused before ingestion; ``passwords`` maps a path
        (or a file name) to its PDF password."""
        job = IngestJob(files=[str(p) for p in paths], rejected=list(rejected or []), passwords=dict(passwords or {}))
        for result in job.rejected:
            _log_result(result)
        self.jobs.append(job)
        if paths:
            self._queue.put(job)
        else:
            job.state, job.finished = DONE, time.time()
        return job

    def active(self) -> bool:
        return any(job.active for job in self.jobs)

    def job(self, job_id: int) -> IngestJob:
        """:raises KeyError: no such job."""
        for job in self.jobs:
            if job.job_id == job_id:
                return job
        raise KeyError(job_id)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until every submitted job has finished; False on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.active():
            if deadline is not None and time.monotonic() > deadline:
                return False
            time.sleep(0.2)
        return True

    def close(self) -> None:
        """Stop the thread after the running job (queued jobs are dropped)."""
        while not self._queue.empty():
            dropped = self._queue.get_nowait()
            if dropped is not None:
                dropped.state, dropped.error = CRASHED, "the UI was shut down before this batch started"
        self._queue.put(None)
        self._thread.join(timeout=600)

    def _loop(self) -> None:
        while (job := self._queue.get()) is not None:
            self._run(job)

    def _run(self, job: IngestJob) -> None:
        job.state, job.started = RUNNING, time.time()
        try:
            results = BatchIngest(self.settings, store=self.store, on_progress=job._update).run(
                job.files, job.passwords
            )
        except Exception as exc:  # shown to the user; the batch's own failures are per-file results instead
            log.exception("ingest batch %d crashed", job.job_id)
            with job._lock:
                job.error = f"{type(exc).__name__}: {exc}"
                job.state, job.finished = CRASHED, time.time()
            return
        with job._lock:
            job.results = results  # every file, including those refused before parsing and unchanged ones
            for result in results:
                file = job._file(result.file)
                file.result, file.phase = result, result.status
            job.state, job.finished = DONE, time.time()
        log.info("ingest batch %d finished in %.1f s", job.job_id, job.finished - job.started)
