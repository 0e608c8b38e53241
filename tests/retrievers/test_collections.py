"""Collections of one embedded store, managed through one client: listed with their documents, points and model;
renamed with every point, vector, record and edit; deleted whole; bad names refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from haystack import Document
from haystack.dataclasses import SparseEmbedding

from retrievers.collections import (
    CollectionNameError,
    check_name,
    collection_names,
    delete_collection,
    list_collections,
    rename_collection,
)
from retrievers.document_writer import DocsightDocumentWriter
from retrievers.errors import CollectionNotFoundError
from retrievers.store import StoreConfig, open_client, open_document_store


def _chunks(doc: str, n: int) -> list[Document]:
    meta = {"doc_id": doc * 64, "source": f"{doc}.pdf", "path": f"/in/{doc}.pdf", "page": 1, "kind": "text"}
    return [
        Document(
            content=f"{doc} chunk {i}",
            meta=meta,
            embedding=[0.1 * (i + 1), 0.2, 0.3, 0.4],
            sparse_embedding=SparseEmbedding(indices=[i], values=[1.0]),
        )
        for i in range(n)
    ]


def _fill(path: Path, collection: str, docs: dict[str, int], model: str = "m") -> None:
    store = open_document_store(
        StoreConfig(collection=collection, embedding_model=model, embedding_dim=4, path=str(path))
    )
    for doc, n in docs.items():
        DocsightDocumentWriter(document_store=store).run(documents=_chunks(doc, n))
    store.registry.save_edits("a" * 64, {"organisation": "Edited Org"})
    store.close()


def test_list_rename_delete(tmp_path: Path) -> None:
    path = tmp_path / "q"
    _fill(path, "reports", {"a": 3, "b": 2})
    _fill(path, "papers", {"c": 1}, model="other-model")
    client = open_client(StoreConfig(collection="unused", embedding_model="m", embedding_dim=4, path=str(path)))
    try:
        listed = {c.name: (c.documents, c.points, c.embedding_model) for c in list_collections(client)}
        assert listed == {"reports": (2, 5, "m"), "papers": (1, 1, "other-model")}
        assert "unused" not in collection_names(client)  # opening a client creates nothing

        renamed = rename_collection(client, "reports", "annual-reports")
        assert (renamed.name, renamed.documents, renamed.points) == ("annual-reports", 2, 5)
        assert collection_names(client) == ["annual-reports", "papers"]
        with pytest.raises(CollectionNameError, match="already a collection 'papers'"):
            rename_collection(client, "annual-reports", "papers")
        with pytest.raises(CollectionNotFoundError, match="no collection 'reports'"):
            rename_collection(client, "reports", "x")
        with pytest.raises(CollectionNameError, match="cannot name a collection"):
            rename_collection(client, "papers", "bad name/")
    finally:
        client.close()

    # the renamed collection opens as docsight's, with its vectors, records and the user's edits
    store = open_document_store(
        StoreConfig(collection="annual-reports", embedding_model="m", embedding_dim=4, path=str(path))
    )
    try:
        assert sorted(r.source for r in store.registry.all()) == ["a.pdf", "b.pdf"]
        assert store.registry.edits("a" * 64) == {"organisation": "Edited Org"}
        points, _ = store.client.scroll("annual-reports", limit=10, with_vectors=True)
        assert all(p.vector["text-dense"] and p.vector["text-sparse"] for p in points)
        assert all(p.payload["meta"]["committed"] for p in points)
    finally:
        store.close()

    client = open_client(StoreConfig(collection="unused", embedding_model="m", embedding_dim=4, path=str(path)))
    try:
        deleted = delete_collection(client, "papers")
        assert (deleted.documents, deleted.points) == (1, 1)
        assert collection_names(client) == ["annual-reports"]
        assert not client.collection_exists("papers__docsight")
        with pytest.raises(CollectionNotFoundError):
            delete_collection(client, "papers")
    finally:
        client.close()


def test_names() -> None:
    assert check_name("q3-2024_reports.v2") == "q3-2024_reports.v2"
    for bad in ("", "-x", "a b", "x" * 65, "x__docsight", "../up"):
        with pytest.raises(CollectionNameError):
            check_name(bad)
