"""DocsightDocumentWriter: writes a document's chunks all-or-nothing and records it in the registry."""

# No `from __future__ import annotations` here: Haystack reads the Variadic marker of `page_counts` from the
# evaluated annotation.

import contextlib
import functools
import uuid
from collections import defaultdict
from typing import Any

from haystack import Document, component, default_from_dict, default_to_dict
from haystack.core.component.types import Variadic
from haystack.document_stores.types import DuplicatePolicy
from haystack_integrations.document_stores.qdrant.converters import convert_id

from ingest.schema import Kind, Meta
from retrievers.document_registry import DocumentRecord, DocumentRegistry
from retrievers.server_retry import WRITE_DELAYS_S
from retrievers.store import DocsightStore, with_deserialized_store

WRITE_SLICE = 256  # chunks per store write; queries in other threads of an embedded store wait at most one slice


@component
class DocsightDocumentWriter:
    """Writes chunks to a docsight store following docsight's ingestion protocol (see
    :mod:`retrievers.document_registry`): leftovers of an interrupted run are removed, the chunks are written hidden
    (``committed=False``), then made visible in one operation and recorded; older versions of the same file (same
    ``path`` meta, other ``doc_id``) are removed. Ids are deterministic, so writing the same chunks twice changes
    nothing.
    """

    def __init__(self, *, document_store: DocsightStore) -> None:
        """
        :param document_store: the store whose collection receives the chunks; its configuration names the dense
            model that made the chunks' vectors, recorded in a new collection and checked against an existing one
            (a mismatch raises ``EmbeddingModelMismatchError``).
        """
        self.document_store = document_store

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(self, document_store=self.document_store.to_dict())

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "DocsightDocumentWriter":
        return default_from_dict(cls, with_deserialized_store(data))

    @property
    def registry(self) -> DocumentRegistry:
        return self.document_store.registry

    @component.output_types(documents_written=int, records=list[dict])
    def run(self, documents: list[Document], page_counts: Variadic[dict[str, int]] = ()) -> dict[str, Any]:
        """Write chunks grouped by ``meta.doc_id``; a document whose write fails leaves no points behind.

        :param page_counts: the documents' page counts by ``doc_id``, from the converters (one dict per sender);
            without one, a document counts up to its last page with a chunk.

        :raises StoreFullError: an embedded store's disk has not enough room for a document (checked before any of
            its points is written).
        :raises StoreUnavailableError: a Qdrant server kept failing a document's write (retried for 7 s: a
            restarting server is waited for).

        :returns: ``documents_written``: the number of chunks written; ``records``: one dict per document with
            ``doc_id``, ``source``, ``pages``, ``chunks``, ``figures``, ``tables`` and ``replaced`` (doc ids of older
            versions that were removed).
        """
        by_doc: dict[str, list[Document]] = defaultdict(list)
        for doc in documents:
            by_doc[doc.meta[Meta.DOC_ID]].append(doc)
        pages = {doc_id: n for counts in page_counts for doc_id, n in counts.items()}
        written, records = 0, []
        for doc_id, chunks in by_doc.items():
            name = chunks[0].meta.get(Meta.SOURCE) or doc_id
            self.document_store.ensure_room(chunks, name)
            record = record_for(chunks, pages.get(doc_id))
            count, replaced = self.document_store.with_retries(
                functools.partial(self._write_document, chunks, record), what=f"writing {name}", delays=WRITE_DELAYS_S
            )
            written += count
            records.append({**record.summary(), "replaced": [r.doc_id for r in replaced]})
        return {"documents_written": written, "records": records}

    def _write_document(self, chunks: list[Document], record: DocumentRecord) -> tuple[int, list[DocumentRecord]]:
        """One document, start to end of the protocol; on failure nothing of it stays (or the next begin clears it)."""
        registry = self.registry
        registry.begin(record.doc_id)
        hidden = [
            Document(
                id=c.id,
                content=c.content,
                meta={**c.meta, Meta.COMMITTED: False},
                embedding=c.embedding,
                sparse_embedding=c.sparse_embedding,
            )
            for c in chunks
        ]
        written = 0
        try:
            for start in range(0, len(hidden), WRITE_SLICE):  # the store's lock is released between slices
                written += self.document_store.write_documents(
                    hidden[start : start + WRITE_SLICE], policy=DuplicatePolicy.OVERWRITE
                )
            return written, registry.commit(record)
        except Exception:
            with contextlib.suppress(Exception):  # if this fails too, the next run's begin() clears them
                registry.purge(record.doc_id)
            raise


def record_for(chunks: list[Document], pages: int | None = None) -> DocumentRecord:
    """The registry record of one document's chunks; ``pages`` is its page count (default: its last chunk's page)."""
    first = chunks[0].meta
    kinds = [c.meta.get(Meta.KIND) for c in chunks]
    pages = int(pages or max(c.meta.get(Meta.PAGE, 0) for c in chunks))
    return DocumentRecord(
        point_ids=[str(uuid.UUID(convert_id(c.id))) for c in chunks],
        doc_id=first[Meta.DOC_ID],
        source=first.get(Meta.SOURCE, ""),
        path=first.get(Meta.PATH, first.get(Meta.SOURCE, "")),
        pages=pages,
        empty_pages=sorted(
            set(range(1, pages + 1)) - {int(c.meta.get(Meta.PAGE, 0)) for c in chunks if (c.content or "").strip()}
        ),
        unreadable_pages={str(c.meta[Meta.PAGE]): c.meta[Meta.NO_TEXT] for c in chunks if c.meta.get(Meta.NO_TEXT)},
        language=first.get(Meta.DOCUMENT_LANGUAGE, ""),
        title=first.get(Meta.DOC_TITLE, ""),
        organisation=first.get(Meta.ORGANISATION, ""),
        aliases=list(first.get(Meta.ORGANISATION_ALIASES) or []),
        period=first.get(Meta.PERIOD, ""),
        years=list(first.get(Meta.PERIOD_YEARS) or []),
        kind=first.get(Meta.DOC_KIND, ""),
        authors=list(first.get(Meta.AUTHORS) or []),
        tags=list(first.get(Meta.TAGS) or []),
        chunks=len(chunks),
        figures=kinds.count(Kind.FIGURE),
        tables=kinds.count(Kind.TABLE),
        mime_type=first.get(Meta.MIME_TYPE, ""),
    )
