"""The web UI's service: :class:`pipelines.service.DocsightService` plus what only the UI does — uploads, the
ingestion queue, ratings and page images. One instance per settings per process, shared by every browser session
and kept across Streamlit reruns (the embedded store admits one opener per process).

Streamlit-free, so it is tested directly; the pages only render what it returns.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from pathlib import Path

from pipelines.batch.report import FAILED, FileResult
from pipelines.service import DocsightService
from pipelines.settings import Settings
from pipelines.sources import Source
from retrievers.collections import CollectionInfo, CollectionNameError, check_name, delete_collection, list_collections
from webui.feedback import FeedbackStore
from webui.ingest_jobs import IngestJob, IngestQueue
from webui.page_view import PageUnavailableError, crop_region, outline_region, page_count, page_image
from webui.uploads import UploadError, is_upload, safe_filename, save_upload

_services: dict[Settings, WebService] = {}
_services_lock = threading.Lock()
_chosen: dict[tuple[str, str], str] = {}  # (store path, server URL) -> the collection the UI works on
log = logging.getLogger("docsight.webui")


class IngestRunningError(RuntimeError):
    """The UI cannot do this while an ingestion runs."""


class WebService(DocsightService):
    def __init__(self, settings: Settings) -> None:
        """:raises StoreLockedError, StoreUnavailableError, EmbeddingModelMismatchError: see ``open_store``."""
        super().__init__(settings)
        self.ingests = IngestQueue(settings, self.store)
        self.feedback = FeedbackStore(settings.feedback_db)

    @classmethod
    def shared(cls, settings: Settings) -> WebService:
        """The process-wide service for ``settings`` (created on first use)."""
        with _services_lock:
            service = _services.get(settings)
            if service is None:
                service = _services[settings] = cls(settings)
            return service

    # -- collections ----------------------------------------------------------------------------------------------
    @staticmethod
    def chosen_settings(settings: Settings) -> Settings:
        """``settings`` with the collection chosen in the UI (the configured one until a user picks another). The
        choice is the process's, shared by every browser session: an embedded store admits one client, so the UI
        holds one collection open at a time."""
        collection = _chosen.get((settings.qdrant_path, settings.qdrant_url))
        return dataclasses.replace(settings, collection=collection) if collection else settings

    def collections(self) -> list[CollectionInfo]:
        """The store's collections with their documents, points and embedding model."""
        with self.store.lock():
            return list_collections(self.store.client)

    def switch_collection(self, name: str) -> WebService:
        """Work on collection ``name`` from now on (created when it does not exist); returns its service.

        :raises CollectionNameError: not a valid name. :raises IngestRunningError: an ingestion is running.
        """
        check_name(name)
        key = (self.settings.qdrant_path, self.settings.qdrant_url)
        with _services_lock:
            if any(service.ingests.active() for service in _services.values()):
                raise IngestRunningError("wait until the ingestion finishes before switching collections")
            for service in _services.values():
                service.ingests.close()
                service.close()
            _services.clear()
            _chosen[key] = name
        return WebService.shared(dataclasses.replace(self.settings, collection=name))

    def delete_collection(self, name: str) -> CollectionInfo:
        """Remove collection ``name`` and everything in it (not the one open: switch to another first).

        :raises CollectionNameError: it is the open collection. :raises CollectionNotFoundError: no such one.
        """
        if name == self.settings.collection:
            raise CollectionNameError(f"{name!r} is the collection in use: switch to another one to delete it")
        with self.store.lock():
            return delete_collection(self.store.client, name)

    @classmethod
    def close_all(cls) -> None:
        with _services_lock:
            for service in _services.values():
                service.ingests.close()
                service.close()
            _services.clear()
            _chosen.clear()

    # -- documents ------------------------------------------------------------------------------------------------
    def delete(self, doc_id: str) -> None:
        """Remove a document's points and record, and its uploaded file (files ingested from elsewhere stay)."""
        record = self.document(doc_id)
        super().delete(doc_id)
        if record is not None and is_upload(record.path, self.settings.upload_dir):
            Path(record.path).unlink(missing_ok=True)

    def delete_many(self, doc_ids: list[str]) -> None:
        for doc_id in doc_ids:
            self.delete(doc_id)

    def original(self, doc_id: str) -> tuple[str, bytes] | None:
        """(file name, bytes) of a document's ingested file; None when it is no longer readable here."""
        record = self.document(doc_id)
        try:
            return (record.source, Path(record.path).read_bytes()) if record is not None else None
        except OSError:
            return None

    def page_count(self, doc_id: str) -> int:
        record = self.document(doc_id)
        return 0 if record is None else (record.pages or page_count(record.path))

    # -- uploads and ingestion ----------------------------------------------------------------------------------------
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
        record = self.document(doc_id)
        if record is None:
            raise KeyError(doc_id)
        if not Path(record.path).is_file():
            result = FileResult(file=record.path, status=FAILED, error="the original file is no longer there")
            return self.ingests.submit([], [result])
        self.registry.delete(doc_id)
        return self.ingests.submit([Path(record.path)])

    # -- page images --------------------------------------------------------------------------------------------------
    def page_with_region(self, source: Source):
        """The full page of a source with its region outlined (a PIL image).

        :raises PageUnavailableError: the file cannot be rendered here; the message says why.
        """
        image = page_image(self._path_of(source), source.page)
        return outline_region(image, source.bbox, source.page_size or [])

    def page(self, doc_id: str, page: int, *, bbox=None, page_size=None, max_side: int = 1400):
        """Page ``page`` of a stored document, with ``bbox`` outlined when given (a PIL image).

        :raises PageUnavailableError: see :meth:`page_with_region`.
        """
        record = self.document(doc_id)
        if record is None:
            raise PageUnavailableError("the document is no longer stored")
        image = page_image(record.path, page, max_side=max_side)
        return outline_region(image, bbox or [], page_size or []) if bbox else image

    def region_image(self, source: Source):
        """The region of a source cut from its page (an OCRed text block's image); the whole page without a box.

        :raises PageUnavailableError: see :meth:`page_with_region`.
        """
        image = page_image(self._path_of(source), source.page)
        return crop_region(image, source.bbox, source.page_size or [])

    def _path_of(self, source: Source) -> str:
        record = self.document(source.doc_id)
        return record.path if record is not None else source.source
