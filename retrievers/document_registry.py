"""The record of what a collection holds: its embedding model and every fully ingested document.

Ingestion protocol (what makes a killed batch safe to re-run):

1. ``begin(doc_id)`` deletes any points of that document left by an interrupted run, and marks it as being
   written (a ``pending`` entry here: a document without one cannot have leftovers, so the delete, which the
   embedded store evaluates over every point of the collection, is skipped for it).
2. The chunks are written with ``meta.committed = False``.
3. ``commit(record)`` flips ``committed`` to True for the document's points, by id (one Qdrant operation; a server
   applies it whole, the embedded store point by point), then writes the document's record here, removes the
   ``pending`` mark, then removes older versions of the same file (same path, other content), which it finds in a
   per-path entry (``type: path``, the doc ids recorded for a path) instead of listing every record: the cost of a
   commit does not grow with the collection.

Retrieval returns a chunk only if it is committed *and* its document has a record, so a document is visible whole
or not at all even if a run dies in the middle of step 3. A document without a record is incomplete and is
ingested again (step 1 clears it); one with a record is unchanged. ``remove_superseded`` finishes step 3's clean-up
after a crash. (Leftovers of a run interrupted before documents were marked stay hidden for good: commit flips by
id; deleting the document removes them.)
"""

from __future__ import annotations

import contextlib
import copy
import functools
import uuid
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from qdrant_client import QdrantClient, models

from ingest.schema import Meta, meta_key
from retrievers.errors import EmbeddingModelMismatchError
from retrievers.local_points import live_payloads, local_collection

SCHEMA_VERSION = 1
_NAMESPACE = uuid.UUID("0b7b1a52-4f2e-4a39-9f5e-5d0c8a9e2c11")
_INFO_ID = str(uuid.uuid5(_NAMESPACE, "collection-info"))
_REVISION_ID = str(uuid.uuid5(_NAMESPACE, "revision"))


@dataclass
class DocumentRecord:
    """One ingested document."""

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
    language: str = ""  # ISO 639-1 code of most of its text ("und": unknown; "": recorded before docsight knew)
    # what it is, from its own text (see ingest.identity; empty in records written before docsight derived it)
    title: str = ""
    organisation: str = ""
    aliases: list[str] = field(default_factory=list)  # short forms of the organisation and its tickers
    period: str = ""  # "FY2018", "FY2023 Q2", "2023-05-03"
    years: list[str] = field(default_factory=list)  # the years a question may name the period by
    kind: str = ""  # 10-K, 10-Q, 8-K, earnings release, paper, invoice, chart, scan, other
    authors: list[str] = field(default_factory=list)  # a paper's authors
    tags: list[str] = field(default_factory=list)  # the user's labels (docsight docs set --tag)
    edited_at: str = ""  # when the user last corrected its identity or tags ("": never)
    ingested_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="microseconds"))
    # the Qdrant ids of its points: commit and the embedded search index fetch them directly instead of scanning
    # the collection with a filter (empty in records written before docsight recorded them)
    point_ids: list[str] = field(default_factory=list, repr=False)

    def summary(self) -> dict:
        """The record without its point ids (for listings)."""
        return {k: v for k, v in asdict(self).items() if k != "point_ids"}


def _locked(method):
    """Run a registry method under the store's lock (see :meth:`retrievers.store.DocsightStore.lock`)."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self.lock:
            return method(self, *args, **kwargs)

    return wrapper


def registry_name(collection: str) -> str:
    """The name of ``collection``'s registry collection."""
    return f"{collection}__docsight"


def doc_filter(doc_id: str, committed: bool | None = None) -> models.Filter:
    must = [models.FieldCondition(key=meta_key(Meta.DOC_ID), match=models.MatchValue(value=doc_id))]
    if committed is not None:
        must.append(models.FieldCondition(key=meta_key(Meta.COMMITTED), match=models.MatchValue(value=committed)))
    return models.Filter(must=must)


