"""SIGKILL a batch ingest at several moments; the re-run must end with exactly the points of a clean run."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from qdrant_client import QdrantClient

from tests.conftest import REPO, corpus_file

FILES = [
    "pdfplumber__federal-register-2020-17221.pdf",
    "pdfplumber__WARN-Report-for-7-1-2015-to-03-25-2016.pdf",
    "unstructured__fr_olap.pdf",
    "samplefiles__multicolumn.pdf",
    "samplefiles__pdflatex-outline.pdf",
    "unstructured__multi-column-2p.pdf",
    "pypdf__Seige_of_Vicksburg_Sample_OCR.pdf",
]


def _start(folder: Path, store: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCSIGHT_")}
    env.update(DOCSIGHT_QDRANT_PATH=str(store), DOCSIGHT_WORKERS="2")
    return subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "ingest", str(folder), "--no-progress"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _snapshot(store: Path) -> tuple[dict, dict]:
    client = QdrantClient(path=str(store))
    try:
        points, offset = [], None
        while True:
            batch, offset = client.scroll("docsight", limit=1000, offset=offset, with_payload=True)
            points += batch
            if offset is None:
                break
        records, _ = client.scroll("docsight__docsight", limit=1000, with_payload=True)
        chunks = {str(p.id): (p.payload["meta"]["doc_id"], p.payload["meta"]["committed"]) for p in points}
        docs = {r.payload["doc_id"]: r.payload["chunks"] for r in records if r.payload.get("type") == "document"}
        return chunks, docs
    finally:
        client.close()


@pytest.mark.slow
def test_sigkill_at_many_points_then_rerun_equals_clean_run(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in FILES:
        shutil.copy(corpus_file("parsers", name), folder / name)

    clean = tmp_path / "clean"
    started = time.monotonic()
    assert _start(folder, clean).wait(timeout=600) == 0
    clean_seconds = time.monotonic() - started
    reference_chunks, reference_docs = _snapshot(clean)
    assert len(reference_docs) == len(FILES) and all(c for _, c in reference_chunks.values())

    store = tmp_path / "killed"
    kills = 0
    # kill points spread over a clean run's duration: start-up, parsing, embedding and writing all get hit
    for fraction in (0.1, 0.25, 0.4, 0.55, 0.7, 0.85):
        delay = fraction * clean_seconds
        proc = _start(folder, store)
        time.sleep(delay)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            kills += 1
        proc.wait(timeout=60)
        chunks, docs = _snapshot(store)
        # after any kill, visible = committed and recorded (what retrieval returns): every recorded document is
        # there whole, and nothing of a document without a record is visible
        for doc_id, count in docs.items():
            assert sum(1 for d, committed in chunks.values() if d == doc_id and committed) == count
    assert kills >= 3
    assert _start(folder, store).wait(timeout=600) == 0
    chunks, docs = _snapshot(store)
    assert docs == reference_docs
    assert chunks == reference_chunks
