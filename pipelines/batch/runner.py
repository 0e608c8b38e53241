"""The batch ingestion job: discover, hash, skip what is stored, parse in worker processes, write, report."""

from __future__ import annotations

import contextlib
import errno
import multiprocessing as mp
import os
import queue
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ingest.discovery import SKIPPED as SKIPPED_PREFIX
from ingest.discovery import discover
from ingest.documents import sha256_file
from ingest.errors import IngestError, TooLargeError
from ingest.filetypes import detect_type
from pipelines.batch.messages import Failed, PageProgress, Parsed, Ready, Task, WorkerMessage
from pipelines.batch.report import FAILED, INGESTED, SKIPPED, UNCHANGED, FileResult
from pipelines.batch.sharding import in_shard
from pipelines.batch.worker_entry import start as start_worker
from pipelines.settings import Settings
from pipelines.store import open_store
from retrievers.document_writer import DocsightDocumentWriter
from retrievers.errors import StoreError
from retrievers.store import DocsightStore


@dataclass
class _Worker:
    process: mp.Process
    tasks: object
    task: Task | None = None
    started: float = 0.0
    ready: bool = False
    retiring: bool = False  # said it exits after its last file (see pipelines.batch.worker)


def _messages(results, wait: float):
    """The workers' messages: waits up to ``wait`` seconds for the first, then takes whatever else is queued."""
    try:
        yield results.get(timeout=wait)
    except queue.Empty:
        return
    while True:
        try:
            yield results.get_nowait()
        except queue.Empty:
            return


class BatchInterrupted(Exception):
    """The batch was asked to stop (``stop`` was set: Ctrl-C, SIGTERM) and stopped between two documents.

    ``results`` are the files finished so far (each ingested document is complete); ``remaining`` the number of
    files that were not finished (they are ingested by the next run of the same command).
    """

    def __init__(self, results: list[FileResult], remaining: int) -> None:
        super().__init__(f"interrupted with {remaining} file(s) left")
        self.results, self.remaining = results, remaining


@dataclass
class BatchProgress:
    """Where a running batch is: files parsed of those to parse, pages so far, the files being parsed, and for each
    of them pages parsed of its pages (``file_pages``: parsed all its pages, it is being chunked and embedded), those
    whose last page was read by OCR (``ocr_files``: a scan) and the file being written to the store (``writing``)."""

    files_total: int = 0
    files_done: int = 0
    pages_done: int = 0
    started: float = field(default_factory=time.monotonic)
    current_pages: dict[int, int] = field(default_factory=dict)
    current_files: list[str] = field(default_factory=list)
    page_totals: dict[int, int] = field(default_factory=dict)
    file_pages: dict[str, tuple[int, int]] = field(default_factory=dict)
    ocr_tasks: set[int] = field(default_factory=set)  # tasks whose last parsed page was read by OCR
    ocr_files: set[str] = field(default_factory=set)  # their files, among ``file_pages``
    writing: str = ""

    @property
    def pages(self) -> int:
        return self.pages_done + sum(self.current_pages.values())

    @property
    def pages_per_second(self) -> float:
        return self.pages / max(time.monotonic() - self.started, 1e-6)


