"""The worker process of a batch ingestion: runs the indexing pipeline (without the writer) on one file at a time.

Messages to the parent, on ``results``: ``("ready", wid, None)``, ``("page", wid, task, done, total)``,
``("done", wid, task, chunks, seconds, stats)`` and ``("failed", wid, task, reason, seconds)``.
A worker that dies is detected by the parent.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from haystack import tracing

from ingest import timing as stage_clock
from ingest.errors import IngestError, UnsupportedFormatError, find_cause
from ingest.filetypes import detect_type
from pipelines.batch.timing import ComponentTimer
from pipelines.settings import Settings


@dataclass(frozen=True)
class Task:
    task_id: int
    path: str
    password: str | None = None


def describe_error(exc: BaseException) -> str:
    """The user-facing reason for a failed file: the IngestError inside pipeline wrappers, if any."""
    found = find_cause(exc, IngestError)
    if found is not None:
        return found.message
    if isinstance(exc, MemoryError):
        return "too large: ran out of memory while parsing"
    return f"internal error: {type(exc).__name__}: {exc}"[:500]


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


def process(pipeline, task: Task, on_page) -> list:
    """Run the pipeline on one file; returns its embedded chunks.

    :raises IngestError: (possibly wrapped) when the file cannot be ingested.
    """
    detect_type(Path(task.path))  # a specific error (empty, unsupported) before any parsing
    data = {
        "router": {"sources": [task.path]},
        "pdf_converter": {"on_page": on_page, "passwords": {task.path: task.password} if task.password else None},
        "image_converter": {"on_page": on_page},
    }
    out = pipeline.run(data)
    if out.get("router", {}).get("unsupported"):
        raise UnsupportedFormatError(task.path, "not a PDF or a supported image")
    return out["sparse_embedder"]["documents"]


def worker_main(worker_id: int, settings: Settings, tasks, results) -> None:
    """Entry point of a worker process: loop over tasks until ``None``."""
    from pipelines.indexing import build_indexing_pipeline

    pipeline = build_indexing_pipeline(settings)
    pipeline.warm_up()
    timer = ComponentTimer()
    tracing.enable_tracing(timer)
    results.put(("ready", worker_id, None))
    while True:
        task = tasks.get()
        if task is None:
            return
        start = time.monotonic()
        on_page = _PageReporter(results, worker_id, task.task_id)

        try:
            timer.take()
            stage_clock.take()
            chunks = process(pipeline, task, on_page)
            stats = {"stages": stage_seconds(timer.take(), stage_clock.take()), "peak_rss_mb": peak_rss_mb()}
            results.put(("done", worker_id, task.task_id, chunks, time.monotonic() - start, stats))
        except Exception as exc:
            reason = describe_error(exc)
            if reason.startswith("internal error"):
                traceback.print_exc()
            results.put(("failed", worker_id, task.task_id, reason, time.monotonic() - start))


class _PageReporter:
    """Sends page progress to the parent, at most four times a second."""

    def __init__(self, results, worker_id: int, task_id: int) -> None:
        self.results, self.worker_id, self.task_id, self.last = results, worker_id, task_id, 0.0

    def to_dict(self) -> dict:  # lets Haystack snapshot pipeline inputs when a component fails
        return {"worker_id": self.worker_id, "task_id": self.task_id}

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done == total or now - self.last > 0.25:
            self.last = now
            self.results.put(("page", self.worker_id, self.task_id, done, total))
