"""The collections of a store (embedded folder or Qdrant server): docsight keeps several corpora apart, each a
collection with its registry ``<name>__docsight`` (see :mod:`retrievers.document_registry`).

Everything here works through one client, so the web UI can list, rename and delete collections through the
client its open store already holds (an embedded store admits one client per folder).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qdrant_client import QdrantClient, models

from retrievers.document_registry import registry_name
from retrievers.errors import CollectionNotFoundError, StoreError

_SUFFIX = "__docsight"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_COPY_BATCH = 256


class CollectionNameError(StoreError):
    """A collection name docsight does not accept, or one already taken."""


@dataclass(frozen=True)
class CollectionInfo:
    """One docsight collection as the status page and ``docsight collections list`` show it."""

    name: str
    documents: int
    points: int
    embedding_model: str
    created_at: str = ""

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def check_name(name: str) -> str:
    """``name`` when it can name a collection: letters, digits, ``_ . -``, at most 64, not ending in the registry
    suffix. :raises CollectionNameError: naming the rule."""
    if not _NAME.match(name) or name.endswith(_SUFFIX):
        raise CollectionNameError(
            f"{name!r} cannot name a collection: use up to 64 letters, digits, '_', '.' or '-', starting with a "
            f"letter or digit (and not ending in {_SUFFIX})"
        )
    return name


def collection_names(client: QdrantClient) -> list[str]:
    """The docsight collections of the store (those with a registry), sorted."""
    names = {c.name for c in client.get_collections().collections}
    return sorted(n.removesuffix(_SUFFIX) for n in names if n.endswith(_SUFFIX) and n.removesuffix(_SUFFIX) in names)


def collection_info(client: QdrantClient, name: str) -> CollectionInfo:
    """Documents, points and embedding model of collection ``name``.

    :raises CollectionNotFoundError: it is not a docsight collection of this store.
    """
    if name not in collection_names(client):
        raise CollectionNotFoundError(f"there is no collection {name!r} (see docsight collections list)")
    registry = registry_name(name)
    documents = client.count(registry, count_filter=_type_filter("document"), exact=True).count
    info = next(iter(client.retrieve(registry, [_info_id()], with_payload=True)), None)
    payload = (info.payload if info else None) or {}
    return CollectionInfo(
        name=name,
        documents=documents,
        points=client.count(name, exact=True).count,
        embedding_model=str(payload.get("embedding_model", "")),
        created_at=str(payload.get("created_at", "")),
    )


def list_collections(client: QdrantClient) -> list[CollectionInfo]:
    return [collection_info(client, name) for name in collection_names(client)]


def delete_collection(client: QdrantClient, name: str) -> CollectionInfo:
    """Remove collection ``name``: its points, its registry (records, edits) — everything of it.

    :returns: what it held. :raises CollectionNotFoundError: no such docsight collection.
    """
    info = collection_info(client, name)
    client.delete_collection(name)  # points first: a registry never outlives its points
    client.delete_collection(registry_name(name))
    return info


def rename_collection(client: QdrantClient, old: str, new: str, *, server: bool = False) -> CollectionInfo:
    """Give collection ``old`` the name ``new``: Qdrant cannot rename, so its points and registry are copied (with
    their vectors, ids and payloads) into ``new`` and ``old`` is deleted once the copy is complete. A rename killed
    midway leaves ``old`` whole; the partial ``new`` is then not a docsight collection until its registry is copied
    (the registry is copied last), and a second rename replaces it.

    :param server: the client talks to a Qdrant server: the copy gets docsight's payload indexes.
    :raises CollectionNotFoundError: no collection ``old``. :raises CollectionNameError: ``new`` is not a valid
        name or is taken.
    """
    check_name(new)
    collection_info(client, old)
    if client.collection_exists(new) and new in collection_names(client):
        raise CollectionNameError(f"there is already a collection {new!r}")
    for source, target in ((old, new), (registry_name(old), registry_name(new))):
        if client.collection_exists(target):
            client.delete_collection(target)
        params = client.get_collection(source).config.params
        client.create_collection(
            target,
            vectors_config=params.vectors if params.vectors is not None else {},
            sparse_vectors_config=params.sparse_vectors,
            replication_factor=params.replication_factor,
        )
        if server and target == new:
            from retrievers.store import ensure_payload_indexes

            ensure_payload_indexes(client, new)
        _copy_points(client, source, target)
    client.delete_collection(old)
    client.delete_collection(registry_name(old))
    return collection_info(client, new)


def _copy_points(client: QdrantClient, source: str, target: str) -> None:
    offset = None
    while True:
        points, offset = client.scroll(source, limit=_COPY_BATCH, offset=offset, with_payload=True, with_vectors=True)
        if points:
            structs = [models.PointStruct(id=p.id, vector=p.vector or {}, payload=p.payload) for p in points]
            client.upsert(target, structs, wait=True)
        if offset is None:
            return


def _type_filter(kind: str) -> models.Filter:
    return models.Filter(must=[models.FieldCondition(key="type", match=models.MatchValue(value=kind))])


def _info_id() -> str:
    from retrievers.document_registry import _INFO_ID

    return _INFO_ID
