"""The docsight command line, run as a user runs it: exit codes, report, listing, deleting, clear errors."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from retrievers.store import StoreConfig, open_document_store
from tests.conftest import REPO, corpus_file


def docsight(*args: str, store: Path, timeout: int = 600) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCSIGHT_")}
    env.update(DOCSIGHT_QDRANT_PATH=str(store), DOCSIGHT_WORKERS="2")
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=timeout,
    )


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert docsight(store=tmp_path / "q").returncode == 2
    bad = docsight("ingest", str(tmp_path / "missing.pdf"), store=tmp_path / "q")
    assert bad.returncode == 2 and "no such file or folder" in bad.stderr
    pw = docsight("ingest", str(tmp_path), "--password", "nonsense", store=tmp_path / "q")
    assert pw.returncode == 2 and "FILE=PASSWORD" in pw.stderr


@pytest.mark.slow
def test_ingest_report_list_delete(tmp_path: Path) -> None:
    store = tmp_path / "q"
    files = [
        corpus_file("parsers", n)
        for n in ("samplefiles__multicolumn.pdf", "pdfplumber__empty.pdf", "pypdf__multilang.pdf")
    ]
    report = tmp_path / "report.json"
    run = docsight("ingest", *map(str, files), "--report", str(report), store=store)
    assert run.returncode == 1, run.stderr
    entries = {Path(e["file"]).name: e for e in json.loads(report.read_text())}
    assert entries["pdfplumber__empty.pdf"]["status"] == "failed"
    assert entries["pdfplumber__empty.pdf"]["error"] == "empty file: the file has 0 bytes"
    entry = {k: v for k, v in entries["samplefiles__multicolumn.pdf"].items() if k not in ("stages", "peak_rss_mb")}
    assert set(entries["samplefiles__multicolumn.pdf"]["stages"]) >= {"parse", "embed_dense", "write"}
    assert entry | {"seconds": 0, "doc_id": ""} == {
        "file": str(files[0]),
        "status": "ingested",
        "doc_id": "",
        "pages": 3,
        "chunks": entries["samplefiles__multicolumn.pdf"]["chunks"],
        "figures": 0,
        "tables": 1,  # page 3 holds "Table 1: EU Countries Information", an unruled table
        "error": None,
        "seconds": 0,
    }
    assert "1 failed" in run.stdout

    listed = json.loads(docsight("docs", "list", "--json", store=store).stdout)
    assert sorted(d["source"] for d in listed) == ["pypdf__multilang.pdf", "samplefiles__multicolumn.pdf"]
    titles = {d["source"]: (d["title"], d["kind"]) for d in listed}  # from the content (ingest.identity)
    assert titles["samplefiles__multicolumn.pdf"] == ("Two-Column Document with Lorem Ipsum", "other")
    unknown = docsight("retrieve", "lorem", "--doc-kind", "10-K", store=store)
    assert unknown.returncode == 2 and "no document of kind 10-K" in unknown.stderr

    again = docsight("ingest", str(files[0]), str(files[2]), store=store)
    assert again.returncode == 0 and "2 unchanged" in again.stdout

    deleted = docsight("docs", "delete", "pypdf__multilang.pdf", store=store)
    assert deleted.returncode == 0 and "deleted pypdf__multilang.pdf" in deleted.stdout
    listed = json.loads(docsight("docs", "list", "--json", store=store).stdout)
    assert [d["source"] for d in listed] == ["samplefiles__multicolumn.pdf"]
    assert docsight("docs", "delete", "nothing-like-this", store=store).returncode == 1


def test_locked_store_and_model_mismatch_are_clear_errors(tmp_path: Path) -> None:
    store = tmp_path / "q"
    pdf = str(corpus_file("parsers", "pypdf__multilang.pdf"))
    config = StoreConfig(collection="docsight", embedding_model="someone/else", embedding_dim=384, path=str(store))
    held = open_document_store(config)
    locked = docsight("ingest", pdf, store=store)
    assert locked.returncode == 3 and "open in another docsight process" in locked.stderr
    held.close()
    mismatch = docsight("ingest", pdf, store=store)
    assert mismatch.returncode == 3
    assert "indexed with the embedding model someone/else" in mismatch.stderr
    assert "--collection NEW_NAME" in mismatch.stderr


def test_ui_command_runs_the_packaged_app_on_localhost_without_telemetry() -> None:
    from pipelines.cli import streamlit_command
    from pipelines.settings import Settings

    command = streamlit_command(Settings.from_env(environ={}, max_file_mb=50))
    app = Path(command[4])
    assert command[1:4] == ["-m", "webui.serve", "run"] and app.is_file() and app.parent.name == "webui"
    options = dict(zip(command[5::2], command[6::2], strict=True))
    assert options["--server.address"] == "127.0.0.1" and options["--server.port"] == "8501"
    assert options["--browser.gatherUsageStats"] == "false" and options["--server.maxUploadSize"] == "50"


def test_shard_flag_is_checked(tmp_path: Path) -> None:
    done = docsight("ingest", str(REPO / "README.md"), "--shard", "2/2", store=tmp_path / "q")
    assert done.returncode == 2 and "0 <= I < N" in done.stderr


def test_odd_file_names_in_an_ingest_folder_are_ingested_and_reported(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    odd = {
        os.fsencode(folder) + b"/caf\xe9 report.pdf": "samplefiles__multicolumn.pdf",  # Latin-1, not UTF-8
        os.fsencode(folder) + b"/" + b"a" * 200 + b"\nline.pdf": "pypdf__multilang.pdf",  # newline, long
        os.fsencode(folder) + b"/-rf.pdf": "samplefiles__habibi.pdf",  # looks like an option
    }
    for name, source in odd.items():
        Path(os.fsdecode(name)).write_bytes(corpus_file("parsers", source).read_bytes())
    done = docsight("ingest", str(folder), "--no-progress", "--report", str(tmp_path / "r.json"), store=tmp_path / "q")
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert sorted(Path(r["file"]).name for r in report) == ["-rf.pdf", "a" * 200 + "\nline.pdf", "caf\ufffd report.pdf"]
    assert all(r["status"] == "ingested" and r["chunks"] > 0 for r in report)
    listed = docsight("docs", "list", "--json", store=tmp_path / "q")
    assert "caf\ufffd report.pdf" in {d["source"] for d in json.loads(listed.stdout)}
