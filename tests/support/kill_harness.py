"""Run a batch ingest over and over, SIGKILL-ing each run at a planned moment, then once to the end.

``python tests/support/kill_harness.py FOLDER WORKDIR PLAN.json`` writes ``WORKDIR/result.json``.

The imports are paid once: every run is a ``fork`` of this process that starts the real ``BatchIngest`` (which
spawns its real parser workers), so a kill point costs its workers' start-up and a file or two, not a command's.
A kill point is one of:

- ``{"at": "time", "after": EVENT, "n": k, "seconds": s}``: this process SIGKILLs the run ``s`` seconds after the
  run reported its k-th EVENT (``"after": "start"``: ``s`` seconds after the run began), wherever the run is then:
  start-up, parsing and embedding in the workers, writing. The moment is tied to the run's progress, not to a clock
  measured on another run, so it lands in the same phase however loaded the machine is;
- ``{"at": EVENT, "n": k}``: the run SIGKILLs itself at the k-th EVENT of its main process: ``page`` (a worker
  reported parsing progress), ``parsed`` (a file's embedded chunks arrived, nothing written), ``begin`` (leftovers
  of an earlier run deleted), ``write`` / ``written`` (before / after one store write, 4 chunks each here),
  ``committed`` (points made visible, no record yet), ``recorded`` (record written, revision not bumped).

Only the batch's main process is killed; its workers must notice and exit on their own. After every kill the
store is opened and checked: every recorded document is whole and visible, nothing of an unrecorded document is.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from haystack_integrations.document_stores.qdrant import QdrantDocumentStore  # noqa: E402
from qdrant_client import QdrantClient  # noqa: E402

import retrievers.document_writer as document_writer  # noqa: E402
from pipelines.batch.messages import PageProgress, Parsed  # noqa: E402
from pipelines.batch.runner import BatchIngest  # noqa: E402
from pipelines.settings import Settings  # noqa: E402
from retrievers.document_registry import DocumentRegistry  # noqa: E402

ORPHAN_TIMEOUT_S = 120.0


def snapshot(store: Path) -> dict:
    """Chunk id -> digest of (content, meta without ``committed``) and its dense vector, plus visibility and records.

    The vectors are kept apart from the digest: a re-run embeds on its own schedule, and ONNX Runtime's float sums
    may differ in the last bits, which a digest of rounded values turns into a mismatch now and then."""
    client = QdrantClient(path=str(store))
    try:
        points, offset = [], None
        while True:
            batch, offset = client.scroll(
                "docsight", limit=1000, offset=offset, with_payload=True, with_vectors=["text-dense"]
            )
            points += batch
            if offset is None:
                break
        records, _ = client.scroll("docsight__docsight", limit=1000, with_payload=True)
    finally:
        client.close()
    chunks, vectors, visible = {}, {}, {}
    for p in points:
        meta = dict(p.payload["meta"])
        committed = meta.pop("committed")
        body = json.dumps([p.payload.get("content"), meta], sort_keys=True)
        chunks[str(p.id)] = hashlib.sha256(body.encode()).hexdigest()
        vectors[str(p.id)] = p.vector["text-dense"]
        visible[str(p.id)] = (meta["doc_id"], committed)
    docs = {
        r.payload["doc_id"]: {k: v for k, v in r.payload.items() if k != "ingested_at"}
        for r in records
        if r.payload.get("type") == "document"
    }
    return {"chunks": chunks, "vectors": vectors, "visible": visible, "docs": docs}


def consistent(snap: dict) -> bool:
    """What retrieval can see (committed points of recorded documents) is every recorded document, whole."""
    counts: dict[str, int] = {}
    for doc_id, committed in snap["visible"].values():
        if committed and doc_id in snap["docs"]:
            counts[doc_id] = counts.get(doc_id, 0) + 1
    return all(counts.get(doc_id, 0) == record["chunks"] for doc_id, record in snap["docs"].items())


def _kill_self() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _arm(point: dict, report_fd: int) -> None:
    """Patch this (forked) process so that it kills itself at an event ``point`` and reports every event on
    ``report_fd`` (one name per line) for the timed kills of the parent."""
    event, target = point["at"], point.get("n", 0)
    seen = {"n": 0}

    def tick(name: str) -> None:
        os.write(report_fd, name.encode() + b"\n")
        if name == event:
            seen["n"] += 1
            if seen["n"] == target:
                _kill_self()

    def around(owner, attr: str, before: str | None, after: str | None) -> None:
        original = getattr(owner, attr)

        def wrapper(*args, **kwargs):
            if before:
                tick(before)
            result = original(*args, **kwargs)
            if after:
                tick(after)
            return result

        setattr(owner, attr, wrapper)

    handle = BatchIngest._handle

    def handle_message(self, message, *args, **kwargs):
        if isinstance(message, PageProgress):
            tick("page")
        elif isinstance(message, Parsed):
            tick("parsed")
        return handle(self, message, *args, **kwargs)

    BatchIngest._handle = handle_message
    around(QdrantDocumentStore, "write_documents", "write", "written")
    around(DocumentRegistry, "begin", None, "begin")
    around(DocumentRegistry, "record", "committed", "recorded")


def _read_events(fd: int, buffer: bytearray) -> list[str]:
    """The complete event lines the run has reported so far (non-blocking)."""
    try:
        while chunk := os.read(fd, 4096):
            buffer += chunk
    except BlockingIOError:
        pass
    *lines, rest = bytes(buffer).split(b"\n")
    buffer[:] = rest
    return [line.decode() for line in lines]


def run_once(settings: Settings, folder: Path, point: dict | None) -> dict:
    """One batch run in a forked child; returns how it ended."""
    report_read, report_write = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the run: its own process group, so its workers can be found afterwards
        os.setpgid(0, 0)
        os.close(report_read)
        code = 1
        try:
            if point:
                _arm(point, report_write)
            results = BatchIngest(settings).run([str(folder)])
            code = 0 if all(r.status != "failed" for r in results) else 1
        finally:
            os._exit(code)
    os.close(report_write)
    os.set_blocking(report_read, False)
    timed = point is not None and point["at"] == "time"
    anchor, remaining = (point["after"], point.get("n", 0)) if timed else (None, 0)
    deadline = started + point["seconds"] if timed and anchor == "start" else None
    buffer, events, status = bytearray(), [], None
    while status is None:
        for event in _read_events(report_read, buffer):
            events.append(event)
            if event == anchor and deadline is None:
                remaining -= 1
                if remaining == 0:
                    deadline = time.monotonic() + point["seconds"]
        done, raw = os.waitpid(pid, os.WNOHANG)
        if done:
            status = raw
        elif deadline is not None and time.monotonic() >= deadline:
            os.kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
        else:
            time.sleep(0.02)
    events += _read_events(report_read, buffer)
    os.close(report_read)
    killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    ended = time.monotonic()
    # a worker killed before its kill-with-parent request (its imports, seconds on a loaded machine) exits when it
    # gets there: the bound is for a worker that never notices, not for a slow one (``orphans_gone_after_s``)
    orphans = _orphans_after(pid, timeout=ORPHAN_TIMEOUT_S)
    return {
        "point": point,
        "killed": killed,
        "exit": None if killed else os.WEXITSTATUS(status),
        "seconds": round(ended - started, 2),
        "events": {name: events.count(name) for name in dict.fromkeys(events)},
        "orphans": orphans,
        "orphans_gone_after_s": round(time.monotonic() - ended, 2),
    }


def _orphans_after(pgid: int, timeout: float) -> int:
    """Live processes left in the run's process group once ``timeout`` has passed (its workers, if they hang)."""
    deadline = time.monotonic() + timeout
    while True:
        alive = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                alive += 1
        if alive == 0 or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


