"""Measurement helpers for documents known by their content (issue 15), without a 30-minute re-ingest:

- :func:`backfill_identity` gives a collection ingested before :mod:`ingest.identity` existed what a fresh ingest
  would write: every document's identity fields in its chunks and record, and the chunks' vectors embedded again
  with the identity label in front (the layout, chunks and ids are unchanged: parsing is not repeated);
- :func:`opaque_dataset` copies a FinanceBench-shaped dataset with every document renamed to an opaque name (a
  hash of its bytes), the questions pointing at the new names;
- :func:`rename_sources` renames the documents of a (copied) collection to those names, as an ingest of the
  renamed files would have recorded them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
from pathlib import Path

from haystack.document_stores.types import DuplicatePolicy
from haystack_integrations.document_stores.qdrant.converters import convert_qdrant_point_to_haystack_document
from qdrant_client import models

from ingest.documents import title_from_name
from ingest.identity.document_identifier import DocumentIdentifier
from pipelines.embedders import document_embedder
from pipelines.settings import Settings
from pipelines.store import open_store
from retrievers.document_registry import _record_id
from retrievers.encoders.bm25_document_embedder import BM25SparseDocumentEmbedder

_RECORD_FIELDS = {
    "doc_title": "title",
    "organisation": "organisation",
    "organisation_aliases": "aliases",
    "period": "period",
    "period_years": "years",
    "doc_kind": "kind",
}


def backfill_identity(
    settings: Settings, *, first: int = 0, last: int | None = None, console=None, only_changed: bool = False
) -> list[dict]:
    """Identify, re-embed and re-record the documents of the configured collection (those from ``first`` to
    before ``last`` in the order of their sources: several processes can share the work on copies of the store,
    see :func:`copy_documents`); returns one summary per document (source, identity fields, ``changed``: whether
    its embedded label changed). With ``only_changed``, documents whose label stays are re-recorded but not
    re-embedded, and those whose identity fields stay are not rewritten (a change of the identity rules that
    touches a few documents costs only theirs)."""
    store = open_store(settings)
    registry, haystack_store = store.registry, store.haystack_store
    dense, sparse, identifier = document_embedder(settings), BM25SparseDocumentEmbedder(), DocumentIdentifier()
    dense.warm_up()
    client, summaries = store.client, []
    try:
        records = registry.all(point_ids=True)[first:last]
        for number, record in enumerate(records, start=1):
            points = client.retrieve(store.collection, record.point_ids, with_payload=True, with_vectors=False)
            chunks = [convert_qdrant_point_to_haystack_document(p, use_sparse_embeddings=True) for p in points]
            chunks.sort(key=lambda c: int(c.meta.get("chunk_index", 0)))
            chunks = [dataclasses.replace(c, embedding=None, sparse_embedding=None) for c in chunks]
            old_label = chunks[0].meta.get("title", "") if chunks else ""
            old_fields = {field: chunks[0].meta.get(field) for field in _RECORD_FIELDS} if chunks else {}
            edits = registry.edits(record.doc_id)
            chunks = (
                [dataclasses.replace(c, meta={**c.meta, "identity_edits": edits}) for c in chunks] if edits else chunks
            )
            chunks = identifier.run(documents=chunks)["documents"]
            changed = bool(chunks) and chunks[0].meta["title"] != old_label
            fields = {key: chunks[0].meta.get(field) for field, key in _RECORD_FIELDS.items()}
            if changed or not only_changed:
                chunks = sparse.run(documents=dense.run(documents=chunks)["documents"])["documents"]
                haystack_store.write_documents(chunks, policy=DuplicatePolicy.OVERWRITE)
            elif (meta := {field: chunks[0].meta.get(field) for field in _RECORD_FIELDS}) != old_fields:
                client.set_payload(store.collection, payload=meta, key="meta", points=record.point_ids)
            client.set_payload(registry.name, payload=fields, points=[_record_id(record.doc_id)])
            summaries.append(
                {"doc_id": record.doc_id, "source": record.source, **fields, "label": chunks[0].meta["title"],
                 "changed": changed}
            )  # fmt: skip
            if console is not None:
                console.print(f"[{number}/{len(records)}] {record.source}: {chunks[0].meta['title']}")
    finally:
        store.close()
    return summaries


def copy_documents(source: Settings, target: Settings, first: int, last: int | None = None) -> int:
    """Copy the points and records of documents ``first`` to before ``last`` (by source) from the collection of
    ``source`` to that of ``target`` (the same collection, elsewhere); returns the number of points copied."""
    from_store, to_store = open_store(source), open_store(target)
    from_registry, to_registry = from_store.registry, to_store.registry
    copied = 0
    try:
        for record in from_registry.all(point_ids=True)[first:last]:
            points = from_store.client.retrieve(
                from_store.collection, record.point_ids, with_payload=True, with_vectors=True
            )
            structs = [models.PointStruct(id=p.id, vector=p.vector, payload=p.payload) for p in points]
            for start in range(0, len(structs), 256):
                to_store.client.upsert(to_store.collection, structs[start : start + 256], wait=True)
            entry = from_registry.client.retrieve(from_registry.name, [_record_id(record.doc_id)], with_payload=True)
            to_registry.client.set_payload(
                to_registry.name, payload=entry[0].payload, points=[_record_id(record.doc_id)]
            )
            copied += len(structs)
    finally:
        from_store.close()
        to_store.close()
    return copied


def opaque_name(path: Path) -> str:
    """An opaque name for a file: the first 20 hex digits of the sha256 of its bytes, with its suffix."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:20] + path.suffix.lower()


