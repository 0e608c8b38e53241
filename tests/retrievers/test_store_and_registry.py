"""The store facade, the embedding-model guard and the all-or-nothing write protocol, on an embedded Qdrant."""

from pathlib import Path

import pytest
from haystack import Document
from haystack.dataclasses import SparseEmbedding
from qdrant_client import models

from retrievers.document_registry import DocumentRegistry, doc_filter
from retrievers.document_writer import DocsightDocumentWriter, record_for
from retrievers.errors import EmbeddingModelMismatchError, StoreLockedError
from retrievers.store import StoreConfig, open_document_store


def _config(tmp_path: Path, model: str = "test/model", dim: int = 4) -> StoreConfig:
    return StoreConfig(collection="c", embedding_model=model, embedding_dim=dim, path=str(tmp_path / "q"))


def _chunks(doc_id: str, n: int, path: str = "/data/a.pdf") -> list[Document]:
    return [
        Document(
            id=f"{doc_id}-{i}",
            content=f"chunk {i} of {doc_id}",
            meta={
                "doc_id": doc_id,
                "source": Path(path).name,
                "path": path,
                "page": i + 1,
                "pages": n,
                "kind": "figure" if i == 0 else "text",
                "bbox": [0, 0, 1, 1],
            },
            embedding=[1.0, float(i), 0.5, 0.25],
            sparse_embedding=SparseEmbedding(indices=[1, 2 + i], values=[1.0, 0.5]),
        )
        for i in range(n)
    ]


def _points(store, doc_id: str | None = None) -> list:
    flt = doc_filter(doc_id) if doc_id else None
    points, _ = store.client.scroll("c", scroll_filter=flt, limit=1000, with_payload=True)
    return points


def test_collection_records_its_model_and_refuses_another(tmp_path: Path) -> None:
    store = open_document_store(_config(tmp_path))
    registry = store.registry
    info = registry.info()
    assert info["embedding_model"] == "test/model" and info["embedding_dim"] == 4
    store.close()
    with pytest.raises(EmbeddingModelMismatchError, match=r"test/model \(4-d\).*other/model.*--collection NEW_NAME"):
        open_document_store(_config(tmp_path, model="other/model"))


def test_record_keeps_pages_without_readable_text_and_the_document_language() -> None:
    chunks = _chunks("doc1", 3)
    for chunk in chunks:
        chunk.meta["document_language"] = "ko"
    chunks[2].content = ""  # an OCR'd page whose reading was rejected keeps only its image
    chunks[2].meta.update(kind="page", no_text="OCR confidence 21/100 is too low")
    record = record_for(chunks)
    assert record.empty_pages == [3] and record.unreadable_pages == {"3": "OCR confidence 21/100 is too low"}
    assert record.language == "ko"


def test_a_different_dimension_is_the_same_clear_error(tmp_path: Path) -> None:
    store = open_document_store(_config(tmp_path))
    store.close()
    with pytest.raises(EmbeddingModelMismatchError, match=r"indexed with the embedding model test/model \(4-d\)"):
        open_document_store(_config(tmp_path, model="big/model", dim=8))


def test_second_opener_of_an_embedded_store_gets_a_clear_message(tmp_path: Path) -> None:
    first = open_document_store(_config(tmp_path))
    with pytest.raises(StoreLockedError, match="DOCSIGHT_QDRANT_URL"):
        open_document_store(_config(tmp_path))
    first.close()


def test_writer_commits_all_points_and_is_idempotent(tmp_path: Path) -> None:
    store = open_document_store(_config(tmp_path))
    registry = store.registry
    writer = DocsightDocumentWriter(document_store=store)
    out = writer.run(documents=_chunks("doc1", 3))
    assert out["documents_written"] == 3
    assert out["records"][0] | {"ingested_at": None} == {
        "doc_id": "doc1",
        "source": "a.pdf",
        "path": "/data/a.pdf",
        "pages": 3,
        "chunks": 3,
        "figures": 1,
        "tables": 0,
        "mime_type": "",
        "empty_pages": [],
        "unreadable_pages": {},
        "language": "",
        "ingested_at": None,
        "replaced": [],
        # the identity from content (ingest.identity): these test chunks carry none
        "title": "",
        "organisation": "",
        "aliases": [],
        "period": "",
        "years": [],
        "kind": "",
        "authors": [],
        "tags": [],
        "edited_at": "",  # no user edit of the identity (docs set)
    }
    assert all(p.payload["meta"]["committed"] for p in _points(store))
    writer.run(documents=_chunks("doc1", 3))
    assert len(_points(store)) == 3
    assert [r.doc_id for r in registry.all()] == ["doc1"]


def test_leftovers_of_an_interrupted_write_are_replaced(tmp_path: Path) -> None:
    store = open_document_store(_config(tmp_path))
    registry = store.registry
    # an interrupted run: marked as being written, 5 hidden points written, never committed or recorded
    registry.begin("doc1")
    partial = [
        Document(
            id=d.id + "-old",
            content=d.content,
            meta={**d.meta, "committed": False},
            embedding=d.embedding,
            sparse_embedding=d.sparse_embedding,
        )
        for d in _chunks("doc1", 5)
    ]
    store.write_documents(partial)
    assert registry.get("doc1") is None
    DocsightDocumentWriter(document_store=store).run(documents=_chunks("doc1", 2))
    points = _points(store, "doc1")
    assert len(points) == 2 and all(p.payload["meta"]["committed"] for p in points)
    marks = [p for p in store.client.scroll("c__docsight", limit=100)[0] if p.payload.get("type") == "pending"]
    assert marks == []  # removed with the commit