def main(folder: Path, workdir: Path, plan: list[dict]) -> dict:
    document_writer.WRITE_SLICE = 4  # several writes per document, so kills land between them
    base = {"workers": 2, "collection": "docsight"}
    clean_settings = Settings.from_env(environ={}, qdrant_path=str(workdir / "clean"), **base)
    clean_run = run_once(clean_settings, folder, None)
    clean = snapshot(workdir / "clean")

    settings = Settings.from_env(environ={}, qdrant_path=str(workdir / "killed"), **base)
    runs = []
    for point in plan:
        run = run_once(settings, folder, point)
        checked = time.monotonic()
        after = snapshot(workdir / "killed")
        run["consistent"] = consistent(after)
        run["recorded_docs"] = len(after["docs"])
        run["check_seconds"] = round(time.monotonic() - checked, 2)
        runs.append(run)
    final_run = run_once(settings, folder, None)
    final = snapshot(workdir / "killed")
    return {"clean_run": clean_run, "clean": clean, "runs": runs, "final_run": final_run, "final": final}


if __name__ == "__main__":
    folder_arg, workdir_arg, plan_arg = (Path(a) for a in sys.argv[1:4])
    outcome = main(folder_arg, workdir_arg, json.loads(plan_arg.read_text()))
    (workdir_arg / "result.json").write_text(json.dumps(outcome))
