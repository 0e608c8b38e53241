"""The CLI against hostile names, questions, a model that never stops and Ctrl-C / SIGTERM, run as a user runs it
(subprocesses over a small ingested store: end to end, hence slow)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from eval.bench import write_small_pdfs
from pipelines.batch.runner import BatchIngest
from pipelines.settings import Settings
from tests.conftest import REPO
from tests.support.ollama_server import FakeOllama

pytestmark = pytest.mark.slow

HOSTILE = ["\x1b[31mred\x1b[0m.pdf", "[bold red]x.pdf", "[link=file:evil]click.pdf"]


def _run(*args, store: Path, env: dict | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if not k.startswith("DOCSIGHT_")}
    full.update(DOCSIGHT_QDRANT_PATH=str(store), DOCSIGHT_WORKERS="1", **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args], capture_output=True, cwd=REPO, env=full, timeout=timeout
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    memos = write_small_pdfs(root / "in", len(HOSTILE))
    for memo, name in zip(memos, HOSTILE, strict=True):
        memo.rename(memo.with_name(name))
    settings = Settings.from_env(environ={}, qdrant_path=str(root / "q"), workers=1)
    assert all(r.status == "ingested" for r in BatchIngest(settings).run([str(root / "in")]))
    return root / "q"


def test_a_question_with_bytes_that_are_not_utf8_is_answered(store) -> None:
    run = _run("retrieve", b"\xff revenue", store=store)
    assert run.returncode == 0, run.stderr
    assert b"Traceback" not in run.stderr and b"meta_path" not in run.stderr
    assert b"Revenue in region" in run.stdout


def test_hostile_names_are_shown_literally_by_retrieve_and_docs_list(store) -> None:
    for args in (("retrieve", "revenue region"), ("docs", "list")):
        run = _run(*args, store=store, env={"COLUMNS": "300"})
        assert run.returncode == 0, run.stderr
        out = run.stdout.decode()
        assert "\x1b" not in out, args  # no escape sequence reaches the terminal
        assert "\\x1b[31mred\\x1b[0m.pdf" in out and "[bold red]x.pdf" in out and "[link=file:evil]click.pdf" in out


def test_ask_stops_a_model_that_never_stops(store) -> None:
    question = "revenue in region"
    with FakeOllama(endless=True) as server:
        env = {"DOCSIGHT_OLLAMA_URL": server.url, "DOCSIGHT_OLLAMA_NUM_PREDICT": "15"}
        cut = _run("ask", question, "--mode", "text", store=store, env=env)
        assert cut.returncode == 0, cut.stderr
        assert b"note: the answer was cut off at 15 tokens (DOCSIGHT_OLLAMA_NUM_PREDICT)" in cut.stderr
        env.update(DOCSIGHT_OLLAMA_NUM_PREDICT="1000000", DOCSIGHT_OLLAMA_DEADLINE_S="3")
        started = time.monotonic()
        ended = _run("ask", question, "--mode", "text", store=store, env=env)
        assert ended.returncode == 3 and b"Traceback" not in ended.stderr
        assert b"the total deadline of a request (DOCSIGHT_OLLAMA_DEADLINE_S)" in ended.stderr, ended.stderr
        assert ended.stdout.split()[:3] == cut.stdout.split()[:3]  # what had arrived was shown
    assert time.monotonic() - started < 60


def test_ctrl_c_and_sigterm_stop_cleanly_and_the_same_command_finishes(tmp_path) -> None:
    write_small_pdfs(tmp_path / "in", 16)
    store = tmp_path / "q"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCSIGHT_")}
    env.update(DOCSIGHT_QDRANT_PATH=str(store), DOCSIGHT_WORKERS="2")
    command = [sys.executable, "-m", "pipelines.cli", "ingest", str(tmp_path / "in"), "--no-progress"]
    for signum in (signal.SIGINT, signal.SIGTERM):
        # its own process group: the signal reaches the batch and its workers, as Ctrl-C in a terminal does
        proc = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
        )
        seen = b""
        while seen.count(b" ingested memo-") < 2:  # a few documents are written
            line = proc.stderr.readline()
            assert line, "the batch ended before it could be interrupted"
            seen += line
        os.killpg(proc.pid, signum)
        out, err = proc.communicate(timeout=300)
        err = seen + err
        assert b" ingested " in out  # the table lists what was finished
        assert proc.returncode == 128 + signum, err
        assert b"Traceback" not in err and b"KeyboardInterrupt" not in err
        assert b"run the same command again to ingest the rest" in err
    again = subprocess.run(command, cwd=REPO, env=env, capture_output=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert b"16 ingested" not in again.stdout  # the documents finished before are not ingested again
    listing = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "docs", "list", "--json"], cwd=REPO, env=env, capture_output=True
    )
    assert listing.stdout.count(b'"doc_id"') == 16
