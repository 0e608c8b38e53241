"""A damaged embedded store or a collection docsight did not create: a clear error naming the store and what to
do, and nothing written."""

import hashlib
import shutil
from pathlib import Path

import pytest
from qdrant_client import QdrantClient, models

from retrievers.document_writer import DocsightDocumentWriter
from retrievers.errors import ForeignCollectionError, StoreDamagedError
from retrievers.store import StoreConfig, open_document_store
from tests.retrievers.test_store_and_registry import _chunks


def _config(path: Path, collection: str = "c") -> StoreConfig:
    return StoreConfig(collection=collection, embedding_model="test/model", embedding_dim=4, path=str(path))


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
        for p in sorted(folder.rglob("*"))
        if p.name != ".lock" or p.is_dir()
    }


@pytest.fixture(scope="module")
def healthy(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("healthy") / "q"
    store = open_document_store(_config(path))
    writer = DocsightDocumentWriter(document_store=store)
    for n in range(20):
        writer.run(documents=_chunks(f"doc{n}", 3, path=f"/data/{n}.pdf"))
    store.close()
    return path


def _damaged(healthy: Path, tmp_path: Path, damage) -> Path:
    path = tmp_path / "q"
    shutil.copytree(healthy, path)
    damage(path)
    return path


def _truncate(path: Path) -> None:
    sqlite = path / "collection" / "c" / "storage.sqlite"
    sqlite.write_bytes(sqlite.read_bytes()[: sqlite.stat().st_size // 2])


def _zero(path: Path) -> None:
    sqlite = path / "collection" / "c" / "storage.sqlite"
    sqlite.write_bytes(b"\0" * sqlite.stat().st_size)


def _lock_folder(path: Path) -> None:
    (path / ".lock").unlink()
    (path / ".lock").mkdir()


def _garbage_meta(path: Path) -> None:
    (path / "meta.json").write_text("garbage{", encoding="utf-8")


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (_truncate, "collection/c/storage.sqlite cannot be read"),
        (_zero, "collection/c/storage.sqlite cannot be read"),
        (_lock_folder, "its lock file"),
        (_garbage_meta, "meta.json is not the store's configuration"),
    ],
)
def test_a_damaged_store_is_named_with_what_to_do_and_left_as_it_was(healthy, tmp_path, damage, expected) -> None:
    path = _damaged(healthy, tmp_path, damage)
    before = _snapshot(path)
    with pytest.raises(StoreDamagedError) as raised:
        open_document_store(_config(path))
    message = str(raised.value)
    assert f"the embedded Qdrant store at {path} is damaged" in message and expected in message
    assert "move it aside" in message or "remove it" in message
    assert _snapshot(path) == before


def test_the_cli_exits_3_on_a_damaged_store(healthy, tmp_path, monkeypatch, capsys) -> None:
    from pipelines.cli import main

    path = _damaged(healthy, tmp_path, _zero)
    monkeypatch.delenv("DOCSIGHT_COLLECTION", raising=False)
    assert main(["docs", "list", "--qdrant-path", str(path), "--collection", "c"]) == 3
    err = capsys.readouterr().err
    assert "is damaged" in err and "Traceback" not in err


def test_a_collection_docsight_did_not_create_is_refused_untouched(tmp_path) -> None:
    for name, vectors in (
        ("unnamed", models.VectorParams(size=4, distance=models.Distance.COSINE)),
        ("dense-only", {"text-dense": models.VectorParams(size=4, distance=models.Distance.COSINE)}),
    ):
        path = tmp_path / name
        client = QdrantClient(path=str(path))
        client.create_collection("c", vectors_config=vectors)
        vector = [1.0, 0, 0, 0] if name == "unnamed" else {"text-dense": [1.0, 0, 0, 0]}
        client.upsert("c", [models.PointStruct(id=1, vector=vector, payload={"theirs": True})])
        client.close()
        before = _snapshot(path)
        with pytest.raises(ForeignCollectionError, match=r"collection 'c' at .* was not created by docsight") as raised:
            open_document_store(_config(path))
        assert "Choose another collection (--collection NAME" in str(raised.value)
        assert _snapshot(path) == before, name  # no registry created, nothing changed
        store = open_document_store(_config(path, collection="mine"))  # another collection works
        store.close()
