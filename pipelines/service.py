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

from ingest.documents import title_from_name
from ingest.schema import Meta, meta_key
from pipelines.answer import Answer
from pipelines.conversation.followup import Rewrite, TurnContext, rewrite_followup
from pipelines.conversation.store import ConversationStore
from pipelines.conversation.turns import Conversation, Turn
from pipelines.embedders import embedding_model_name
from pipelines.generation.errors import OllamaError
from pipelines.retrieval import Retrieved, build_retrieval_pipeline, search
from pipelines.settings import Settings
from pipelines.sources import CROP_KINDS, Source
from pipelines.store import open_store
from retrievers.document_registry import DocumentRecord
from retrievers.document_scope import document_names, is_ticker
from retrievers.errors import CollectionNotFoundError
from retrievers.filters import COMMITTED

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
    # its identity, from its content (ingest.identity)
    title: str = ""
    organisation: str = ""
    aliases: list[str] = field(default_factory=list)
    period: str = ""
    years: list[str] = field(default_factory=list)
    kind: str = ""
    authors: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)  # the user's (docsight docs set --tag)
    edited_at: str = ""  # when the user last corrected its identity ("": never)

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


class _Unsaved:
    """A conversation store that keeps turns in memory only."""

    def save_turn(self, conversation: Conversation, turn: Turn) -> None:
        if not any(t is turn for t in conversation.turns):
            conversation.turns.append(turn)


def _display_name(document: DocumentInfo) -> str:
    """How a question writes a document: the shortest short form of its organisation that is not a ticker
    ("Amcor" of "AMCOR PLC"), else its organisation; for a document whose content names none, its file title's
    words before the first year ("3M" of ``3M_2018_10K.pdf``)."""
    if document.organisation:
        forms = [a for a in document.aliases if a and not is_ticker(a, document.organisation)]
        return min(forms, key=len) if forms else document.organisation
    words = title_from_name(document.source).split()
    name = []
    for word in words:
        if any(ch.isdigit() for ch in word) and len(word) >= 4 and word[:2] in ("19", "20"):
            break
        name.append(word)
    return " ".join(name) or title_from_name(document.source)


