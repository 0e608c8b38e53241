"""A full disk or a read-only store folder: a clear error before anything is written, and the store stays whole.

The file systems are real: a small tmpfs mounted in a private user and mount namespace (``unshare -rm``), where
the ingest runs as a real ``docsight`` command and the store is inspected before the namespace goes away.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, corpus_file

INSPECT = """
import json, subprocess, sys
from qdrant_client import QdrantClient
run = subprocess.run([sys.executable, "-m", "pipelines.cli", *sys.argv[2:]], capture_output=True, text=True)
client = QdrantClient(path=sys.argv[1])
points, _ = client.scroll("docsight", limit=10000, with_payload=True)
records, _ = client.scroll("docsight__docsight", limit=100, with_payload=True)
print(json.dumps({
    "code": run.returncode, "output": run.stdout + run.stderr,
    "points": sorted(p.payload["meta"]["source"] for p in points),
    "records": sorted(r.payload["source"] for r in records if r.payload.get("type") == "document"),
}))
"""


def _namespaces_available() -> bool:
    return shutil.which("unshare") is not None and subprocess.run(["unshare", "-rm", "true"]).returncode == 0


pytestmark = pytest.mark.skipif(not _namespaces_available(), reason="needs unshare -rm (user namespaces)")


def _in_tmpfs(mount: Path, size: str, script: str) -> subprocess.CompletedProcess:
    mount.mkdir()
    return subprocess.run(
        ["unshare", "-rm", "sh", "-c", f"mount -t tmpfs -o size={size} tmpfs {mount} && {script}"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "HOME": str(mount.parent), "DOCSIGHT_QDRANT_PATH": str(mount / "store")},
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("samplefiles__multicolumn.pdf", "unstructured__fr_olap.pdf"):  # ~0.1 MB and ~0.6 MB of points
        shutil.copy(corpus_file("parsers", name), folder / name)
    return folder


def test_a_document_that_does_not_fit_fails_before_any_point_is_written(tmp_path: Path, folder: Path) -> None:
    (tmp_path / "look.py").write_text(INSPECT)
    store = tmp_path / "mnt" / "store"
    done = _in_tmpfs(
        tmp_path / "mnt", "1500k", f"{sys.executable} {tmp_path / 'look.py'} {store} ingest {folder} --no-progress"
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["code"] == 1  # some files failed, the rest is stored
    line = next(x for x in seen["output"].splitlines() if "failed unstructured__fr_olap.pdf" in x)
    assert "disk full: unstructured__fr_olap.pdf needs about" in line and "nothing of it was written" in line
    # the document that fitted is whole; nothing of the one that did not is in the store, visible or not
    assert seen["records"] == ["samplefiles__multicolumn.pdf"]
    assert set(seen["points"]) == {"samplefiles__multicolumn.pdf"} and len(seen["points"]) == 10


def test_a_read_only_store_is_refused_with_the_reason_for_ingest_and_for_queries(tmp_path: Path, folder: Path) -> None:
    mount = tmp_path / "mnt"
    cli = f"{sys.executable} -m pipelines.cli"
    done = _in_tmpfs(
        mount,
        "8m",
        f"{cli} ingest {folder / 'samplefiles__multicolumn.pdf'} --no-progress >/dev/null 2>&1; "
        f"mount -o remount,ro {mount}; {cli} ingest {folder} --no-progress; echo ingest=$?; "
        f"{cli} retrieve 'two columns'; echo retrieve=$?",
    )
    out = done.stdout + done.stderr
    assert "ingest=3" in out and "retrieve=3" in out, out
    message = f"the embedded Qdrant store at {mount / 'store'} cannot be written: the file system is read-only"
    assert out.count(message) == 2
    assert "Traceback" not in out
