"""What every front end does with the store, the pipelines and Ollama: the CLI, the web UI, eval and the API.

Streamlit-free: the web UI adds uploads, its ingestion queue and page images on top (``webui.service``); the CLI
renders what it returns. Pipelines are built once per model pair and reused (the UI keeps one service per process).
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from haystack.dataclasses import StreamingChunk

from pipelines.answer import Answer
from pipelines.embedders import embedding_model_name
from pipelines.generation.errors import OllamaError
from pipelines.retrieval import build_retrieval_pipeline, retrieve
from pipelines.settings import Settings
from pipelines.sources import Source
from pipelines.store import open_store
from retrievers.document_registry import DocumentRecord
from retrievers.errors import CollectionNotFoundError

log = logging.getLogger("docsight.service")


@dataclass(frozen=True)
class DocumentInfo:
    """One stored document as listings show it."""

    doc_id: str
    source: str
    path: str
    pages: int
    chunks: int
    figures: int
    tables: int
    mime_type: str = ""
    empty_pages: list[int] = field(default_factory=list)  # pages that yielded no text, even after OCR
    unreadable_pages: dict[str, str] = field(default_factory=dict)  # page -> why its OCR reading was not text
    language: str = ""
    ingested_at: str = ""

    @classmethod
    def from_record(cls, record: DocumentRecord) -> DocumentInfo:
        summary = record.summary()
        return cls(**{f.name: summary[f.name] for f in dataclasses.fields(cls) if f.name in summary})

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclass
class OllamaReport:
    """Ollama as a status panel shows it."""

    url: str
    reachable: bool
    version: str = ""
    error: str = ""
    models: dict[str, bool] = field(default_factory=dict)  # configured model -> pulled
    available: list[str] = field(default_factory=list)  # every model Ollama has pulled

    def has(self, model: str) -> bool:
        """Whether ``model`` (configured or chosen from ``available``) is pulled."""
        return self.models.get(model, False) or model in self.available or f"{model}:latest" in self.available


class NoDocumentMatchError(LookupError):
    """No stored document has the doc id, id prefix or file name asked for."""


class DocsightService:
    """Documents, retrieval and answers over one store (opened here, closed by :meth:`close`)."""

    def __init__(self, settings: Settings) -> None:
        """:raises StoreLockedError, StoreUnavailableError, EmbeddingModelMismatchError: see ``open_store``."""
        self.settings = settings
        self.store = open_store(settings)
        self.registry = self.store.registry
        self._pipelines: dict[tuple, object] = {}
        self._pipelines_lock = threading.Lock()
        self._ollama: tuple[float, OllamaReport] | None = None

    def close(self) -> None:
        self.store.close()

    # -- documents ------------------------------------------------------------------------------------------------
    def documents(self) -> list[DocumentInfo]:
        return [DocumentInfo.from_record(r) for r in self.registry.all()]

    def document(self, doc_id: str) -> DocumentInfo | None:
        record = self.registry.get(doc_id)
        return None if record is None else DocumentInfo.from_record(record)

    def require_documents(self) -> list[DocumentInfo]:
        """The stored documents; an empty collection is an error that says how to fill it.

        :raises CollectionNotFoundError: the collection has no documents.
        """
        documents = self.documents()
        if not documents:
            settings = self.settings
            raise CollectionNotFoundError(
                f"collection '{settings.collection}' at {settings.qdrant_location} has no documents; "
                f"ingest some first: docsight ingest PATH... --collection {settings.collection}"
            )
        return documents

    def resolve(self, names: list[str]) -> list[DocumentInfo]:
        """The documents ``names`` point at, in the order named ("the second chart" means the second): each name
        is a doc id, a file name, or a doc id prefix of at least 8 characters.

        :raises NoDocumentMatchError: no document matches any of ``names``.
        """
        documents = self.documents()
        found = {
            d.doc_id: d
            for name in names
            for d in documents
            if name in (d.doc_id, d.source) or (len(name) >= 8 and d.doc_id.startswith(name))
        }
        if not found:
            raise NoDocumentMatchError(
                f"no document matches {', '.join(map(repr, names))} in collection {self.settings.collection}"
            )
        return list(found.values())

    def delete(self, doc_id: str) -> None:
        """Remove a document's points and its record."""
        self.registry.delete(doc_id)

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

    # -- questions --------------------------------------------------------------------------------------------------
    def retrieve(
        self,
        question: str,
        *,
        top_k: int = 8,
        doc_ids: list[str] | None = None,
        kinds: list[str] | None = None,
        page_from: int | None = None,
        page_to: int | None = None,
    ) -> list[Source]:
        """The ``top_k`` best sources for ``question``, numbered from 1 (no model involved).

        :raises StoreError: the store failed.
        """
        docs = retrieve(
            self._pipeline("retrieval"),
            question,
            top_k=top_k,
            doc_ids=doc_ids or None,
            kinds=kinds,
            page_from=page_from,
            page_to=page_to,
        )
        return [Source.from_document(rank, doc) for rank, doc in enumerate(docs, start=1)]

    def ask(
        self,
        question: str,
        *,
        mode: str = "auto",
        top_k: int = 8,
        doc_ids: list[str] | None = None,
        on_token: Callable[[str], None] | None = None,
        text_model: str = "",
        vision_model: str = "",
        temperature: float | None = None,
    ) -> Answer:
        """Answer with the query pipeline (see :func:`pipelines.query.ask`); the answer streams into ``on_token``;
        ``text_model``/``vision_model`` replace the configured models for this question.

        :raises StoreError: the store failed; an Ollama failure is raised as it came (see
            :func:`pipelines.generation.ollama_status.explain_failure`).
        """
        cut_off: list[bool] = []  # the model stopped at DOCSIGHT_OLLAMA_NUM_PREDICT tokens

        def stream(chunk: StreamingChunk) -> None:
            if (chunk.meta or {}).get("done_reason") == "length":
                cut_off.append(True)
            if on_token is not None:
                on_token(chunk.content or "")

        from pipelines.query import ask  # the generation side (Ollama client) is loaded by the first question

        start = time.monotonic()
        answer = ask(
            self._pipeline("query", text_model or self.settings.text_model, vision_model or self.settings.vision_model),
            question,
            mode=mode,
            top_k=top_k,
            streaming_callback=stream,
            temperature=temperature,
            doc_ids=doc_ids or None,
        )
        answer.cut_off = bool(cut_off)
        log.info(
            "question answered in %.1f s: route %s, model %s, %d sources, %d cited",
            time.monotonic() - start,
            answer.route,
            answer.model or "none",
            len(answer.sources),
            len(answer.citations),
        )
        return answer

    def _pipeline(self, name: str, text_model: str = "", vision_model: str = ""):
        key = (name, text_model, vision_model)
        with self._pipelines_lock:
            if key not in self._pipelines:
                if name == "query":
                    from pipelines.query import build_query_pipeline

                    chosen = dataclasses.replace(self.settings, text_model=text_model, vision_model=vision_model)
                    self._pipelines[key] = build_query_pipeline(chosen, self.store)
                else:
                    self._pipelines[key] = build_retrieval_pipeline(self.settings, self.store)
            return self._pipelines[key]

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
        from pipelines.generation.ollama_status import check_ollama

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
