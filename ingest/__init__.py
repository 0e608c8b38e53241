"""Files to Haystack Documents. Importing any docsight package first switches Haystack's telemetry off."""

from ingest.telemetry import disable_haystack_telemetry

disable_haystack_telemetry()
