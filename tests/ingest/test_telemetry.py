"""Haystack's telemetry (PostHog) is off whenever docsight is imported, before or after Haystack."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

PROBE = """
import sys
{first}
from haystack.telemetry import _telemetry
print(_telemetry.telemetry is None)
"""


@pytest.mark.parametrize(
    "first",
    [
        "import pipelines.query",  # docsight first
        "import retrievers.hybrid_retriever",
        "import haystack, haystack.telemetry; import pipelines.query",  # a host that imported Haystack first
    ],
)
def test_haystack_telemetry_is_off(first: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "HAYSTACK_TELEMETRY_ENABLED"}
    env["HOME"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(first=first)], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert done.stdout.strip() == "True", done.stderr[-2000:]
    if "haystack," not in first:  # Haystack never even created its user id file
        assert not (tmp_path / ".haystack").exists()
