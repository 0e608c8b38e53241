"""Ingestion in the background: one thread runs the batch jobs of every browser session, one job at a time, so a
long ingestion never blocks a chat and two uploads never start two worker pools at once."""

from __future__ import annotations

import itertools
import queue
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipelines.batch.report import FAILED, FileResult
from pipelines.batch.runner import BatchIngest, BatchProgress

QUEUED, RUNNING, DONE, CRASHED = "queued", "running", "done", "crashed"
_ids = itertools.count(1)


@dataclass
class IngestJob:
    """One batch as the UI shows it. Read it through :meth:`snapshot` (the worker thread updates it)."""

    files: list[str]
    job_id: int = field(default_factory=lambda: next(_ids))
    state: str = QUEUED
    files_done: int = 0
    files_total: int = 0
    pages: int = 0
    pages_per_second: float = 0.0
    current: list[str] = field(default_factory=list)
    results: list[FileResult] = field(default_factory=list)
    error: str = ""
    started: float = 0.0
    finished: float = 0.0
    rejected: list[FileResult] = field(default_factory=list)  # refused before ingestion (upload checks)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def snapshot(self) -> IngestJob:
        with self._lock:
            return replace(self, current=list(self.current), results=list(self.results), _lock=threading.Lock())

    @property
    def active(self) -> bool:
        return self.state in (QUEUED, RUNNING)

    @property
    def all_results(self) -> list[FileResult]:
        return self.rejected + self.results

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.all_results if r.status == FAILED]

    def _update(self, progress: BatchProgress, finished: FileResult | None) -> None:
        with self._lock:
            self.files_done, self.files_total = progress.files_done, progress.files_total
            self.pages, self.pages_per_second = progress.pages, progress.pages_per_second
            self.current = [Path(p).name for p in progress.current_files]
            if finished is not None:
                self.results.append(finished)


class IngestQueue:
    """Runs :class:`IngestJob` s in order on one daemon thread with :class:`BatchIngest` on a shared store."""

    def __init__(self, settings, store) -> None:
        self.settings = settings
        self.store = store
        self.jobs: list[IngestJob] = []
        self._queue: queue.Queue[IngestJob | None] = queue.Queue()
        self._thread = threading.Thread(target=self._loop, name="docsight-ingest", daemon=True)
        self._thread.start()

    def submit(self, paths: list[Path], rejected: list[FileResult] | None = None) -> IngestJob:
        job = IngestJob(files=[str(p) for p in paths], rejected=list(rejected or []))
        self.jobs.append(job)
        if paths:
            self._queue.put(job)
        else:
            job.state, job.finished = DONE, time.time()
        return job

    def active(self) -> bool:
        return any(job.active for job in self.jobs)

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
            results = BatchIngest(self.settings, store=self.store, show_progress=False, on_progress=job._update).run(
                job.files
            )
        except Exception as exc:  # shown to the user; the batch's own failures are per-file results instead
            with job._lock:
                job.error = f"{type(exc).__name__}: {exc}"
                job.state, job.finished = CRASHED, time.time()
            return
        with job._lock:
            job.results = results  # every file, including those refused before parsing and unchanged ones
            job.files_done = job.files_total = len(job.files)
            job.current = []
            job.state, job.finished = DONE, time.time()
