"""Benchmarks, run by ``docsight eval bench`` (eval/cli.py): ingestion against raw pdfplumber word extraction,
retrieval latency by collection size (and the first query after a process start), concurrent callers,
responsiveness during an ingestion, the CLI's start-up, the web UI's first page, many small files.

Everything runs in one invocation so that the baseline and docsight meet the same machine state; numbers go to
``report.md`` in the output folder.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pdfplumber

from eval.metrics import percentile
from pipelines.batch.report import INGESTED, FileResult
from pipelines.batch.runner import BatchIngest
from pipelines.settings import Settings

DEFAULT_SAMPLE = [
    "BESTBUY_2024Q2_10Q.pdf",  # 30 pages: the small end of the memory comparison
    "NETFLIX_2017_10K.pdf",
    "NIKE_2019_10K.pdf",
    "3M_2018_10K.pdf",
    "AMERICANWATERWORKS_2022_10K.pdf",  # 306 pages: the largest filing
]
QUICK_SAMPLE = ["PEPSICO_2023_8K_dated-2023-05-05.pdf"]  # 5 pages: a smoke run
UPLOAD = "NIKE_2021_10K.pdf"  # ingested while questions are asked (responsiveness)
QUICK_UPLOAD = "FOOTLOCKER_2022_8K_dated-2022-05-20.pdf"  # 4 pages
MANY_FILES = (100, 1_000, 5_000)
REPO = Path(__file__).resolve().parents[1]
STAGES = ("parse", "ocr", "crop", "chunk", "embed_dense", "embed_sparse", "write")


def raw_extraction(files: list[Path]) -> tuple[int, float]:
    """Baseline: pdfplumber's ``extract_words``, page by page, one process. Returns (pages, seconds)."""
    pages, start = 0, time.perf_counter()
    for path in files:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_words()
                page.close()
                pages += 1
    return pages, time.perf_counter() - start


def docsight_ingest(files: list[Path], workers: int, store: Path) -> tuple[list[FileResult], float]:
    folder = store.parent / f"in-{store.name}"
    folder.mkdir(parents=True)
    for path in files:
        (folder / path.name).symlink_to(path.resolve())
    settings = Settings.from_env(qdrant_path=str(store), workers=workers, collection="bench")
    start = time.perf_counter()
    results = BatchIngest(settings, follow_symlinks=True).run([str(folder)])
    return results, time.perf_counter() - start


