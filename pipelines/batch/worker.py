"""The worker process of a batch ingestion: runs the indexing pipeline (without the writer) on one file at a time.

It takes :class:`~pipelines.batch.messages.Task` s and answers with the messages of :mod:`pipelines.batch.messages`
on ``results``. A worker that dies is detected by the parent.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import time
import traceback

from haystack import tracing

from ingest import timing as stage_clock
from ingest.errors import IngestError, OutOfMemoryError, UnsupportedFormatError, causes, find_cause, summarize
from ingest.filetypes import MIME_TYPES
from ingest.schema import Meta
from pipelines.batch.messages import Failed, PageProgress, Parsed, Ready, Task
from pipelines.batch.timing import ComponentTimer
from pipelines.settings import Settings


def describe_error(exc: BaseException, memory_limit_mb: int | None = None) -> str:
    """The user-facing reason for a failed file: the IngestError inside pipeline wrappers, if any."""
    limit = f" (the limit is {memory_limit_mb} MB, DOCSIGHT_MAX_WORKER_MEMORY_MB)" if memory_limit_mb else ""
    found = find_cause(exc, IngestError)
    if found is not None:
        return found.message + (limit if isinstance(found, OutOfMemoryError) else "")
    if out_of_memory(exc):
        return f"too large: parsing it needs more memory than a worker may use{limit}"
    return f"internal error: {summarize(exc, 480)}"


_NATIVE_OOM = ("bad_alloc", "failed to allocate memory", "cannot allocate memory", "unable to allocate")


def out_of_memory(exc: BaseException) -> bool:
    """A MemoryError, or a native library's allocation failure (onnxruntime, NumPy) behind ``exc``."""
    if find_cause(exc, MemoryError) is not None:
        return True
    return any(marker in str(link).lower() for link in causes(exc) for marker in _NATIVE_OOM)


def limit_memory(limit_mb: int) -> None:
    """Cap this process's heap (RLIMIT_DATA: every private writable mapping, close to what it really uses): an
    allocation beyond it fails with MemoryError instead of growing until the machine swaps or the OOM killer picks
    a victim. Tesseract, run as a child process, inherits the cap."""
    import resource

    if limit_mb <= 0:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    limit = limit_mb * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))


def stage_seconds(components: dict[str, float], inner: dict[str, float]) -> dict[str, float]:
    """Seconds per ingestion stage: parse (converters without crops and OCR), ocr, crop, chunk, embed."""
    convert = components.get("pdf_converter", 0.0) + components.get("image_converter", 0.0)
    return {
        "parse": max(0.0, convert - inner.get("crop", 0.0) - inner.get("ocr", 0.0)),
        "ocr": inner.get("ocr", 0.0),
        "crop": inner.get("crop", 0.0),
        "chunk": components.get("chunker", 0.0) + components.get("joiner", 0.0) + components.get("router", 0.0),
        "embed_dense": components.get("dense_embedder", 0.0),
        "embed_sparse": components.get("sparse_embedder", 0.0),
    }


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (Linux reports KiB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def process(pipeline, task: Task, on_page) -> tuple[list, int]:
    """Run the pipeline on one file; returns its embedded chunks and its page count.

    The file's type and sha256 come with the task: the router, the converters and ``file_meta`` do not read the
    file again for them.

    :raises IngestError: (possibly wrapped) when the file cannot be ingested.
    """
    known = {Meta.DOC_ID: task.doc_id, Meta.MIME_TYPE: MIME_TYPES[task.file_type]}  # for its one source
    if task.identity_edits:  # applied by the identifier over what the content gives
        known[Meta.IDENTITY_EDITS] = task.identity_edits
    data = {
        "router": {"sources": [task.path], "file_types": [task.file_type]},
        "pdf_converter": {
            "meta": known,
            "on_page": on_page,
            "passwords": {task.path: task.password} if task.password else None,
        },
        "image_converter": {"meta": known, "on_page": on_page},
    }
    out = pipeline.run(data)
    if out.get("router", {}).get("unsupported"):
        raise UnsupportedFormatError(task.path, "not a PDF or a supported image")
    counts = {
        **out.get("pdf_converter", {}).get("page_counts", {}),
        **out.get("image_converter", {}).get("page_counts", {}),
    }
    return out["sparse_embedder"]["documents"], counts.get(task.doc_id, 0)


def worker_main(worker_id: int, settings: Settings, tasks, results) -> None:
    """A worker's loop over tasks until ``None``; started by :func:`pipelines.batch.worker_entry.start`, which has
    already made it die with the batch process and ignore Ctrl-C."""
    from pipelines.indexing import build_indexing_pipeline

    pipeline = build_indexing_pipeline(settings)
    pipeline.warm_up()
    limit_memory(settings.max_worker_memory_mb)
    timer = ComponentTimer()
    tracing.enable_tracing(timer)
    results.put(Ready(worker_id))
    while True:
        task = _next_task(tasks, results)
        if task is None:
            return
        start = time.monotonic()
        on_page = _PageReporter(results, worker_id, task.task_id)

        try:
            timer.take()
            stage_clock.take()
            chunks, pages = process(pipeline, task, on_page)
            stages = stage_seconds(timer.take(), stage_clock.take())
            seconds = time.monotonic() - start
            results.put(Parsed(worker_id, task.task_id, chunks, pages, seconds, stages, peak_rss_mb()))
        except Exception as exc:
            reason = describe_error(exc, settings.max_worker_memory_mb)
            if reason.startswith("internal error"):
                traceback.print_exc()
            # a failed allocation can leave native libraries in a bad state: a fresh worker takes over
            retiring = out_of_memory(exc)
            results.put(Failed(worker_id, task.task_id, reason, time.monotonic() - start, retiring))
            if retiring:
                return


def _next_task(tasks, results) -> Task | None:
    """The next task; ``None`` when told to stop or when the batch process is gone (killed: nobody will ever send
    ``None``, and an orphaned worker would otherwise wait forever holding its models in memory)."""
    parent = mp.parent_process()
    while True:
        try:
            return tasks.get(timeout=1.0)
        except queue.Empty:
            if parent is not None and not parent.is_alive():
                # nobody reads our last messages any more: exit without waiting for them to be flushed
                results.cancel_join_thread()
                return None


class _PageReporter:
    """Sends page progress to the parent, at most four times a second; stops the worker if the parent is gone."""

    def __init__(self, results, worker_id: int, task_id: int) -> None:
        self.results, self.worker_id, self.task_id, self.last = results, worker_id, task_id, 0.0
        self.parent = mp.parent_process()

    def to_dict(self) -> dict:  # lets Haystack snapshot pipeline inputs when a component fails
        return {"worker_id": self.worker_id, "task_id": self.task_id}

    def __call__(self, done: int, total: int, ocr: bool = False) -> None:
        now = time.monotonic()
        if done == total or now - self.last > 0.25:
            self.last = now
            if self.parent is not None and not self.parent.is_alive():
                os._exit(0)  # the batch was killed: the rest of this file would be parsed for nobody
            self.results.put(PageProgress(self.worker_id, self.task_id, done, total, ocr))
