"""One lock per embedded Qdrant client.

qdrant-client's embedded (local) mode keeps its collections in Python dicts and arrays with no locking, so a scroll
in one thread while another thread upserts can fail ("dictionary changed size during iteration") or read a half
written point. docsight's components take this lock around each embedded-store operation, which makes one store
safe to share between threads (the web UI ingests in a background thread while browser sessions query). A Qdrant
server needs no such lock: its client gets a no-op context.
"""

from __future__ import annotations

import contextlib
import threading
import weakref
from contextlib import AbstractContextManager

from qdrant_client import QdrantClient
from qdrant_client.local.qdrant_local import QdrantLocal

_locks: weakref.WeakKeyDictionary[QdrantClient, threading.RLock] = weakref.WeakKeyDictionary()
_guard = threading.Lock()


def client_lock(client: QdrantClient) -> AbstractContextManager:
    """The re-entrant lock of an embedded ``client``; a no-op context for a server client."""
    if not isinstance(getattr(client, "_client", None), QdrantLocal):
        return contextlib.nullcontext()
    with _guard:
        lock = _locks.get(client)
        if lock is None:
            lock = _locks[client] = threading.RLock()
        return lock
