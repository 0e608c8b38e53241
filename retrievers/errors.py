"""Store errors with messages that say what to do."""

from __future__ import annotations


class StoreError(RuntimeError):
    """A problem with the Qdrant store or collection."""


class StoreLockedError(StoreError):
    """The embedded store is open in another process."""


class StoreUnavailableError(StoreError):
    """The Qdrant server cannot be reached."""


class EmbeddingModelMismatchError(StoreError):
    """The collection was written with a different embedding model than the one configured."""


class CollectionNotFoundError(StoreError):
    """The collection does not exist or holds no documents."""


class StoreNotWritableError(StoreError):
    """The embedded store's folder cannot be written (read-only, no permission, disk full)."""


class StoreFullError(StoreError):
    """Not enough disk space to write a document into the embedded store."""


class StoreDamagedError(StoreError):
    """A file of the embedded store is damaged (truncated, zeroed, not what qdrant-client wrote)."""


class ForeignCollectionError(StoreError):
    """The collection exists but docsight did not create it."""
