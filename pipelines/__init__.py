"""Haystack pipelines, generation, the batch job, settings and the CLI."""

import ingest  # noqa: F401 - switches Haystack's telemetry off before haystack is imported (see ingest.telemetry)