def test_a_document_never_interrupted_is_written_without_a_collection_wide_delete(tmp_path: Path) -> None:
    """The leftover delete is a filter the embedded store evaluates over every point: only marked documents pay it."""
    store = open_document_store(_config(tmp_path))
    registry = store.registry
    writer = DocsightDocumentWriter(document_store=store)
    purged: list[str] = []
    original = DocumentRegistry.purge
    DocumentRegistry.purge = lambda self, doc_id: purged.append(doc_id) or original(self, doc_id)
    try:
        writer.run(documents=_chunks("doc1", 3))
        writer.run(documents=_chunks("doc2", 3, path="/data/b.pdf"))
        assert purged == []
        registry.delete("doc1")  # deleting does purge
        assert purged == ["doc1"] and registry.get("doc1") is None and len(_points(store)) == 3
    finally:
        DocumentRegistry.purge = original


def test_changed_file_replaces_its_old_version_and_delete_removes_everything(tmp_path: Path) -> None:
    store = open_document_store(_config(tmp_path))
    registry = store.registry
    writer = DocsightDocumentWriter(document_store=store)
    writer.run(documents=_chunks("v1", 3, path="/data/report.pdf"))
    writer.run(documents=_chunks("other", 2, path="/data/other.pdf"))
    out = writer.run(documents=_chunks("v2", 4, path="/data/report.pdf"))
    assert out["records"][0]["replaced"] == ["v1"]
    assert _points(store, "v1") == [] and len(_points(store, "v2")) == 4
    assert sorted(r.doc_id for r in registry.all()) == ["other", "v2"]
    registry.delete("v2")
    assert _points(store, "v2") == [] and registry.get("v2") is None
    assert len(_points(store)) == 2


def test_uncommitted_points_are_invisible_to_committed_filter(tmp_path: Path) -> None:
    store = open_document_store(_config(tmp_path))
    store.write_documents(
        [
            Document(
                id="x",
                content="hidden",
                meta={"doc_id": "d", "committed": False},
                embedding=[1, 0, 0, 0],
                sparse_embedding=SparseEmbedding(indices=[1], values=[1.0]),
            )
        ]
    )
    visible = models.Filter(must=[models.FieldCondition(key="meta.committed", match=models.MatchValue(value=True))])
    assert store.client.count("c", count_filter=visible).count == 0


def test_writer_to_dict_from_dict_round_trip(tmp_path: Path) -> None:
    store = open_document_store(_config(tmp_path))
    data = DocsightDocumentWriter(document_store=store).to_dict()
    again = DocsightDocumentWriter.from_dict(data)
    assert again.document_store.config == store.config and again.to_dict() == data


def test_remove_superseded_finishes_an_interrupted_replacement(tmp_path: Path) -> None:
    store = open_document_store(_config(tmp_path))
    registry = store.registry
    writer = DocsightDocumentWriter(document_store=store)
    writer.run(documents=_chunks("v1", 2, path="/data/report.pdf"))
    writer.run(documents=_chunks("v2", 3, path="/data/elsewhere.pdf"))
    # as if the run died after recording v2 but before deleting v1: both records name the same file
    registry.client.set_payload(
        registry.name,
        payload={"path": "/data/report.pdf"},
        points=models.Filter(must=[models.FieldCondition(key="doc_id", match=models.MatchValue(value="v2"))]),
        wait=True,
    )
    removed = registry.remove_superseded()
    assert [r.doc_id for r in removed] == ["v1"]
    assert [r.doc_id for r in registry.all()] == ["v2"] and _points(store, "v1") == []


def test_a_failed_write_leaves_no_points(tmp_path: Path, monkeypatch) -> None:
    store = open_document_store(_config(tmp_path))
    writer = DocsightDocumentWriter(document_store=store)

    def broken_commit(record):
        raise RuntimeError("disk went away")

    monkeypatch.setattr(writer.registry, "commit", broken_commit)
    with pytest.raises(RuntimeError, match="disk went away"):
        writer.run(documents=_chunks("doc1", 3))
    assert _points(store, "doc1") == [] and writer.registry.get("doc1") is None


def test_a_page_count_from_the_converter_counts_empty_trailing_pages(tmp_path: Path) -> None:
    store = open_document_store(_config(tmp_path))
    registry = store.registry
    chunks = [
        Document(
            id=c.id,
            content=c.content,
            meta={k: v for k, v in c.meta.items() if k != "pages"},
            embedding=c.embedding,
            sparse_embedding=c.sparse_embedding,
        )
        for c in _chunks("doc1", 2)
    ]
    [record] = DocsightDocumentWriter(document_store=store).run(documents=chunks, page_counts=[{"doc1": 5}])["records"]
    assert record["pages"] == 5 and record["empty_pages"] == [3, 4, 5]
    assert record_for(chunks).pages == 2  # without one: up to the last page with a chunk
    assert registry.get("doc1").pages == 5


def test_the_schema_names_the_vectors_as_qdrant_haystack_writes_them() -> None:
    from haystack_integrations.document_stores.qdrant.converters import DENSE_VECTORS_NAME, SPARSE_VECTORS_NAME

    from ingest.schema import DENSE_VECTOR, SPARSE_VECTOR

    assert (DENSE_VECTOR, SPARSE_VECTOR) == (DENSE_VECTORS_NAME, SPARSE_VECTORS_NAME)
