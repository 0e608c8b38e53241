"""The registry's per-path entries: a commit finds older versions of its file without listing every record, so
the cost per file stays flat as a collection grows; collections written before the entries are indexed once."""

from pathlib import Path

import pytest
from qdrant_client import models

from retrievers.document_registry import _INFO_ID, _path_id
from retrievers.document_writer import DocsightDocumentWriter
from retrievers.store import StoreConfig, open_document_store
from tests.retrievers.test_store_and_registry import _chunks


@pytest.fixture
def opened(tmp_path: Path):
    store = open_document_store(
        StoreConfig(collection="c", embedding_model="test/model", embedding_dim=4, path=str(tmp_path / "q"))
    )
    yield store, store.registry
    store.close()


def test_a_commit_replaces_older_versions_without_listing_the_collection(opened, monkeypatch) -> None:
    store, registry = opened
    writer = DocsightDocumentWriter(document_store=store)
    for n in range(5):
        writer.run(documents=_chunks(f"other{n}", 2, path=f"/data/other{n}.pdf"))
    writer.run(documents=_chunks("v1", 2, path="/data/report.pdf"))

    def listing_everything(*args, **kwargs):
        raise AssertionError("commit listed every record")

    monkeypatch.setattr(writer.registry, "all", listing_everything)
    [record] = writer.run(documents=_chunks("v2", 3, path="/data/report.pdf"))["records"]
    assert record["replaced"] == ["v1"]
    monkeypatch.undo()
    assert registry.get("v1") is None and registry.get("v2") is not None
    assert sorted(r.doc_id for r in registry.all()) == ["other0", "other1", "other2", "other3", "other4", "v2"]
    writer.registry.delete("v2")  # the path's entry goes with its last version
    assert registry.client.retrieve(registry.name, [_path_id("/data/report.pdf")]) == []


def test_a_collection_without_path_entries_is_indexed_once(opened) -> None:
    store, registry = opened
    DocsightDocumentWriter(document_store=store).run(documents=_chunks("old", 2, path="/data/report.pdf"))
    # as written before per-path entries existed: no entry, no flag
    registry.client.delete(registry.name, points_selector=models.PointIdsList(points=[_path_id("/data/report.pdf")]))
    registry.client.delete_payload(registry.name, keys=["path_index"], points=[_INFO_ID])
    store.close()
    store = open_document_store(store.config)  # the next run opens the store afresh
    registry = store.registry
    [record] = DocsightDocumentWriter(document_store=store).run(documents=_chunks("new", 2, path="/data/report.pdf"))[
        "records"
    ]
    assert record["replaced"] == ["old"] and registry.info()["path_index"] == 1
    assert [r.doc_id for r in registry.all()] == ["new"]
    store.close()


def test_embedded_records_are_read_in_place_as_scroll_reads_them(opened, monkeypatch) -> None:
    store, registry = opened
    writer = DocsightDocumentWriter(document_store=store)
    for n in range(4):
        writer.run(documents=_chunks(f"doc{n}", 3, path=f"/data/doc{n}.pdf"))
    writer.run(documents=_chunks("doc1-v2", 2, path="/data/doc1.pdf"))  # replaces doc1: a deleted record
    registry.delete("doc3")
    registry.begin("half")  # a pending mark: not a record
    in_place = {ids: registry.all(point_ids=ids) for ids in (False, True)}
    monkeypatch.setattr("retrievers.document_registry.local_collection", lambda client, name: None)
    scrolled = {ids: registry.all(point_ids=ids) for ids in (False, True)}
    monkeypatch.undo()
    assert in_place == scrolled
    assert [r.doc_id for r in in_place[True]] == ["doc0", "doc1-v2", "doc2"]
    assert all(r.point_ids for r in in_place[True]) and not any(r.point_ids for r in in_place[False])
    record = in_place[True][0]
    record.point_ids.clear()
    record.tags.append("changed")  # a caller's record is its own: the store's memory is not changed
    assert registry.all(point_ids=True) == scrolled[True]
