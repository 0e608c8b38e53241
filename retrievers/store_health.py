"""Recognise a damaged embedded store or a collection docsight did not create, before anything is written.

qdrant-client's embedded mode keeps ``meta.json`` (the collections' configurations), a ``.lock`` file and one SQLite
file per collection (``collection/<name>/storage.sqlite``) in the store folder; it loads every collection when the
store is opened. A truncated or zeroed SQLite file, a garbage ``meta.json`` or a ``.lock`` that is not a file would
otherwise end in a raw ``sqlite3``, ``json`` or ``IsADirectoryError`` traceback.
"""

from __future__ import annotations

import json
import pickle
import sqlite3
from pathlib import Path

from qdrant_client import QdrantClient

from ingest.schema import DENSE_VECTOR, SPARSE_VECTOR
from retrievers.errors import ForeignCollectionError, StoreDamagedError

_MOVE_ASIDE = (
    "restore the folder from a backup, or move it aside (mv {path} {path}.damaged) and ingest your documents "
    "again (a new store is created), or point DOCSIGHT_QDRANT_PATH at another folder"
)


def check_embedded_store(path: Path) -> None:
    """What can be checked without opening the store: its ``meta.json`` and its ``.lock``.

    :raises StoreDamagedError: naming the store, the file and what to do.
    """
    lock = path / ".lock"
    if lock.exists() and not lock.is_file():
        raise StoreDamagedError(
            f"the embedded Qdrant store at {path} is damaged: its lock file {lock} is not a file. If no other docsight "
            f"process is running, remove it (rm -r {lock}) and run the command again."
        )
    meta = path / "meta.json"
    if not meta.exists():
        return
    try:
        data = json.loads(meta.read_text(encoding="utf-8"))
        valid = isinstance(data, dict) and isinstance(data.get("collections"), dict)
    except (OSError, UnicodeDecodeError, ValueError):
        valid = False
    if not valid:
        raise StoreDamagedError(
            f"the embedded Qdrant store at {path} is damaged: {meta} is not the store's configuration (not valid "
            f"JSON with its collections). Nothing was written; " + _MOVE_ASIDE.format(path=path) + "."
        )


def is_damage(exc: BaseException) -> bool:
    """Did opening an embedded store fail because one of its files is damaged?"""
    link: BaseException | None = exc
    while link is not None:
        if isinstance(link, sqlite3.DatabaseError | pickle.UnpicklingError | EOFError):
            return True
        link = link.__cause__ or link.__context__
    return False


def damaged_error(path: Path, exc: BaseException) -> StoreDamagedError:
    """The error for a store that :func:`is_damage`: names the collection file that cannot be read."""
    broken = [str(f) for f in sorted(path.glob("collection/*/storage.sqlite")) if not _readable(f)]
    where = f"{', '.join(broken)} cannot be read" if broken else f"a collection file cannot be read ({exc})"
    return StoreDamagedError(
        f"the embedded Qdrant store at {path} is damaged: {where} ({type(exc).__name__}: {exc}). Nothing was "
        "written; " + _MOVE_ASIDE.format(path=path) + "."
    )


def _readable(sqlite_file: Path) -> bool:
    try:
        with sqlite3.connect(f"file:{sqlite_file}?mode=ro", uri=True) as db:
            db.execute("SELECT count(*) FROM points").fetchone()
            return db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    except sqlite3.Error:
        return False


def check_docsight_collection(
    client: QdrantClient, collection: str, registry: str, location: str, embedding_dim: int
) -> None:
    """Refuse a collection that docsight did not create: its vectors are not docsight's (named ``text-dense`` and
    ``text-sparse``), or it holds points but has no docsight registry (``<collection>__docsight``). An empty
    collection with docsight's vectors and no registry is one whose creation was interrupted: it is taken over.

    :raises ForeignCollectionError: naming the collection and what to do.
    """
    if not client.collection_exists(collection) or client.collection_exists(registry):
        return
    params = client.get_collection(collection).config.params
    dense = params.vectors if isinstance(params.vectors, dict) else {}
    ours = DENSE_VECTOR in dense and SPARSE_VECTOR in (params.sparse_vectors or {})
    if ours and client.count(collection, exact=True).count == 0:
        return
    raise foreign_error(collection, location, "its vectors are not docsight's" if not ours else "it has no registry")


def foreign_error(collection: str, location: str, why: str) -> ForeignCollectionError:
    return ForeignCollectionError(
        f"collection '{collection}' at {location} was not created by docsight ({why}); nothing was written to it. "
        f"Choose another collection (--collection NAME or DOCSIGHT_COLLECTION), or another store "
        f"(DOCSIGHT_QDRANT_PATH / DOCSIGHT_QDRANT_URL)."
    )