def opaque_dataset(dataset: Path, out: Path) -> tuple[Path, dict[str, str]]:
    """Copy ``dataset`` (questions.jsonl with ``doc_file`` relative to its folder) to ``out`` with every document
    renamed by :func:`opaque_name` (hard links where possible); returns the new questions file and the renaming
    (old file name -> new file name)."""
    rows = [json.loads(line) for line in dataset.read_text().splitlines() if line.strip()]
    renamed: dict[str, str] = {}
    (out / "pdfs").mkdir(parents=True, exist_ok=True)
    for row in rows:
        source = dataset.parent / row["doc_file"]
        new = f"pdfs/{opaque_name(source)}"
        target = out / new
        if not target.exists():
            try:
                os.link(source, target)
            except OSError:
                shutil.copyfile(source, target)
        renamed[Path(row["doc_file"]).name] = Path(new).name
        row["doc_file"] = new
    questions = out / dataset.name
    questions.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return questions, renamed


def rename_sources(settings: Settings, renamed: dict[str, str], folder: Path) -> int:
    """Rename the documents of the configured collection: ``source`` (file name), ``path`` (in ``folder``) and,
    where the embedded label fell back to the file name, ``title``, in every chunk and record, as an ingest of the
    renamed files would have written them. Returns the number of documents renamed.

    :raises ValueError: a document's embedded label is its file name (its vectors would have to be recomputed).
    """
    store = open_store(settings)
    registry, client, count = store.registry, store.client, 0
    try:
        for record in registry.all(point_ids=True):
            new = renamed.get(record.source)
            if not new:
                continue
            path = str((folder / new).resolve())
            points = client.retrieve(store.collection, record.point_ids, with_payload=["meta"])
            if any(p.payload["meta"].get("title") == title_from_name(record.source) for p in points):
                raise ValueError(f"{record.source}: its embedded title is its file name; re-ingest it instead")
            ids = [p.id for p in points]
            client.set_payload(store.collection, payload={"source": new, "path": path}, points=ids, key="meta")
            client.set_payload(registry.name, payload={"source": new, "path": path}, points=[_record_id(record.doc_id)])
            registry._set_versions(path, [record.doc_id])
            count += 1
    finally:
        store.close()
    return count


__all__ = ["backfill_identity", "copy_documents", "opaque_dataset", "opaque_name", "rename_sources"]


def assemble_store(out: Path, parts: list[tuple[Path, set[str]]], collection: str, renamed: dict | None = None) -> int:
    """Write an embedded store at ``out`` holding, from each ``(store folder, doc ids)`` of ``parts``, those
    documents' chunks and records (and the first store's collection entries), with the sources renamed by
    ``renamed`` (old file name -> (new file name, new path)). Reads and writes qdrant-client's local persistence
    directly (the sqlite files of an embedded store): opening a 20k-point embedded store takes minutes on a busy
    machine, copying its rows seconds. Returns the number of chunks written."""
    from qdrant_client.local.persistence import CollectionPersistence

    from retrievers.document_registry import _path_id

    registry_name = f"{collection}__docsight"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    shutil.copyfile(parts[0][0] / "meta.json", out / "meta.json")
    chunks_out = CollectionPersistence(str(out / "collection" / collection))
    records_out = CollectionPersistence(str(out / "collection" / registry_name))
    written, renamed = 0, renamed or {}
    for number, (folder, doc_ids) in enumerate(parts):
        for point in CollectionPersistence(str(folder / "collection" / collection)).load():
            meta = point.payload.get("meta") or {}
            if meta.get("doc_id") not in doc_ids:
                continue
            if meta.get("source") in renamed:
                meta["source"], meta["path"] = renamed[meta["source"]]
            chunks_out.persist(point)
            written += 1
        for point in CollectionPersistence(str(folder / "collection" / registry_name)).load():
            payload = point.payload
            if payload.get("type") == "document" and payload.get("doc_id") in doc_ids:
                if payload["source"] in renamed:
                    payload["source"], payload["path"] = renamed[payload["source"]]
                records_out.persist(point)
                entry = {"type": "path", "path": payload["path"], "doc_ids": [payload["doc_id"]]}
                records_out.persist(models.PointStruct(id=_path_id(payload["path"]), vector={}, payload=entry))
            elif number == 0 and payload.get("type") not in ("document", "path", "pending"):
                records_out.persist(point)
    chunks_out.close()
    records_out.close()
    return written
