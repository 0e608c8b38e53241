"""SIGKILL a batch ingest once in each phase: start-up, parsing, embedding, deleting leftovers, writing, committing,
recording; after every kill the store is consistent and no process of the run is left, and the re-run ends with
exactly the points of a clean run (see tests/support/kill_harness.py for how the kills are placed)."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, corpus_file

FILES = [  # quick to parse (so that each kill lands soon after its run starts), but every path of a batch
    ("parsers", "samplefiles__multicolumn.pdf"),  # 3 pages
    ("parsers", "samplefiles__pdflatex-outline.pdf"),  # 4 pages
    ("parsers", "pdfplumber__scotus-transcript-p1.pdf"),
    ("parsers", "pdfplumber__la-precinct-bulletin-2014-p1.pdf"),
    ("parsers", "pypdf__multilang.pdf"),
    ("parsers", "samplefiles__habibi.pdf"),
    ("parsers", "samplefiles__pdflatex-image.pdf"),  # a figure
    ("parsers", "pdfplumber__senate-expenditures.pdf"),
    ("parsers", "samplefiles__google-doc-document.pdf"),
    ("parsers", "pdfplumber__nics-background-checks-2015-11.pdf"),  # a ruled table with its crop
    ("charts", "png", "group_0_chart1.png"),  # the OCR path
    ("parsers", "unstructured__korean-text-with-tables.pdf"),
    ("parsers", "pdfplumber__nics-background-checks-2015-11-rotated.pdf"),
    ("parsers", "unstructured__rotated-page-90.pdf"),
    ("parsers", "samplefiles__annotated_pdf.pdf"),
    ("parsers", "pymupdf__has-bad-fonts.pdf"),
]


# one kill in each phase of a batch, in a fixed order: each run resumes from what the kills before it left. Timed
# kills come from the harness at a moment tied to the run's progress (not to a clean run's duration); event kills
# are the run killing itself at the k-th event (see tests/support/kill_harness.py)
PLAN = [
    {"at": "time", "after": "start", "seconds": 0.3},  # start-up: the workers are being spawned and import
    {"at": "page", "n": 1},  # a worker is parsing the first file
    {"at": "parsed", "n": 1},  # a file's embedded chunks arrived, nothing of it written
    {"at": "time", "after": "page", "n": 1, "seconds": 0.4},  # parsing and embedding in the workers
    {"at": "begin", "n": 1},  # the leftovers of earlier runs deleted, nothing written yet
    {"at": "write", "n": 2},  # between two writes of one document
    {"at": "time", "after": "parsed", "n": 1, "seconds": 0.1},  # while a document is written
    {"at": "written", "n": 1},  # after a write, before the next
    {"at": "committed", "n": 1},  # points made visible, no record yet
    {"at": "time", "after": "written", "n": 1, "seconds": 0.1},  # between writes, or committing
    {"at": "recorded", "n": 1},  # the record written, the revision not bumped
    {"at": "write", "n": 5},  # a later document of the run, after one is finished in it
]


def _distance(a: list[float], b: list[float]) -> float:
    return max(abs(x - y) for x, y in zip(a, b, strict=True))


@pytest.mark.slow
def test_sigkill_in_every_phase_then_rerun_equals_clean_run(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for parts in FILES:
        shutil.copy(corpus_file(*parts), folder / parts[-1])
    (tmp_path / "plan.json").write_text(json.dumps(PLAN))
    subprocess.run(
        [
            sys.executable,
            str(REPO / "tests" / "support" / "kill_harness.py"),
            str(folder),
            str(tmp_path),
            str(tmp_path / "plan.json"),
        ],
        cwd=REPO,
        check=True,
        timeout=900,
    )
    outcome = json.loads((tmp_path / "result.json").read_text())
    (REPO / "test-output").mkdir(exist_ok=True)
    (REPO / "test-output" / "kill_resume.json").write_text(
        json.dumps(outcome["runs"] + [outcome["final_run"]], indent=1)
    )

    assert outcome["clean_run"]["exit"] == 0 and len(outcome["clean"]["docs"]) == len(FILES)
    runs = outcome["runs"]
    # every kill lands: each is tied to an early moment of its run, and the 16 files outlast the plan (3 to 7 of
    # them were recorded when the last kill landed, on a quiet and on a busy machine)
    assert [r["point"] for r in runs] == PLAN
    assert all(r["killed"] for r in runs), [(r["point"], r["killed"], r["recorded_docs"]) for r in runs]
    assert all(r["consistent"] for r in runs), [r["point"] for r in runs if not r["consistent"]]
    assert all(r["orphans"] == 0 for r in runs), [(r["point"], r["orphans"]) for r in runs if r["orphans"]]

    assert outcome["final_run"]["exit"] == 0
    assert outcome["final"]["docs"] == outcome["clean"]["docs"]
    assert outcome["final"]["chunks"] == outcome["clean"]["chunks"]
    final_vectors, clean_vectors = outcome["final"]["vectors"], outcome["clean"]["vectors"]
    assert final_vectors.keys() == clean_vectors.keys()
    far = {i: _distance(final_vectors[i], clean_vectors[i]) for i in clean_vectors}
    assert max(far.values()) < 1e-4, sorted(far.items(), key=lambda kv: -kv[1])[:3]
    assert all(committed for _, committed in outcome["final"]["visible"].values())
