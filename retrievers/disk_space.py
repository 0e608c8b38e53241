"""Room on disk for the embedded store, checked before anything is written.

A document is checked before its first point is written (so a full disk fails it cleanly rather than half-way
through), and the store folder is probed before it is opened (a read-only or full file system gets a clear error
instead of a traceback from qdrant-client's lock file).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
from pathlib import Path

from haystack import Document

from retrievers.errors import StoreFullError, StoreNotWritableError

# The embedded store keeps points in SQLite: the file grows by ~1.2x the raw sizes below (measured on the parser
# corpus) and a transaction's rollback journal can briefly hold as much again.
OVERHEAD = 2.0
RESERVE_BYTES = 1024 * 1024  # the registry record, the revision token and SQLite's own pages


def estimated_bytes(documents: list[Document]) -> int:
    """Bytes the embedded store may need on disk to write ``documents``."""
    raw = 0
    for doc in documents:
        raw += len((doc.content or "").encode()) + len(json.dumps(doc.meta, default=str))
        raw += 9 * len(doc.embedding or [])  # pickled floats
        if doc.sparse_embedding is not None:
            raw += 12 * len(doc.sparse_embedding.indices)
    return int(raw * OVERHEAD) + RESERVE_BYTES


def ensure_room(path: Path, documents: list[Document], name: str) -> None:
    """:raises StoreFullError: the file system holding ``path`` has less room than ``documents`` need."""
    existing = next(p for p in (path, *path.parents) if p.exists())  # the store may not be created yet
    need, free = estimated_bytes(documents), shutil.disk_usage(existing).free
    if free < need:
        raise StoreFullError(
            f"disk full: {name} needs about {_mb(need)} in the store at {path}, {_mb(free)} free there; "
            "nothing of it was written. Free disk space or move DOCSIGHT_QDRANT_PATH, then run the ingest again."
        )


def ensure_writable(path: Path) -> None:
    """Create the store folder if needed and prove a file can be written in it.

    :raises StoreNotWritableError: read-only file system, no permission, or no space left.
    """
    probe = path / ".docsight-write-probe"
    try:
        path.mkdir(parents=True, exist_ok=True)
        with open(probe, "wb") as handle:
            handle.write(b"\0" * 4096)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        reason = {
            errno.EROFS: "the file system is read-only",
            errno.EACCES: "permission denied",
            errno.EPERM: "permission denied",
            errno.ENOSPC: "no space left on the device",
            errno.EDQUOT: "disk quota exceeded",
        }.get(exc.errno, exc.strerror or str(exc))
        raise StoreNotWritableError(
            f"the embedded Qdrant store at {path} cannot be written: {reason}. qdrant-client must write there even "
            "to read (it locks the folder): set DOCSIGHT_QDRANT_PATH to a writable folder with free space, or "
            "serve the store with a Qdrant server (DOCSIGHT_QDRANT_URL)."
        ) from None
    finally:
        with contextlib.suppress(OSError):
            probe.unlink()


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"
