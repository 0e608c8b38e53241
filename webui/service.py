"""What the web UI does with the store, the pipelines and Ollama: one instance per settings per process, shared by
every browser session and kept across Streamlit reruns (the embedded store admits one opener per process).

Streamlit-free, so it is tested directly; the pages only render what it returns.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.batch.report import FAILED, FileResult
from pipelines.embedders import embedding_model_name
from pipelines.generation.ollama_status import OllamaError, check_ollama
from pipelines.page_view import PageUnavailableError, crop_region, outline_region, page_count, page_image
from pipelines.query import ask, build_query_pipeline
from pipelines.retrieval import build_retrieval_pipeline, retrieve
from pipelines.settings import Settings
from pipelines.sources import Source
from pipelines.store import open_store
from webui.feedback import FeedbackStore
from webui.ingest_jobs import IngestJob, IngestQueue
from webui.uploads import UploadError, is_upload, safe_filename, save_upload

_services: dict[Settings, DocsightService] = {}
_services_lock = threading.Lock()
log = logging.getLogger("docsight.webui")


@dataclass
class OllamaReport:
    """Ollama as the status panel shows it."""

    url: str
    reachable: bool
    version: str = ""
    error: str = ""
    models: dict[str, bool] = field(default_factory=dict)  # configured model -> pulled
    available: list[str] = field(default_factory=list)  # every model Ollama has pulled

    def has(self, model: str) -> bool:
        """Whether ``model`` (configured or chosen from ``available``) is pulled."""
        return self.models.get(model, False) or model in self.available or f"{model}:latest" in self.available


class DocsightService:
    def __init__(self, settings: Settings) -> None:
        """:raises StoreLockedError, StoreUnavailableError, EmbeddingModelMismatchError: see ``open_store``."""
        self.settings = settings
        self.store = open_store(settings)
        self.registry = self.store.registry
        self.ingests = IngestQueue(settings, self.store)
        self._pipelines: dict[str, object] = {}
        self._pipelines_lock = threading.Lock()
        self._ollama: tuple[float, OllamaReport] | None = None
        self.feedback = FeedbackStore(settings.feedback_db)

    @classmethod
    def shared(cls, settings: Settings) -> DocsightService:
        """The process-wide service for ``settings`` (created on first use)."""
        with _services_lock:
            service = _services.get(settings)
            if service is None:
                service = _services[settings] = cls(settings)
            return service

    @classmethod
    def close_all(cls) -> None:
        with _services_lock:
            for service in _services.values():
                service.ingests.close()
                service.store.close()
            _services.clear()

    # -- documents ------------------------------------------------------------------------------------------------
    def documents(self) -> list:
        return self.registry.all()

    def delete(self, doc_id: str) -> None:
        """Remove a document's points and record, and its uploaded file (files ingested from elsewhere stay)."""
        record = self.registry.get(doc_id)
        self.registry.delete(doc_id)
        if record is not None and is_upload(record.path, self.settings.upload_dir):
            Path(record.path).unlink(missing_ok=True)

    def delete_many(self, doc_ids: list[str]) -> None:
        for doc_id in doc_ids:
            self.delete(doc_id)

    def chunks(self, doc_id: str) -> list[Source]:
        """A document's chunks in reading order (page, then chunk index), with their crops."""
        docs = self.store.filter_documents(
            filters={
                "operator": "AND",
                "conditions": [
                    {"field": "meta.doc_id", "operator": "==", "value": doc_id},
                    {"field": "meta.committed", "operator": "==", "value": True},
                ],
            }
        )
        docs.sort(key=lambda d: (int(d.meta.get("page", 0)), int(d.meta.get("chunk_index", 0))))
        return [Source.from_document(n, doc) for n, doc in enumerate(docs, start=1)]

    def original(self, doc_id: str) -> tuple[str, bytes] | None:
        """(file name, bytes) of a document's ingested file; None when it is no longer readable here."""
        record = self.registry.get(doc_id)
        try:
            return (record.source, Path(record.path).read_bytes()) if record is not None else None
        except OSError:
            return None

    def page_count(self, doc_id: str) -> int:
        record = self.registry.get(doc_id)
        return 0 if record is None else (record.pages or page_count(record.path))

    def remove_failed(self, job_id: int) -> int:
        """Forget a finished job's failed files and delete those the UI stored (an upload no document uses).

        :returns: the number of files deleted.
        """
        job = self.ingests.job(job_id)
        in_use = {str(Path(r.path).resolve()) for r in self.documents()}
        deleted = 0
        for result in job.failed:
            job.removed.add(result.file)
            path = Path(result.file)
            if path.is_file() and is_upload(path, self.settings.upload_dir) and str(path.resolve()) not in in_use:
                path.unlink(missing_ok=True)
                deleted += 1
                log.info("removed failed upload %s", path.name)
        return deleted

    def retry_with_password(self, job_id: int, file: str, password: str) -> IngestJob:
        """Ingest a file that failed as encrypted again with its password; the old failure is forgotten."""
        self.ingests.job(job_id).removed.add(file)
        return self.ingests.submit([Path(file)], passwords={file: password, Path(file).name: password})

    def ingest_uploads(self, uploads: list[tuple[str, bytes]]) -> IngestJob:
        """Store uploaded files (name, bytes) and queue their ingestion; refused uploads are failed results."""
        paths, rejected = [], []
        for name, data in uploads:
            try:
                paths.append(
                    save_upload(self.settings.upload_dir, name, data, max_bytes=self.settings.max_file_mb << 20)
                )
            except UploadError as exc:
                rejected.append(FileResult(file=safe_filename(name), status=FAILED, error=exc.reason))
        return self.ingests.submit(paths, rejected)

    def reingest(self, doc_id: str) -> IngestJob:
        """Parse a document's file again (after a docsight upgrade, say): its old points go, the file stays."""
        record = self.registry.get(doc_id)
        if record is None:
            raise KeyError(doc_id)
        if not Path(record.path).is_file():
            result = FileResult(file=record.path, status=FAILED, error="the original file is no longer there")
            return self.ingests.submit([], [result])
        self.registry.delete(doc_id)
        return self.ingests.submit([Path(record.path)])

    # -- questions --------------------------------------------------------------------------------------------------
    def retrieve(self, question: str, *, top_k: int = 8, doc_ids: list[str] | None = None) -> list[Source]:
        docs = retrieve(self._pipeline("retrieval"), question, top_k=top_k, doc_ids=doc_ids or None)
        return [Source.from_document(rank, doc) for rank, doc in enumerate(docs, start=1)]

    def ask(
        self,
        question: str,
        *,
        mode: str = "auto",
        top_k: int = 8,
        doc_ids: list[str] | None = None,
        on_token=None,
        text_model: str = "",
        vision_model: str = "",
        temperature: float | None = None,
    ) -> dict:
        """Answer with the query pipeline (see :func:`pipelines.query.ask`); ``on_token`` receives streamed text;
        ``text_model``/``vision_model`` replace the configured models for this question."""
        callback = None if on_token is None else (lambda chunk: on_token(chunk.content or ""))
        start = time.monotonic()
        result = ask(
            self._pipeline("query", text_model or self.settings.text_model, vision_model or self.settings.vision_model),
            question,
            mode=mode,
            top_k=top_k,
            streaming_callback=callback,
            temperature=temperature,
            doc_ids=doc_ids or None,
        )
        log.info(
            "question answered in %.1f s: route %s, model %s, %d sources, %d cited",
            time.monotonic() - start,
            result["route"],
            result["model"] or "none",
            len(result["sources"]),
            len(result["citations"]),
        )
        return result

    def _pipeline(self, name: str, text_model: str = "", vision_model: str = ""):
        key = (name, text_model, vision_model)
        with self._pipelines_lock:
            if key not in self._pipelines:
                if name == "query":
                    chosen = dataclasses.replace(self.settings, text_model=text_model, vision_model=vision_model)
                    self._pipelines[key] = build_query_pipeline(chosen, self.store)
                else:
                    self._pipelines[key] = build_retrieval_pipeline(self.settings, self.store)
            return self._pipelines[key]

    def page_with_region(self, source: Source):
        """The full page of a source with its region outlined (a PIL image).

        :raises PageUnavailableError: the file cannot be rendered here; the message says why.
        """
        record = self.registry.get(source.doc_id)
        path = record.path if record is not None else source.source
        image = page_image(path, source.page)
        return outline_region(image, source.bbox, source.page_size or [])

    def page(self, doc_id: str, page: int, *, bbox=None, page_size=None, max_side: int = 1400):
        """Page ``page`` of a stored document, with ``bbox`` outlined when given (a PIL image).

        :raises PageUnavailableError: see :meth:`page_with_region`.
        """
        record = self.registry.get(doc_id)
        if record is None:
            raise PageUnavailableError("the document is no longer stored")
        image = page_image(record.path, page, max_side=max_side)
        return outline_region(image, bbox or [], page_size or []) if bbox else image

    def region_image(self, source: Source):
        """The region of a source cut from its page (an OCRed text block's image); the whole page without a box.

        :raises PageUnavailableError: see :meth:`page_with_region`.
        """
        record = self.registry.get(source.doc_id)
        image = page_image(record.path if record is not None else source.source, source.page)
        return crop_region(image, source.bbox, source.page_size or [])

    # -- status -------------------------------------------------------------------------------------------------------
    def store_status(self) -> dict:
        info = self.registry.info() or {}
        return {
            "mode": "embedded" if self.store.embedded else "server",
            "location": self.settings.qdrant_location,
            "collection": self.settings.collection,
            "points": self.store.point_count(),
            "documents": len(self.documents()),
            "embedding_model": info.get("embedding_model") or embedding_model_name(self.settings),
        }

    def ollama_status(self, max_age_s: float = 10.0) -> OllamaReport:
        """Reachability and pulled models, cached for ``max_age_s`` (each page render asks)."""
        now = time.monotonic()
        if self._ollama is not None and now - self._ollama[0] < max_age_s:
            return self._ollama[1]
        wanted = [self.settings.text_model, self.settings.vision_model]
        url = self.settings.ollama_url
        try:
            status = check_ollama(url, [], timeout=3.0, api_key=self.settings.ollama_api_key)
            report = OllamaReport(
                url, True, status.version, models={m: status.has(m) for m in wanted}, available=sorted(status.models)
            )
        except OllamaError as exc:
            report = OllamaReport(url, False, error=str(exc), models=dict.fromkeys(wanted, False))
        self._ollama = (now, report)
        return report
