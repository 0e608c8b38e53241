"""``docsight docs set``: the user corrects what a document is (title, organisation, period, kind) and tags it.

An edit takes effect at once everywhere the identity is read: the registry record (listings, scoping by name and
year, the ``--organisation``/``--period``/``--doc-kind``/``--tag`` choices), every chunk's payload (source cards,
payload filters) and, when the line embedded in front of the chunks changes ("3M COMPANY 10-K FY2018"), the chunks'
vectors, embedded again with the new line (parsing is not repeated). The edit is also kept by content in the
registry, so a re-ingest of the same bytes applies it again (see :mod:`ingest.identity.edits`).
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

from haystack.document_stores.types import DuplicatePolicy
from haystack_integrations.document_stores.qdrant.converters import convert_qdrant_point_to_haystack_document

from ingest.documents import title_from_name
from ingest.identity.document_identifier import identity_meta
from ingest.identity.edits import apply_edits, checked_edits
from ingest.identity.identify import DocumentIdentity
from ingest.schema import Meta
from pipelines.embedders import document_embedder
from pipelines.settings import Settings
from retrievers.document_registry import DocumentRecord, doc_filter
from retrievers.encoders.bm25_document_embedder import BM25SparseDocumentEmbedder
from retrievers.store import DocsightStore

_BATCH = 256


def edit_identity(store: DocsightStore, settings: Settings, doc_id: str, edits: dict[str, Any]) -> DocumentRecord:
    """Apply ``edits`` (fields of :data:`ingest.identity.edits.EDITABLE`) to the recorded document ``doc_id``.

    :returns: its new record.
    :raises KeyError: no document ``doc_id`` is recorded.
    :raises EditError: an edit is not valid (an unknown kind).
    """
    edits = checked_edits(edits)
    registry = store.registry
    record = registry.get(doc_id)
    if record is None:
        raise KeyError(doc_id)
    kept = {**registry.edits(doc_id), **edits}
    current = DocumentIdentity(
        title=record.title,
        organisation=record.organisation,
        aliases=list(record.aliases),
        period=record.period,
        years=list(record.years),
        kind=record.kind or "other",
    )
    identity = apply_edits(current, edits)
    tags = kept.get("tags", record.tags)
    fallback = title_from_name(record.source)
    fields = identity_meta(identity, fallback=fallback, tags=tags)
    fields.setdefault(Meta.TAGS, [])
    old_label = current.label(fallback)
    ids = record.point_ids or _point_ids(store, doc_id)
    with store.lock():
        registry.save_edits(doc_id, kept)
        _rewrite_points(store, settings, ids, fields, reembed=fields[Meta.TITLE] != old_label)
        updated = dataclasses.replace(
            record,
            title=identity.title,
            organisation=identity.organisation,
            aliases=list(identity.aliases),
            period=identity.period,
            years=list(identity.years),
            kind=identity.kind,
            tags=list(tags),
            edited_at=datetime.now(UTC).isoformat(timespec="microseconds"),
        )
        registry.update(updated)
    return updated


def _point_ids(store: DocsightStore, doc_id: str) -> list[str]:
    """The ids of a document's points (a record written before records listed them)."""
    ids, offset = [], None
    while True:
        points, offset = store.client.scroll(
            store.collection, scroll_filter=doc_filter(doc_id), limit=1024, offset=offset, with_payload=False
        )
        ids += [str(p.id) for p in points]
        if offset is None:
            return ids


def _rewrite_points(store: DocsightStore, settings: Settings, ids: list[str], fields: dict, *, reembed: bool) -> None:
    """Write ``fields`` into the meta of points ``ids``; with ``reembed``, embed their text again (with the new
    title in front) and overwrite them whole."""
    if not reembed:
        for start in range(0, len(ids), _BATCH):
            store.client.set_payload(store.collection, payload=fields, key="meta", points=ids[start : start + _BATCH])
        return
    dense, sparse = document_embedder(settings), BM25SparseDocumentEmbedder()
    dense.warm_up()
    for start in range(0, len(ids), _BATCH):
        points = store.client.retrieve(store.collection, ids[start : start + _BATCH], with_payload=True)
        chunks = [convert_qdrant_point_to_haystack_document(p, use_sparse_embeddings=True) for p in points]
        chunks = [
            dataclasses.replace(c, meta={**c.meta, **fields}, embedding=None, sparse_embedding=None) for c in chunks
        ]
        chunks = sparse.run(documents=dense.run(documents=chunks)["documents"])["documents"]
        store.haystack_store.write_documents(chunks, policy=DuplicatePolicy.OVERWRITE)
