"""What the batch process and its workers send each other (over multiprocessing queues, so everything pickles).

To a worker: a :class:`Task`, or ``None`` to stop. From a worker: :class:`Ready` once its models are loaded, then
per task :class:`PageProgress` now and then and one :class:`Parsed` or :class:`Failed`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from haystack import Document


@dataclass(frozen=True)
class Task:
    """One file to parse. The batch process has read it already: its sha256 (``doc_id``) and its content type
    (``file_type``, one of ``ingest.filetypes.SUPPORTED_TYPES``) travel with it, so the worker does neither again."""

    task_id: int
    path: str
    doc_id: str
    file_type: str
    password: str | None = None
    identity_edits: dict | None = None  # what the user corrected of this content's identity (docsight docs set)


@dataclass(frozen=True)
class Ready:
    worker_id: int


@dataclass(frozen=True)
class PageProgress:
    worker_id: int
    task_id: int
    done: int
    total: int
    ocr: bool = False  # the last page was read by OCR


@dataclass(frozen=True)
class Parsed:
    """The file's embedded chunks, ready to be written; ``pages`` is its page count (pages without text too)."""

    worker_id: int
    task_id: int
    chunks: list[Document]
    pages: int
    seconds: float
    stages: dict[str, float] = field(default_factory=dict)  # seconds per ingestion stage
    peak_rss_mb: float = 0.0


@dataclass(frozen=True)
class Failed:
    """The file cannot be ingested, for ``reason``. A ``retiring`` worker exits after this message (it ran out of
    memory, which can leave native libraries in a bad state) and takes no further task."""

    worker_id: int
    task_id: int
    reason: str
    seconds: float
    retiring: bool = False


WorkerMessage = Ready | PageProgress | Parsed | Failed