def sources_of(retrieved: Retrieved) -> list[Source]:
    """The documents retrieval found as sources numbered from 1."""
    return [Source.from_document(rank, doc) for rank, doc in enumerate(retrieved.documents, start=1)]


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
        self._conversations: ConversationStore | None = None

    def close(self) -> None:
        self.store.close()

    @property
    def conversations(self) -> ConversationStore:
        """The saved conversations (``DOCSIGHT_CONVERSATIONS_DB``), opened on first use."""
        if self._conversations is None:
            self._conversations = ConversationStore(self.settings.conversations_db)
        return self._conversations

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

    def set_identity(self, doc_id: str, **edits) -> DocumentInfo:
        """Correct a document's identity or tags (``title``, ``organisation``, ``aliases``, ``period``, ``kind``,
        ``tags``; None leaves a field as it is); see :mod:`pipelines.identity_edit`.

        :raises KeyError: no such document. :raises EditError: an edit is not valid.
        """
        from pipelines.identity_edit import edit_identity

        return DocumentInfo.from_record(edit_identity(self.store, self.settings, doc_id, edits))

    def chunks(self, doc_id: str) -> list[Source]:
        """A document's chunks in reading order (page, then chunk index), with their crops."""
        docs = self.store.filter_documents(
            filters={
                "operator": "AND",
                "conditions": [{"field": meta_key(Meta.DOC_ID), "operator": "==", "value": doc_id}, COMMITTED],
            }
        )
        docs.sort(key=lambda d: (int(d.meta.get(Meta.PAGE, 0)), int(d.meta.get(Meta.CHUNK_INDEX, 0))))
        return [Source.from_document(n, doc) for n, doc in enumerate(docs, start=1)]

    def with_crops(self, sources: list[Source]) -> list[Source]:
        """``sources`` with the crops of their tables, figures and page images read again from the store (a
        saved conversation keeps sources without them)."""
        missing = [s for s in sources if s.kind in CROP_KINDS and not s.crop_jpeg_b64]
        if not missing:
            return sources
        docs = self.store.filter_documents(
            filters={
                "operator": "AND",
                "conditions": [
                    {"field": meta_key(Meta.DOC_ID), "operator": "in", "value": sorted({s.doc_id for s in missing})},
                    {"field": meta_key(Meta.KIND), "operator": "in", "value": [str(k) for k in CROP_KINDS]},
                    COMMITTED,
                ],
            }
        )
        meta = [d.meta for d in docs]
        crops = {
            (m.get(Meta.DOC_ID), int(m.get(Meta.PAGE, 0)), tuple(m.get(Meta.BBOX) or [])): m.get(Meta.CROP)
            for m in meta
        }
        for source in missing:
            source.crop_jpeg_b64 = crops.get((source.doc_id, source.page, tuple(source.bbox)))
        return sources

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
        found = self.search(question, top_k=top_k, doc_ids=doc_ids, kinds=kinds, page_from=page_from, page_to=page_to)
        return sources_of(found)

    def search(
        self,
        question: str,
        *,
        top_k: int = 8,
        doc_ids: list[str] | None = None,
        kinds: list[str] | None = None,
        page_from: int | None = None,
        page_to: int | None = None,
    ) -> Retrieved:
        """What retrieval finds for ``question``: the documents with the scope and a comparison's split (see
        :func:`pipelines.retrieval.search`); :func:`sources_of` numbers them.

        :raises StoreError: the store failed.
        """
        return search(
            self._pipeline("retrieval"),
            question,
            top_k=top_k,
            doc_ids=doc_ids or None,
            kinds=kinds,
            page_from=page_from,
            page_to=page_to,
        )

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
        history: list[dict[str, str]] | None = None,
        retrieved: Retrieved | None = None,
    ) -> Answer:
        """Answer with the query pipeline (see :func:`pipelines.query.ask`); the answer streams into ``on_token``;
        ``text_model``/``vision_model`` replace the configured models for this question; ``history`` holds earlier
        turns of its conversation for the answer prompt (see :meth:`answer_turn`); ``retrieved``: what
        :meth:`search` found for ``question`` (then nothing is retrieved again and ``top_k``/``doc_ids`` are
        not used).

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
        models = (text_model or self.settings.text_model, vision_model or self.settings.vision_model)
        answer = ask(
            self._pipeline("query" if retrieved is None else "answer", *models),
            question,
            mode=mode,
            top_k=top_k,
            streaming_callback=stream,
            temperature=temperature,
            doc_ids=doc_ids or None,
            history=history,
            retrieved=retrieved,
        )
        answer.cut_off, answer.question, answer.standalone = bool(cut_off), question, question
        log.info(
            "question answered in %.1f s: route %s, model %s, %d sources, %d cited",
            time.monotonic() - start,
            answer.route,
            answer.model or "none",
            len(answer.sources),
            len(answer.citations),
        )
        return answer

    # -- conversations ------------------------------------------------------------------------------------------------
    def rewrite(
        self, question: str, previous: TurnContext | None, *, earlier: list[str] | None = None, text_model: str = ""
    ) -> Rewrite:
        """``question`` made standalone after ``previous``: by the rules (:mod:`pipelines.conversation.followup`),
        then, with ``DOCSIGHT_REWRITE=auto``, by the text model given the ``earlier`` questions (its form is used
        when it gives one; the documents it names, else the rules' documents, are searched)."""
        rules = self.rewrite_by_rules(question, previous)
        if previous is None or self.settings.rewrite != "auto":
            return rules
        from pipelines.conversation.model_rewrite import ModelRewriter  # loads the Ollama client

        rewriter = ModelRewriter(
            model=text_model or self.settings.text_model,
            url=self.settings.ollama_url,
            timeout_s=self.settings.rewrite_timeout_s,
            num_predict=self.settings.rewrite_num_predict,
            keep_alive=self.settings.keep_alive,
        )
        standalone = rewriter.rewrite(earlier or [previous.standalone], question)
        if not standalone:
            return rules
        own = self.rewrite_by_rules(standalone, None)
        return Rewrite(
            question, standalone, own.doc_ids or rules.doc_ids, own.years or rules.years, rules.inherited, "model"
        )

    def answer_turn(
        self,
        conversation: Conversation,
        question: str,
        *,
        mode: str = "auto",
        top_k: int = 8,
        doc_ids: list[str] | None = None,
        generate: bool = True,
        on_sources: Callable[[Turn], None] | None = None,
        on_token: Callable[[str], None] | None = None,
        text_model: str = "",
        vision_model: str = "",
        temperature: float | None = None,
        save_every_s: float = 1.0,
        save: bool = True,
    ) -> Turn:
        """Answer ``question`` as the next turn of ``conversation``, saved as it goes: the question at once, the
        sources when retrieval finishes (``on_sources`` is then called with the turn), the answer while it streams
        and when it is complete. If anything stops it — an error, Ctrl-C, a click in the UI — the turn stays saved
        with what arrived (``complete`` False) and the exception goes on.

        The question is made standalone first (:meth:`rewrite`); retrieval sees the standalone question, limited to
        ``doc_ids`` (the conversation's filter) or else to the documents it inherits; the answer prompt carries the
        last ``DOCSIGHT_HISTORY_TURNS`` turns. ``generate=False``: retrieval only (Ollama is not there);
        ``save=False``: the turn is only added to ``conversation`` (the API's conversations live in its client).
        """
        store = self.conversations if save else _Unsaved()
        history = conversation.history(self.settings.history_turns)
        earlier = conversation.earlier_questions(self.settings.history_turns)
        previous = conversation.context()
        turn = Turn(question=question, mode=mode, complete=False)
        store.save_turn(conversation, turn)
        start = time.monotonic()
        try:
            rewrite = (
                self.rewrite(question, previous, earlier=earlier, text_model=text_model)
                if generate
                else (self.rewrite_by_rules(question, previous))
            )
            turn.standalone, turn.rewrite, turn.years = rewrite.standalone, rewrite.how, rewrite.years
            search = list(doc_ids or []) or (rewrite.doc_ids if previous is not None else [])
            retrieved = self.search(rewrite.standalone, top_k=top_k, doc_ids=search)
            turn.sources, turn.split = sources_of(retrieved), list(retrieved.split)
            turn.doc_ids = search or self._ids_of(rewrite.doc_ids)
            store.save_turn(conversation, turn)
            if on_sources is not None:
                on_sources(turn)
            if not generate:
                turn.complete = True
                return turn
            saved = [time.monotonic()]

            def stream(text: str) -> None:
                turn.answer += text
                if on_token is not None:
                    on_token(text)
                if time.monotonic() - saved[0] >= save_every_s:
                    store.save_turn(conversation, turn)
                    saved[0] = time.monotonic()

            answer = self.ask(
                rewrite.standalone,
                mode=mode,
                top_k=top_k,
                doc_ids=search,
                on_token=stream,
                text_model=text_model,
                vision_model=vision_model,
                temperature=temperature,
                history=history,
                retrieved=retrieved,
            )
            turn.answer, turn.citations, turn.sources = answer.answer, answer.cited, answer.sources
            turn.model, turn.route, turn.uncited = answer.model, answer.route, answer.uncited
            turn.claims, turn.cut_off = answer.claims, answer.cut_off
            turn.scope = answer.scope or (self._sources_of(search) if search and not doc_ids else [])
            turn.split = answer.split
            turn.complete = True
            return turn
        finally:
            turn.seconds = time.monotonic() - start
            if not turn.complete and not turn.notice:
                turn.notice = "Stopped before the answer was complete."
            store.save_turn(conversation, turn)

    def rewrite_by_rules(self, question: str, previous: TurnContext | None) -> Rewrite:
        """``question`` made standalone after ``previous`` by the rules alone (no model; Ollama may be down)."""
        documents = self.documents()
        named = [
            n
            for d in documents
            for n in document_names(d.doc_id, title_from_name(d.source), d.organisation, d.aliases, d.years, d.period)
        ]
        return rewrite_followup(question, previous, named, {d.doc_id: _display_name(d) for d in documents})

    def _ids_of(self, doc_ids: list[str]) -> list[str]:
        known = {d.doc_id for d in self.documents()}
        return [d for d in doc_ids if d in known]

    def _sources_of(self, doc_ids: list[str]) -> list[str]:
        by_id = {d.doc_id: d.source for d in self.documents()}
        return [by_id[d] for d in doc_ids if d in by_id]

    def _pipeline(self, name: str, text_model: str = "", vision_model: str = ""):
        key = (name, text_model, vision_model)
        with self._pipelines_lock:
            if key not in self._pipelines:
                if name in ("query", "answer"):
                    from pipelines.query import build_answer_pipeline, build_query_pipeline

                    chosen = dataclasses.replace(self.settings, text_model=text_model, vision_model=vision_model)
                    self._pipelines[key] = (
                        build_query_pipeline(chosen, self.store) if name == "query" else build_answer_pipeline(chosen)
                    )
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
