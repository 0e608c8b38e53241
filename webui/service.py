"""What the web UI does with the store, the pipelines and Ollama: one instance per settings per process, shared by
every browser session and kept across Streamlit reruns (the embedded store admits one opener per process).

Streamlit-free, so it is tested directly; the pages only render what it returns.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.batch.report import FAILED, FileResult
from pipelines.embedders import embedding_model_name
from pipelines.generation.ollama_status import OllamaError, check_ollama
from pipelines.page_view import outline_region, page_image
from pipelines.query import ask, build_query_pipeline
from pipelines.retrieval import build_retrieval_pipeline, retrieve
from pipelines.settings import Settings
from pipelines.sources import Source
from pipelines.store import open_store
from webui.ingest_jobs import IngestJob, IngestQueue
from webui.uploads import UploadError, is_upload, safe_filename, save_upload

_services: dict[Settings, DocsightService] = {}
_services_lock = threading.Lock()


@dataclass
class OllamaReport:
    """Ollama as the status panel shows it."""

    url: str
    reachable: bool
    version: str = ""
    error: str = ""
    models: dict[str, bool] = field(default_factory=dict)  # configured model -> pulled

    def has(self, model: str) -> bool:
        return self.models.get(model, False)


class DocsightService:
    def __init__(self, settings: Settings) -> None:
        """:raises StoreLockedError, StoreUnavailableError, EmbeddingModelMismatchError: see ``open_store``."""
        self.settings = settings
        self.store, self.registry = open_store(settings)
        self.ingests = IngestQueue(settings, self.store)
        self._pipelines: dict[str, object] = {}
        self._pipelines_lock = threading.Lock()
        self._ollama: tuple[float, OllamaReport] | None = None

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
        self, question: str, *, mode: str = "auto", top_k: int = 8, doc_ids: list[str] | None = None, on_token=None
    ) -> dict:
        """Answer with the query pipeline (see :func:`pipelines.query.ask`); ``on_token`` receives streamed text."""
        callback = None if on_token is None else (lambda chunk: on_token(chunk.content or ""))
        return ask(
            self._pipeline("query"),
            question,
            mode=mode,
            top_k=top_k,
            streaming_callback=callback,
            doc_ids=doc_ids or None,
        )

    def _pipeline(self, name: str):
        with self._pipelines_lock:
            if name not in self._pipelines:
                build = build_query_pipeline if name == "query" else build_retrieval_pipeline
                self._pipelines[name] = build(self.settings, self.store)
            return self._pipelines[name]

    def page_with_region(self, source: Source):
        """The full page of a source with its region outlined (a PIL image).

        :raises PageUnavailableError: the file cannot be rendered here; the message says why.
        """
        record = self.registry.get(source.doc_id)
        path = record.path if record is not None else source.source
        image = page_image(path, source.page)
        return outline_region(image, source.bbox, source.page_size or [])

    # -- status -------------------------------------------------------------------------------------------------------
    def store_status(self) -> dict:
        client = self.store._client
        info = self.registry.info() or {}
        return {
            "mode": "server" if self.settings.qdrant_url else "embedded",
            "location": self.settings.qdrant_location,
            "collection": self.settings.collection,
            "points": client.count(self.settings.collection, exact=True).count,
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
            report = OllamaReport(url, True, status.version, models={m: status.has(m) for m in wanted})
        except OllamaError as exc:
            report = OllamaReport(url, False, error=str(exc), models=dict.fromkeys(wanted, False))
        self._ollama = (now, report)
        return report