class DocumentRegistry:
    """Reads and writes the companion collection ``<collection>__docsight`` through the store's client (built by
    :class:`retrievers.store.DocsightStore`)."""

    def __init__(
        self,
        client: QdrantClient,
        collection: str,
        *,
        replication_factor: int | None = None,
        lock: AbstractContextManager | None = None,
    ) -> None:
        """
        :param replication_factor: copies of the registry on a Qdrant cluster (as for the chunks' collection).
        :param lock: taken around each operation (the embedded store's lock); none by default.
        """
        self.client = client
        self.collection = collection
        self.name = registry_name(collection)
        self.replication_factor = replication_factor
        self.lock = lock if lock is not None else contextlib.nullcontext()
        self._path_index_ready = False  # the per-path entries exist (checked once per registry object)

    # -- the collection's embedding model -------------------------------------------------------------------------
    @_locked
    def ensure(self, embedding_model: str, embedding_dim: int, sparse_model: str) -> None:
        """Record the models on first use; afterwards refuse any other embedding model.

        :raises EmbeddingModelMismatchError: the collection was written with another model.
        """
        self.create()
        info = self.info()
        if info is None:
            payload = {
                "type": "collection",
                "embedding_model": embedding_model,
                "embedding_dim": embedding_dim,
                "sparse_model": sparse_model,
                "schema_version": SCHEMA_VERSION,
                "path_index": 1,  # a new collection has its per-path entries from the start
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            }
            self.client.upsert(self.name, [models.PointStruct(id=_INFO_ID, vector={}, payload=payload)], wait=True)
            return
        if info.get("embedding_model") != embedding_model or info.get("embedding_dim") != embedding_dim:
            raise mismatch_error(self.collection, info, embedding_model, embedding_dim)

    @_locked
    def create(self) -> None:
        """Create the registry collection if it does not exist."""
        if not self.client.collection_exists(self.name):
            self.client.create_collection(self.name, vectors_config={}, replication_factor=self.replication_factor)

    @_locked
    def check(self, embedding_model: str, embedding_dim: int) -> None:
        """:raises EmbeddingModelMismatchError: the collection records another model."""
        info = self.info()
        if info and (info.get("embedding_model") != embedding_model or info.get("embedding_dim") != embedding_dim):
            raise mismatch_error(self.collection, info, embedding_model, embedding_dim)

    @_locked
    def info(self) -> dict | None:
        if not self.client.collection_exists(self.name):
            return None
        found = self.client.retrieve(self.name, [_INFO_ID], with_payload=True)
        return dict(found[0].payload or {}) if found else None

    # -- documents ------------------------------------------------------------------------------------------------
    @_locked
    def get(self, doc_id: str) -> DocumentRecord | None:
        found = self.client.retrieve(self.name, [_record_id(doc_id)], with_payload=True)
        return _to_record(found[0].payload) if found else None

    @_locked
    def recorded(self, doc_ids: set[str]) -> set[str]:
        """The subset of ``doc_ids`` that have a record (are fully ingested)."""
        ids = [d for d in doc_ids if d]
        if not ids:
            return set()
        found = self.client.retrieve(self.name, [_record_id(d) for d in ids], with_payload=["doc_id"])
        return {p.payload["doc_id"] for p in found if p.payload}

    @_locked
    def remove_superseded(self) -> list[DocumentRecord]:
        """Delete older versions of files that a newer record replaces (left over when a run was killed between
        recording a document and removing its previous version)."""
        latest: dict[str, DocumentRecord] = {}
        superseded = []
        for record in sorted(self.all(), key=lambda r: r.ingested_at):
            if record.path in latest:
                superseded.append(latest[record.path])
            latest[record.path] = record
        for old in superseded:
            self.delete(old.doc_id)
        return superseded

    @_locked
    def all(self, *, point_ids: bool = False) -> list[DocumentRecord]:
        """Every record, by source; with their ``point_ids`` only when asked (they are most of a record's size).

        On the embedded store the records are read in place (see :mod:`retrievers.local_points`): its ``scroll``
        deep-copies every payload, point ids included even when they are excluded — 0.2 s per call at 21k chunks,
        which listings, the first question and every index refresh paid. Each record gets its own copy of the
        fields here, so a caller cannot change the store's memory through a record."""
        local = local_collection(self.client, self.name)
        if local is not None:
            records = [
                _to_record({k: list(v) if k == "point_ids" else copy.deepcopy(v) for k, v in payload.items()})
                if point_ids
                else _to_record({k: copy.deepcopy(v) for k, v in payload.items() if k != "point_ids"})
                for payload in live_payloads(local)
                if payload.get("type") == "document"
            ]
            return sorted(records, key=lambda r: (r.source, r.ingested_at))
        records, offset = [], None
        flt = models.Filter(must=[models.FieldCondition(key="type", match=models.MatchValue(value="document"))])
        payload = True if point_ids else models.PayloadSelectorExclude(exclude=["point_ids"])
        while True:
            points, offset = self.client.scroll(
                self.name, scroll_filter=flt, limit=256, offset=offset, with_payload=payload
            )
            records += [_to_record(p.payload) for p in points]
            if offset is None:
                return sorted(records, key=lambda r: (r.source, r.ingested_at))

    @_locked
    def begin(self, doc_id: str) -> None:
        """Start writing ``doc_id``: remove what an interrupted run left of it, and mark it as being written."""
        if self.client.retrieve(self.name, [_pending_id(doc_id)]):
            self.purge(doc_id)
        else:
            mark = models.PointStruct(id=_pending_id(doc_id), vector={}, payload={"type": "pending", "doc_id": doc_id})
            self.client.upsert(self.name, [mark], wait=True)

    @_locked
    def purge(self, doc_id: str) -> None:
        """Delete every point of ``doc_id``, visible or not."""
        self.client.delete(self.collection, points_selector=models.FilterSelector(filter=doc_filter(doc_id)), wait=True)

    @_locked
    def commit(self, record: DocumentRecord) -> list[DocumentRecord]:
        """Make ``record``'s points visible, record it, and remove older versions of the same file.

        :returns: the replaced older versions.
        """
        # by id when known: the embedded store evaluates a filter point by point over the whole collection
        points = (
            models.PointIdsList(points=record.point_ids)
            if record.point_ids
            else models.FilterSelector(filter=doc_filter(record.doc_id))
        )
        self.client.set_payload(self.collection, payload={Meta.COMMITTED: True}, key="meta", points=points, wait=True)
        replaced = [r for r in self._versions(record.path) if r.doc_id != record.doc_id]
        # listed before it is recorded: a version that is recorded is always listed (a listed id without a record
        # is ignored), so a later version always finds it
        self._set_versions(record.path, [record.doc_id, *(r.doc_id for r in replaced)])
        self.record(record)
        self._unmark(record.doc_id)
        for old in replaced:
            self.delete(old.doc_id)
        self._new_revision()
        return replaced

    def _versions(self, path: str) -> list[DocumentRecord]:
        """The records of ``path`` (by its per-path entry; a collection written before those entries had them is
        indexed once, here)."""
        self._ensure_path_index()
        found = self.client.retrieve(self.name, [_path_id(path)], with_payload=True)
        doc_ids = list(found[0].payload.get("doc_ids", [])) if found and found[0].payload else []
        if not doc_ids:
            return []
        without_ids = models.PayloadSelectorExclude(exclude=["point_ids"])
        points = self.client.retrieve(self.name, [_record_id(d) for d in doc_ids], with_payload=without_ids)
        return [_to_record(p.payload) for p in points if p.payload]

    def _set_versions(self, path: str, doc_ids: list[str]) -> None:
        if doc_ids:
            payload = {"type": "path", "path": path, "doc_ids": list(dict.fromkeys(doc_ids))}
            entry = models.PointStruct(id=_path_id(path), vector={}, payload=payload)
            self.client.upsert(self.name, [entry], wait=True)
        else:
            self.client.delete(self.name, points_selector=models.PointIdsList(points=[_path_id(path)]), wait=True)

    def _ensure_path_index(self) -> None:
        if self._path_index_ready:
            return
        info = self.info() or {}
        if not info.get("path_index"):
            by_path: dict[str, list[str]] = {}
            for record in self.all():
                by_path.setdefault(record.path, []).append(record.doc_id)
            for path, doc_ids in by_path.items():
                self._set_versions(path, doc_ids)
            if info:
                self.client.set_payload(self.name, payload={"path_index": 1}, points=[_INFO_ID], wait=True)
        self._path_index_ready = True

    @_locked
    def record(self, record: DocumentRecord) -> None:
        """Write a document's record (it is then complete and visible)."""
        payload = {"type": "document", **asdict(record)}
        self.client.upsert(
            self.name, [models.PointStruct(id=_record_id(record.doc_id), vector={}, payload=payload)], wait=True
        )

    @_locked
    def update(self, record: DocumentRecord) -> None:
        """Rewrite a recorded document's record (its identity edited) and tell caches of the collection."""
        self.record(record)
        self._new_revision()

    # -- what the user corrected (see ingest.identity.edits) -------------------------------------------------------
    @_locked
    def edits(self, doc_id: str) -> dict:
        """The identity fields the user set for the content ``doc_id`` (empty: none). They outlive the document's
        record: ingesting the same bytes again applies them."""
        found = self.client.retrieve(self.name, [_edit_id(doc_id)], with_payload=True)
        return dict(found[0].payload.get("edits", {})) if found and found[0].payload else {}

    @_locked
    def save_edits(self, doc_id: str, edits: dict) -> None:
        """Keep ``edits`` (all of them: they replace the earlier ones) for the content ``doc_id``."""
        payload = {"type": "edit", "doc_id": doc_id, "edits": dict(edits)}
        self.client.upsert(self.name, [models.PointStruct(id=_edit_id(doc_id), vector={}, payload=payload)], wait=True)

    @_locked
    def delete(self, doc_id: str) -> None:
        """Remove every point of ``doc_id`` and its record (points first: a record never outlives its points). The
        user's edits of its identity stay (see :meth:`edits`)."""
        record = self.get(doc_id)
        self.purge(doc_id)
        self.client.delete(self.name, points_selector=models.PointIdsList(points=[_record_id(doc_id)]), wait=True)
        if record is not None:
            self._ensure_path_index()
            found = self.client.retrieve(self.name, [_path_id(record.path)], with_payload=True)
            doc_ids = list(found[0].payload.get("doc_ids", [])) if found and found[0].payload else []
            if doc_id in doc_ids:
                self._set_versions(record.path, [d for d in doc_ids if d != doc_id])
        self._unmark(doc_id)
        self._new_revision()

    def _unmark(self, doc_id: str) -> None:
        self.client.delete(self.name, points_selector=models.PointIdsList(points=[_pending_id(doc_id)]), wait=True)

    @_locked
    def revision(self) -> str:
        """A token that changes whenever a document becomes visible or is deleted (for caches of the collection)."""
        found = self.client.retrieve(self.name, [_REVISION_ID], with_payload=True)
        return str(found[0].payload.get("revision", "")) if found and found[0].payload else ""

    def _new_revision(self) -> None:
        payload = {"type": "revision", "revision": uuid.uuid4().hex}
        self.client.upsert(self.name, [models.PointStruct(id=_REVISION_ID, vector={}, payload=payload)], wait=True)


def mismatch_error(collection: str, info: dict, model: str, dim: int) -> EmbeddingModelMismatchError:
    return EmbeddingModelMismatchError(
        f"collection '{collection}' was indexed with the embedding model {info.get('embedding_model')} "
        f"({info.get('embedding_dim')}-d), but docsight is configured for {model} ({dim}-d). "
        f"Either set DOCSIGHT_EMBEDDER back to the collection's model, or re-index into a new collection: "
        f"docsight ingest PATH... --collection NEW_NAME (then delete the old one with "
        f"docsight docs delete --all --collection {collection})."
    )


def _record_id(doc_id: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, doc_id))


def _path_id(path: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"path:{path}"))


def _edit_id(doc_id: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"edit:{doc_id}"))


def _pending_id(doc_id: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"pending:{doc_id}"))


def _to_record(payload: dict | None) -> DocumentRecord:
    payload = dict(payload or {})
    payload.pop("type", None)
    known = DocumentRecord.__dataclass_fields__
    return DocumentRecord(**{k: v for k, v in payload.items() if k in known})
