"""Qdrant: store, registry, writer, encoders, hybrid retrieval."""

import ingest  # noqa: F401 - switches Haystack's telemetry off before haystack is imported (see ingest.telemetry)
