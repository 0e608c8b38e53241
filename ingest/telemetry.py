"""No usage data leaves the machine: Haystack's telemetry is switched off before Haystack is imported.

Haystack 3 sends an event to PostHog for pipeline runs unless ``HAYSTACK_TELEMETRY_ENABLED`` is false when
``haystack.telemetry`` is first imported (it also writes a user id to ``~/.haystack/config.yaml``). Every docsight
package imports this module first (through ``ingest/__init__.py``); when Haystack was imported before docsight (a
host such as hayhooks), the already created client is dropped, so no later pipeline run sends anything. A user
who wants to send Haystack usage data sets ``HAYSTACK_TELEMETRY_ENABLED=true`` explicitly.
"""

from __future__ import annotations

import os
import sys


def disable_haystack_telemetry() -> None:
    os.environ.setdefault("HAYSTACK_TELEMETRY_ENABLED", "False")
    if os.environ["HAYSTACK_TELEMETRY_ENABLED"].lower() in ("true", "1"):
        return  # the user asked for it
    module = sys.modules.get("haystack.telemetry._telemetry")
    if module is not None:
        module.telemetry = None
