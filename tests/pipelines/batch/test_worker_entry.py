"""A worker asks the kernel to kill it with its batch process before it imports anything heavy."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from pipelines.batch.worker_entry import die_with_parent

REPO = Path(__file__).resolve().parents[3]


def test_the_entry_module_imports_nothing_of_the_worker() -> None:
    code = "import json, sys, pipelines.batch.worker_entry; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True).stdout
    loaded = set(json.loads(out))
    assert "pipelines.batch.worker_entry" in loaded
    # (the package's __init__ imports ingest.telemetry, a few lines that switch Haystack's telemetry off)
    heavy = {m for m in loaded if m.split(".")[0] in ("haystack", "numpy", "retrievers", "pdfplumber", "onnxruntime")}
    assert not heavy and "pipelines.batch.worker" not in loaded and len(loaded) < 200


def sleep_after_asking() -> None:
    die_with_parent()
    time.sleep(60)


def test_a_worker_dies_with_its_killed_parent() -> None:
    parent = textwrap.dedent(
        """
        import multiprocessing as mp, sys, time
        from tests.pipelines.batch.test_worker_entry import sleep_after_asking
        if __name__ == "__main__":
            child = mp.get_context("spawn").Process(target=sleep_after_asking)
            child.start()
            time.sleep(1.0)  # the child has asked by now
            print(child.pid, flush=True)
            time.sleep(60)
        """
    )
    process = subprocess.Popen([sys.executable, "-c", parent], cwd=REPO, stdout=subprocess.PIPE, text=True)
    child = int(process.stdout.readline())
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _alive(child):
        time.sleep(0.05)
    assert not _alive(child)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