class BatchIngest:
    """Ingest files and folders into the configured collection.

    A file is ``unchanged`` when a document with the same sha256 is already recorded in the collection (nothing is
    parsed or written), ``ingested`` when its chunks were written and committed, and ``failed`` with a specific
    reason otherwise; a failure never stops the batch and never leaves points behind.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        store: DocsightStore | None = None,
        on_progress: Callable[[BatchProgress, FileResult | None], None] | None = None,
        shard: tuple[int, int] | None = None,
        follow_symlinks: bool = False,
        stop: threading.Event | None = None,
    ) -> None:
        """
        :param store: an open store to write to (kept open); by default the configured store is opened and closed.
        :param on_progress: called from the thread that runs the batch, about twice a second and whenever a file
            is finished (with its result; files decided without parsing, unchanged or refused, right after the check).
            A progress bar or log (the CLI's, :mod:`pipelines.progress_display`) is fed by it.
        :param shard: ``(index, count)``: process only the files of this shard (see :mod:`pipelines.batch.sharding`).
        :param follow_symlinks: follow symlinks out of the named folders (by default they are skipped and reported).
        :param stop: when set, the batch stops before the next file or write and raises :class:`BatchInterrupted`
            (a document being written is finished first; files being parsed are left for the next run).
        """
        self.settings = settings
        self.store = store
        self.on_progress = on_progress
        self.shard = shard
        self.follow_symlinks = follow_symlinks
        self.stop = stop
        self._threads = 1  # per worker, set for each batch

    def run(self, paths: list[str], passwords: dict[str, str] | None = None) -> list[FileResult]:
        files, problems = discover(paths, follow_symlinks=self.follow_symlinks)
        if self.shard is not None:
            files = in_shard(files, paths, *self.shard)
        results: dict[str, FileResult] = {p: _problem(p, why) for p, why in problems}
        store = self.store if self.store is not None else open_store(self.settings)
        registry = store.registry
        order = [str(p) for p in files]
        try:
            self._ingest(files, passwords or {}, store, registry, results)
        except _Stopped:
            finished = [results[p] for p, _ in problems] + [results[p] for p in order if p in results]
            raise BatchInterrupted(finished, sum(p not in results for p in order)) from None
        finally:
            if self.store is None:
                store.close()
        return [results[p] for p, _ in problems] + [results[p] for p in order]

    def _check_stop(self) -> None:
        if self.stop is not None and self.stop.is_set():
            raise _Stopped

    def _ingest(self, files: list[Path], passwords: dict[str, str], store, registry, results: dict) -> None:
        registry.remove_superseded()  # finish the clean-up of a run killed right after a commit
        writer = DocsightDocumentWriter(document_store=store)
        tasks: list[Task] = []
        seen: dict[str, str] = {}
        for task_id, path in enumerate(files):
            self._check_stop()
            key = str(path)
            try:
                size = path.stat().st_size
                if size > self.settings.max_file_mb * 1024 * 1024:
                    raise TooLargeError(
                        path.name,
                        f"{size / 1e6:.0f} MB (the limit is {self.settings.max_file_mb} MB, DOCSIGHT_MAX_FILE_MB)",
                    )
                file_type = detect_type(path)
                doc_id = sha256_file(path)
            except IngestError as exc:
                results[key] = FileResult(file=key, status=FAILED, error=exc.message)
                continue
            except OSError as exc:
                results[key] = FileResult(file=key, status=FAILED, error=f"cannot read: {exc.strerror or exc}")
                continue
            record = registry.get(doc_id)
            if doc_id in seen:
                results[key] = FileResult(
                    file=key, status=UNCHANGED, doc_id=doc_id, note=f"same content as {seen[doc_id]}"
                )
            elif record is not None:
                results[key] = FileResult(
                    file=key,
                    status=UNCHANGED,
                    doc_id=doc_id,
                    pages=record.pages,
                    chunks=record.chunks,
                    figures=record.figures,
                    tables=record.tables,
                    note=None if Path(record.path) == path.resolve() else f"same content as {record.path}",
                )
            else:
                seen[doc_id] = key
                password = passwords.get(key) or passwords.get(path.name)
                edits = registry.edits(doc_id) or None  # the user's corrections of this content survive
                tasks.append(
                    Task(task_id=task_id, path=key, doc_id=doc_id, file_type=file_type, password=password,
                         identity_edits=edits)
                )  # fmt: skip
        if self.on_progress is not None:  # files decided without parsing are finished now, not at the batch's end
            decided = BatchProgress(files_total=len(tasks))
            for result in results.values():
                self.on_progress(decided, result)
        if tasks:
            out: dict[str, FileResult] = {}
            try:
                self._parse_and_write(tasks, writer, out)
            finally:  # an interrupted batch keeps what it finished
                results.update(out)

    # -- workers ----------------------------------------------------------------------------------------------------
    def _parse_and_write(self, tasks: list[Task], writer: DocsightDocumentWriter, out: dict[str, FileResult]) -> None:
        """Parse ``tasks`` in worker processes and write each document as it arrives; results go into ``out``."""
        ctx = mp.get_context("spawn")
        results_q = ctx.Queue()
        n_workers = max(1, min(self.settings.workers, len(tasks)))
        self._threads = max(1, (os.cpu_count() or 1) // n_workers)
        workers = {wid: self._start_worker(ctx, wid, results_q) for wid in range(n_workers)}
        by_id = {t.task_id: t for t in tasks}
        pending = list(tasks)
        progress = BatchProgress(files_total=len(tasks))
        next_wid = n_workers
        last_notified = 0.0
        try:
            while len(out) < len(tasks):
                self._check_stop()
                for wid in [w for w, worker in workers.items() if worker.retiring]:
                    workers.pop(wid).process.join(5)  # it ran out of memory on its last file: replace it
                    if pending:
                        workers[next_wid] = self._start_worker(ctx, next_wid, results_q)
                        next_wid += 1
                for worker in workers.values():
                    if worker.ready and worker.task is None and pending:
                        worker.task = pending.pop(0)
                        worker.started = time.monotonic()
                        worker.tasks.put(worker.task)
                # a worker seen dead before its messages are read has had all of them read below
                exited = {wid for wid, worker in workers.items() if not worker.process.is_alive()}
                finished = None
                for message in _messages(results_q, wait=0.5):
                    result = self._handle(message, workers, by_id, writer, out, progress)
                    if result is not None:
                        finished = result
                        self._notify(progress, workers, result)
                self._check_stop()  # a signal to the whole group also ends the workers: not their files' fault
                for wid in list(workers):
                    failure = self._check(workers[wid], exited=wid in exited)
                    if failure is None:
                        continue
                    task, reason = failure
                    out[task.path] = FileResult(
                        file=task.path, status=FAILED, error=reason, seconds=time.monotonic() - workers[wid].started
                    )
                    progress.current_pages.pop(task.task_id, None)
                    progress.ocr_tasks.discard(task.task_id)
                    progress.files_done += 1
                    self._notify(progress, workers, out[task.path])
                    workers[wid].process.kill()
                    workers[wid].process.join(5)
                    del workers[wid]
                    if pending or any(w.task for w in workers.values()) or len(out) < len(tasks):
                        workers[next_wid] = self._start_worker(ctx, next_wid, results_q)
                        next_wid += 1
                if finished is None and time.monotonic() - last_notified > 0.5:
                    self._notify(progress, workers, None)
                    last_notified = time.monotonic()
        finally:
            for worker in workers.values():
                with contextlib.suppress(OSError, ValueError):
                    worker.tasks.put(None)
            stopping = self.stop is not None and self.stop.is_set()  # their files are left for the next run
            for worker in workers.values():
                worker.process.join(0 if stopping else 5)
                if worker.process.is_alive():
                    worker.process.kill()
                    worker.process.join(5)

    def _notify(self, progress: BatchProgress, workers: dict, finished: FileResult | None) -> None:
        if self.on_progress is None:
            return
        progress.current_files = [w.task.path for w in workers.values() if w.task]
        progress.file_pages = {
            w.task.path: (progress.current_pages.get(w.task.task_id, 0), progress.page_totals.get(w.task.task_id, 0))
            for w in workers.values()
            if w.task
        }
        progress.ocr_files = {w.task.path for w in workers.values() if w.task and w.task.task_id in progress.ocr_tasks}
        self.on_progress(progress, finished)

    def _start_worker(self, ctx, wid: int, results_q) -> _Worker:
        """Start a worker whose numeric libraries use this worker's share of the cores (read at their import).

        The worker starts with SIGINT ignored (Python keeps an inherited SIG_IGN): Ctrl-C reaches every process of
        the terminal's group, and the batch process alone decides how to stop (see ``stop``)."""
        tasks_q = ctx.Queue()
        process = ctx.Process(target=start_worker, args=(wid, self.settings, tasks_q, results_q), daemon=True)
        names = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
        saved = {k: os.environ.get(k) for k in names}
        os.environ.update({k: str(self._threads) for k in names})
        in_main = threading.current_thread() is threading.main_thread()
        sigint = signal.signal(signal.SIGINT, signal.SIG_IGN) if in_main else None
        try:
            process.start()
        finally:
            if in_main:
                signal.signal(signal.SIGINT, signal.SIG_DFL if sigint is None else sigint)
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        return _Worker(process=process, tasks=tasks_q)

    def _check(self, worker: _Worker, exited: bool) -> tuple[Task, str] | None:
        """A worker's current task failed if the worker died (``exited``: seen dead before its last messages were
        read) or ran past the per-file time limit."""
        if worker.task is None:
            if exited and not worker.ready:
                raise RuntimeError(f"an ingestion worker failed to start (exit code {worker.process.exitcode})")
            return None
        if exited:
            return worker.task, f"parser crashed: the worker process died (exit code {worker.process.exitcode})"
        if time.monotonic() - worker.started > self.settings.file_timeout_s:
            return worker.task, (
                f"timeout: parsing took longer than {self.settings.file_timeout_s} s (DOCSIGHT_FILE_TIMEOUT_S)"
            )
        return None

    def _handle(self, message: WorkerMessage, workers, by_id, writer, out, progress) -> FileResult | None:
        """Apply one worker message; returns the file's result when the file is finished."""
        worker = workers.get(message.worker_id)
        if isinstance(message, Ready):
            if worker is not None:
                worker.ready = True
            return None
        task = by_id[message.task_id]
        if worker is None or worker.task is None or worker.task.task_id != task.task_id:
            return None  # a late message from a worker that was already replaced
        if isinstance(message, PageProgress):
            progress.current_pages[task.task_id] = message.done
            progress.page_totals[task.task_id] = message.total
            (progress.ocr_tasks.add if message.ocr else progress.ocr_tasks.discard)(task.task_id)
            return None
        progress.current_pages.pop(task.task_id, None)
        progress.page_totals.pop(task.task_id, None)
        progress.ocr_tasks.discard(task.task_id)
        progress.files_done += 1
        worker.task = None
        if isinstance(message, Failed):
            worker.retiring = message.retiring
            out[task.path] = FileResult(file=task.path, status=FAILED, error=message.reason, seconds=message.seconds)
            return out[task.path]
        assert isinstance(message, Parsed)
        start = time.monotonic()
        progress.writing = task.path
        self._notify(progress, workers, None)
        try:
            written = writer.run(documents=message.chunks, page_counts=[{task.doc_id: message.pages}])
            record = written["records"][0]
        except Exception as exc:  # the writer has removed the document's partial points
            out[task.path] = FileResult(file=task.path, status=FAILED, error=write_error(exc))
            return out[task.path]
        finally:
            progress.writing = ""
        progress.pages_done += record["pages"]
        out[task.path] = FileResult(
            file=task.path,
            status=INGESTED,
            doc_id=record["doc_id"],
            pages=record["pages"],
            chunks=record["chunks"],
            figures=record["figures"],
            tables=record["tables"],
            seconds=message.seconds + time.monotonic() - start,
            stages={**message.stages, "write": time.monotonic() - start},
            peak_rss_mb=message.peak_rss_mb,
            note=_note(record),
        )
        return out[task.path]


class _Stopped(Exception):
    """Raised inside the batch when ``stop`` is set; turned into BatchInterrupted by ``run``."""


def _problem(path: str, why: str) -> FileResult:
    if why.startswith(SKIPPED_PREFIX):
        return FileResult(file=path, status=SKIPPED, note=why.removeprefix(SKIPPED_PREFIX))
    return FileResult(file=path, status=FAILED, error=why)


def write_error(exc: Exception) -> str:
    """The reason a document could not be written; it is not visible either way (see DocsightDocumentWriter)."""
    if isinstance(exc, StoreError):
        return str(exc)
    text = str(exc)
    if getattr(exc, "errno", None) == errno.ENOSPC or "disk is full" in text or "No space left" in text:
        return (
            "disk full: the store ran out of space while writing this document; none of it is visible and the "
            "next run ingests it again once there is room"
        )
    return f"write failed: {type(exc).__name__}: {text}"


def _note(record: dict) -> str | None:
    notes = []
    if record["replaced"]:
        notes.append(f"replaced {len(record['replaced'])} older version(s)")
    if record.get("empty_pages"):
        pages = record["empty_pages"]
        listed = ", ".join(map(str, pages[:10])) + (" ..." if len(pages) > 10 else "")
        notes.append(f"no text on {len(pages)} page(s): {listed}")
    for page, reason in list(record.get("unreadable_pages", {}).items())[:3]:
        notes.append(f"page {page}: no readable text ({reason}); its image is kept for the vision model")
    return "; ".join(notes) or None