def bench_ingest(
    files: list[Path],
    *,
    workers: int,
    out: Path,
    keep_store: Path | None = None,
    keep_small_store: Path | None = None,
) -> str:
    """Ingest ``files`` with ``workers`` worker processes (and the smallest and largest alone, for memory) beside
    raw pdfplumber extraction; writes ``report.md`` and ``results.json`` (per file) into ``out``; with
    ``keep_store``, copies the store there (collection ``bench``) for the latency benchmarks, with
    ``keep_small_store`` the smallest filing's own store (the CLI and web UI start-up benchmarks)."""
    work = Path(tempfile.mkdtemp(prefix="docsight-bench-"))
    try:
        raw_pages, raw_seconds = raw_extraction(files)
        results, seconds = docsight_ingest(files, workers, work / "store")
        if keep_store is not None:  # the retrieval benchmark reuses these chunks
            shutil.copytree(work / "store", keep_store, dirs_exist_ok=True)
        failed = [r for r in results if r.status != INGESTED]
        pages = sum(r.pages for r in results if r.status == INGESTED)
        stages = {s: sum(r.stages.get(s, 0.0) for r in results) for s in STAGES}
        small, large = min(files, key=_pages), max(files, key=_pages)
        scaling = {}
        alone = [("small", small)] + ([("large", large)] if large != small else [])  # one run when they are one
        for label, path in alone:
            single, single_seconds = docsight_ingest([path], 1, work / f"store-{label}")
            scaling[label] = (path.name, single[0].pages, single[0].peak_rss_mb, single[0].pages / single_seconds)
        if keep_small_store is not None:
            shutil.copytree(work / "store-small", keep_small_store, dirs_exist_ok=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    raw_rate, rate = raw_pages / raw_seconds, pages / seconds
    total_stage = sum(stages.values()) or 1.0
    lines = [
        f"# docsight ingestion benchmark ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)",
        "",
        f"Machine: {platform.machine()}, {_cpus()} cores, Python {platform.python_version()}; "
        f"{len(files)} filings, {pages} pages; docsight with {workers} worker processes.",
        "",
        "| run | pages | seconds | pages/s | vs raw pdfplumber |",
        "|---|---:|---:|---:|---:|",
        f"| raw pdfplumber `extract_words` (1 process, baseline) | {raw_pages} | {raw_seconds:.1f} | "
        f"{raw_rate:.2f} | 100% |",
        f"| docsight end to end (parse+chunk+crop+embed+write) | {pages} | {seconds:.1f} | {rate:.2f} | "
        f"{100 * rate / raw_rate:.0f}% |",
        "",
        "Time per stage (summed over workers; wall time is lower with parallel workers):",
        "",
        "| stage | seconds | share |",
        "|---|---:|---:|",
        *[f"| {s} | {stages[s]:.1f} | {100 * stages[s] / total_stage:.0f}% |" for s in STAGES],
        "",
        "Memory (peak RSS of the worker process that parsed the file, one file per fresh worker):",
        "",
        "| filing | pages | worker peak RSS (MB) | pages/s (1 worker) |",
        "|---|---:|---:|---:|",
        *[f"| {n} | {p} | {m:.0f} | {r:.2f} |" for n, p, m, r in scaling.values()],
        "",
        f"Peak RSS of the main (writer) process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; "
        f"largest worker peak in the batch run: {max((r.peak_rss_mb for r in results), default=0):.0f} MB.",
    ]
    if failed:
        lines += ["", "Failed files: " + "; ".join(f"{Path(r.file).name}: {r.error}" for r in failed)]
    report = "\n".join(lines) + "\n"
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.md").write_text(report, encoding="utf-8")
    (out / "results.json").write_text(json.dumps([r.to_json() for r in results], indent=2), encoding="utf-8")
    return report


def stage_rates(results_json: Path) -> dict[str, float]:
    """Pages per second of each ingestion stage alone (pages / seconds spent in the stage) from results.json."""
    results = [r for r in json.loads(Path(results_json).read_text()) if r.get("status") == INGESTED]
    pages = sum(r["pages"] for r in results)
    totals = {s: sum(r.get("stages", {}).get(s, 0.0) for r in results) for s in STAGES}
    return {s: pages / t for s, t in totals.items() if t > 0}


def _pages(path: Path) -> int:
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(path))
    try:
        return len(doc)
    finally:
        doc.close()


def _cpus() -> int:
    return os.cpu_count() or 1


def questions_from(path: Path, limit: int) -> list[str]:
    """The first ``limit`` questions of a FinanceBench-shaped JSONL file."""
    return [json.loads(line)["question"] for line in path.read_text().splitlines() if line][:limit]


def bench_retrieval(
    *,
    collection: str,
    qdrant_path: str,
    questions: list[str],
    sizes: list[int],
    callers: int,
    load_seconds: float,
    out: Path,
) -> str:
    """Query latency of ``docsight retrieve``'s pipeline at several collection sizes, against brute-force NumPy;
    at the largest size, a load test of ``callers`` concurrent callers for ``load_seconds`` (0: none) and the first
    query of a new process on that collection. Writes ``retrieval-latency.md`` into ``out``.

    Points come from an ingested collection (``collection`` in the embedded store at ``qdrant_path``); sizes beyond
    it repeat its chunks with a little noise on the dense vectors. Each size is loaded into an embedded in-memory
    Qdrant collection (the same engine as the on-disk embedded store, without write costs), the largest into an
    embedded store on disk, which a new process then opens and queries (process start, store load, index load).
    """
    from dataclasses import replace

    import numpy as np
    from haystack import Document
    from haystack.dataclasses import SparseEmbedding

    from pipelines.retrieval import build_retrieval_pipeline, retrieve
    from pipelines.store import open_store
    from retrievers.encoders.minilm_onnx import shared_onnx_encoder
    from retrievers.store import IN_MEMORY, open_document_store

    settings = Settings.from_env(collection=collection, qdrant_path=qdrant_path)
    source = open_store(settings)
    base = source.filter_documents()
    records = source.registry.all()
    source.close()
    rng = np.random.default_rng(0)
    work = Path(tempfile.mkdtemp(prefix="docsight-bench-sizes-"))
    start_lines: list[str] = []
    lines = [
        f"# docsight retrieval latency ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)",
        "",
        f"{len(questions)} FinanceBench questions per size, one at a time; top-10 hybrid (dense + BM25 sparse, RRF) "
        "through the "
        "retrieval pipeline (query embedding included) vs. brute-force NumPy cosine over the same dense vectors "
        "(query embedding excluded).",
        "",
        "| chunks | docsight p50 ms | docsight p95 ms | first query ms (index load) | NumPy brute force p50 ms | "
        "p95 ms |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    encoder = shared_onnx_encoder()
    query_vectors = encoder.encode(questions)
    load_lines: list[str] = []
    for size in sizes:
        docs = []
        for i in range(size):
            original = base[i % len(base)]
            vector = np.asarray(original.embedding, dtype=np.float32)
            if i >= len(base):
                vector = vector + rng.normal(0, 0.02, vector.shape).astype(np.float32)
                vector /= np.linalg.norm(vector)
            docs.append(
                Document(
                    id=f"{original.id}-{i}",
                    content=original.content,
                    meta=original.meta,
                    embedding=vector.tolist(),
                    sparse_embedding=original.sparse_embedding or SparseEmbedding(indices=[0], values=[0.0]),
                )
            )
        on_disk = work / f"store-{size}" if size == max(sizes) else None
        config = replace(source.config, collection="bench", path=str(on_disk) if on_disk else IN_MEMORY, url="")
        store = open_document_store(config)
        store.write_documents(docs)
        for record in records:  # every document counts as completely ingested
            store.registry.record(record)
        pipeline = build_retrieval_pipeline(settings, store)
        start = time.perf_counter()
        retrieve(pipeline, questions[0], top_k=10)  # loads the search index; also the warm-up
        first = 1000 * (time.perf_counter() - start)
        timings = []
        for question in questions:
            start = time.perf_counter()
            retrieve(pipeline, question, top_k=10)
            timings.append(1000 * (time.perf_counter() - start))
        matrix = np.asarray([d.embedding for d in docs], dtype=np.float32)
        brute = []
        for vector in query_vectors:
            start = time.perf_counter()
            np.argpartition(-(matrix @ vector), 10)[:10]
            brute.append(1000 * (time.perf_counter() - start))
        lines.append(
            f"| {size:,} | {percentile(timings, 0.5):.0f} | {percentile(timings, 0.95):.0f} | {first:.0f} | "
            f"{percentile(brute, 0.5):.1f} | {percentile(brute, 0.95):.1f} |"
        )
        if size == max(sizes) and load_seconds > 0:
            load = load_test(pipeline, questions, callers=callers, seconds=load_seconds)
            load_lines = [
                "",
                f"Load: {callers} concurrent callers for {load_seconds} s on {size:,} chunks "
                "(one shared pipeline and embedded store, as in the web UI):",
                "",
                "| requests | requests/s | p50 ms | p95 ms | p99 ms | errors |",
                "|---:|---:|---:|---:|---:|---:|",
                f"| {load['requests']} | {load['rate']:.1f} | {load['p50']:.0f} | {load['p95']:.0f} | "
                f"{load['p99']:.0f} | {load['errors']} |",
            ]
            if load["error_examples"]:
                load_lines.append("Errors: " + "; ".join(load["error_examples"]))
        store.close()
        if on_disk is not None:
            start_lines = _start_lines(
                size, first_query_in_new_process(str(on_disk), "bench", questions[1 % len(questions)])
            )
            shutil.rmtree(on_disk, ignore_errors=True)
    shutil.rmtree(work, ignore_errors=True)
    lines += load_lines + start_lines
    report = "\n".join(lines) + "\n"
    out.mkdir(parents=True, exist_ok=True)
    (out / "retrieval-latency.md").write_text(report, encoding="utf-8")
    return report


def load_test(pipeline, questions: list[str], *, callers: int, seconds: float) -> dict:
    """``callers`` threads calling ``retrieve`` in a loop for ``seconds``; latency percentiles and errors."""
    import threading

    from pipelines.retrieval import retrieve

    timings: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def caller(offset: int) -> None:
        i = offset
        while time.monotonic() < deadline:
            start = time.perf_counter()
            try:
                retrieve(pipeline, questions[i % len(questions)], top_k=10)
            except Exception as exc:  # counted and reported, the load goes on
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}"[:200])
                continue
            finally:
                i += 1
            with lock:
                timings.append(1000 * (time.perf_counter() - start))

    threads = [threading.Thread(target=caller, args=(n,)) for n in range(callers)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {
        "requests": len(timings),
        "rate": len(timings) / elapsed,
        "p50": percentile(timings, 0.5, 0.0),
        "p95": percentile(timings, 0.95, 0.0),
        "p99": percentile(timings, 0.99, 0.0),
        "errors": len(errors),
        "error_examples": sorted(set(errors))[:3],
    }


FIRST_QUERY = """
import json, sys, time
start = time.perf_counter()
from pipelines.retrieval import build_retrieval_pipeline, retrieve
from pipelines.settings import Settings
from pipelines.store import open_store
imported = time.perf_counter()
settings = Settings.from_env(collection=sys.argv[2], qdrant_path=sys.argv[1])
store = open_store(settings)
opened = time.perf_counter()
pipeline = build_retrieval_pipeline(settings, store)
retrieve(pipeline, sys.argv[3], top_k=10)
first = time.perf_counter()
retrieve(pipeline, sys.argv[3] + " ?", top_k=10)
second = time.perf_counter()
store.close()
print(json.dumps({"import": imported - start, "open": opened - imported, "first": first - opened,
                  "second": second - first}))
"""


def first_query_in_new_process(qdrant_path: str, collection: str, question: str) -> dict[str, float]:
    """Seconds a new Python process spends importing the retrieval pipeline, opening the embedded store at
    ``qdrant_path``, answering its first query (query embedding, the search index's load) and a second one."""
    run = subprocess.run(
        [sys.executable, "-c", FIRST_QUERY, qdrant_path, collection, question],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=_child_env(),
        timeout=1800,
    )
    if run.returncode != 0:
        raise RuntimeError(f"the first-query process failed: {run.stderr[-2000:]}")
    return json.loads(run.stdout.strip().splitlines()[-1])


def _start_lines(size: int, seconds: dict[str, float]) -> list[str]:
    total = seconds["import"] + seconds["open"] + seconds["first"]
    return [
        "",
        f"First query of a new process on {size:,} chunks in an embedded store on disk (what `docsight retrieve` "
        "or the web UI's first question pays):",
        "",
        "| imports s | store open s | first query s (model, search index load) | total s | second query ms |",
        "|---:|---:|---:|---:|---:|",
        f"| {seconds['import']:.2f} | {seconds['open']:.2f} | {seconds['first']:.2f} | {total:.2f} | "
        f"{1000 * seconds['second']:.0f} |",
    ]


def bench_cli(*, qdrant_path: str, collection: str, question: str, runs: int = 3) -> str:
    """Wall time of ``docsight retrieve`` (process start included) on a small store and of ``docsight --help``:
    each run once to write the bytecode cache, then ``runs`` times (median and best).

    The children keep their bytecode in a folder of this run (``PYTHONPYCACHEPREFIX``), written by the warm-up
    run even where the environment says not to write bytecode (``PYTHONDONTWRITEBYTECODE``, set on these
    machines): otherwise every run would compile its ~1,600 modules again and "warm" would not be measured."""
    cache = Path(tempfile.mkdtemp(prefix="docsight-bench-pycache-"))
    env = {**_child_env(), "PYTHONPYCACHEPREFIX": str(cache)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)

    def timed(args: list[str]) -> list[float]:
        command = [sys.executable, "-m", "pipelines.cli", *args]
        seconds = []
        for n in range(runs + 1):
            start = time.perf_counter()
            run = subprocess.run(command, capture_output=True, text=True, cwd=REPO, env=env, timeout=600)
            if run.returncode != 0:
                raise RuntimeError(f"{' '.join(args[:1])} failed: {run.stderr[-2000:]}")
            if n:  # the warm-up run writes the bytecode cache
                seconds.append(time.perf_counter() - start)
        return seconds

    retrieve_args = ["retrieve", question, "--qdrant-path", qdrant_path, "--collection", collection, "--top-k", "5"]
    try:
        rows = [
            ("`docsight retrieve` (small store)", timed(retrieve_args), 1.5),
            ("`docsight --help`", timed(["--help"]), 0.3),
        ]
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    return "\n".join(
        [
            "",
            f"Command start-up: wall time with the bytecode cache warm, {runs} runs after one warm-up:",
            "",
            "| command | median s | best s | target s |",
            "|---|---:|---:|---:|",
            *[f"| {label} | {percentile(t, 0.5):.2f} | {min(t):.2f} | {target} |" for label, t, target in rows],
            "",
        ]
    )


CHROMIUM = "/usr/bin/chromium"
CHAT_BOX = "Ask a question about your documents"


def bench_ui(*, qdrant_path: str, collection: str, timeout_s: float = 180) -> str:
    """Seconds from ``docsight ui``'s start until it reports ready (its health endpoint answers), and from then
    until a headless Chromium shows the first page (the chat box is visible). Needs Playwright and Debian's chromium
    (scripts/setup.sh --test); without them the row says so."""
    import socket

    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if sync_playwright is None or not Path(CHROMIUM).exists():
        return "\nWeb UI first page: not measured (needs Playwright and /usr/bin/chromium).\n"
    import httpx

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    folder = Path(tempfile.mkdtemp(prefix="docsight-bench-ui-"))
    env = {
        **_child_env(),
        "DOCSIGHT_QDRANT_PATH": qdrant_path,
        "DOCSIGHT_COLLECTION": collection,
        "DOCSIGHT_UPLOAD_DIR": str(folder / "uploads"),
        "DOCSIGHT_CONVERSATIONS_DB": str(folder / "conversations.sqlite3"),
        "DOCSIGHT_OLLAMA_URL": "http://127.0.0.1:9",  # none: the page says search only
    }
    url = f"http://127.0.0.1:{port}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        started = time.perf_counter()
        server = subprocess.Popen(
            [sys.executable, "-m", "pipelines.cli", "ui", "--port", str(port)],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            while True:
                if time.perf_counter() - started > timeout_s or server.poll() is not None:
                    return "\nWeb UI first page: not measured (docsight ui did not report ready).\n"
                try:
                    if httpx.get(f"{url}/_stcore/health", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.05)
            ready = time.perf_counter()
            page = browser.new_page()
            page.goto(url)
            page.get_by_placeholder(CHAT_BOX).wait_for(timeout=timeout_s * 1000)
            shown = time.perf_counter()
        finally:
            server.terminate()
            server.wait(30)
            browser.close()
            shutil.rmtree(folder, ignore_errors=True)
    return "\n".join(
        [
            "",
            "Web UI: `docsight ui` on the small store, a headless Chromium opening it once it reports ready:",
            "",
            "| start until ready s | ready until the chat page shows s | target s |",
            "|---:|---:|---:|",
            f"| {ready - started:.2f} | {shown - ready:.2f} | 2 |",
            "",
        ]
    )


def _child_env() -> dict[str, str]:
    """The environment of a benchmark's child process: this checkout's packages first."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}


def bench_responsiveness(
    *, collection: str, qdrant_path: str, questions: list[str], workers: int, ingest_file: Path
) -> str:
    """Retrieve latency for one person asking questions while idle, then while a batch (``workers`` worker
    processes) ingests ``ingest_file`` into the same embedded store from a background thread of the same process
    (what the web UI does with an upload)."""
    import threading

    from pipelines.retrieval import build_retrieval_pipeline, retrieve
    from pipelines.store import open_store

    settings = Settings.from_env(collection=collection, qdrant_path=qdrant_path, workers=workers)
    store = open_store(settings)
    folder = Path(tempfile.mkdtemp(prefix="docsight-bench-upload-"))
    try:
        (folder / ingest_file.name).symlink_to(ingest_file.resolve())
        pipeline = build_retrieval_pipeline(settings, store)
        retrieve(pipeline, questions[0], top_k=10)  # warm up

        def timed(question: str) -> float:
            start = time.perf_counter()
            retrieve(pipeline, question, top_k=10)
            return 1000 * (time.perf_counter() - start)

        idle = [timed(q) for q in questions * 2]
        results: list[FileResult] = []
        batch = threading.Thread(
            target=lambda: results.extend(BatchIngest(settings, store=store, follow_symlinks=True).run([str(folder)]))
        )
        started = time.monotonic()
        batch.start()
        during, i = [], 0
        while batch.is_alive():
            during.append(timed(questions[i % len(questions)]))
            i += 1
        batch.join()
        ingest_seconds = time.monotonic() - started
    finally:
        store.close()
        shutil.rmtree(folder, ignore_errors=True)
    pages = sum(r.pages for r in results)

    def row(label: str, timings: list[float]) -> str:
        return (
            f"| {label} | {len(timings)} | {percentile(timings, 0.5, 0.0):.0f} | {percentile(timings, 0.95, 0.0):.0f}"
            f" | {max(timings, default=0.0):.0f} |"
        )

    return "\n".join(
        [
            "",
            f"Responsiveness: one caller asking questions back to back, idle and then while {ingest_file.name} "
            f"({pages} pages, {results[0].status if results else 'not run'}, {ingest_seconds:.0f} s with "
            f"{workers} workers) is ingested into the same embedded store by a background thread, as the web "
            "UI does:",
            "",
            "| phase | queries | p50 ms | p95 ms | max ms |",
            "|---|---:|---:|---:|---:|",
            row("idle (baseline)", idle),
            row("during ingestion", during),
            "",
        ]
    )


def one_page_pdf(lines: list[str]) -> bytes:
    """A valid one-page PDF (Helvetica text, one line per entry), written by hand: no PDF library needed."""

    def literal(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    content = "BT /F1 12 Tf 72 720 Td 16 TL " + " ".join(f"({literal(line)}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def write_small_pdfs(folder: Path, count: int) -> list[Path]:
    """``count`` distinct one-page PDFs (a short memo each) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"memo-{i:05d}.pdf"
        path.write_bytes(
            one_page_pdf(
                [
                    f"Memo {i}: quarterly note number {i * 7919 % 100003}",
                    f"Revenue in region {i % 97} grew by {i % 13}.{i % 10} percent.",
                    f"Costs for project {i} were {1000 + i} thousand dollars.",
                ]
            )
        )
        paths.append(path)
    return paths


def bench_many_files(counts: list[int], *, workers: int = 2) -> str:
    """Files/s of one batch of N one-page PDFs into a fresh embedded store, for each N in ``counts``: the cost
    per file must stay flat as the collection grows. Also the rate over the batch's first and last tenth."""
    lines = [
        f"Many small files: one batch of N one-page PDFs into a fresh embedded store, {workers} workers "
        f"({platform.machine()}, {_cpus()} cores):",
        "",
        "| files | seconds | files/s | files/s, first 10% | files/s, last 10% | main peak RSS MB | failed |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for count in counts:
        work = Path(tempfile.mkdtemp(prefix="docsight-bench-many-"))
        try:
            write_small_pdfs(work / "in", count)
            settings = Settings.from_env(qdrant_path=str(work / "store"), workers=workers, collection="bench")
            finished: list[float] = []

            def on_progress(_progress, result: FileResult | None, finished: list[float] = finished) -> None:
                if result is not None:
                    finished.append(time.perf_counter())

            start = time.perf_counter()
            results = BatchIngest(settings, on_progress=on_progress).run([str(work / "in")])
            seconds = time.perf_counter() - start
        finally:
            shutil.rmtree(work, ignore_errors=True)
        tenth = max(1, len(finished) // 10)
        first = tenth / (finished[tenth - 1] - start) if finished else 0.0
        last = tenth / max(finished[-1] - finished[-tenth - 1], 1e-9) if len(finished) > tenth else 0.0
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        failed = sum(r.status != INGESTED for r in results)
        lines.append(
            f"| {count:,} | {seconds:.1f} | {count / seconds:.2f} | {first:.2f} | {last:.2f} | {rss:.0f} | {failed} |"
        )
        print(lines[-1], flush=True)
    return "\n".join(lines) + "\n"
