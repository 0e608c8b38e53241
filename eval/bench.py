"""Benchmarks. ``python -m eval.bench ingest`` measures ingestion against raw pdfplumber text extraction.

Everything runs in one invocation so that the baseline and docsight meet the same machine state; numbers go to
stdout and to ``report.md`` in the output folder.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pdfplumber

from pipelines.batch.report import INGESTED, FileResult
from pipelines.batch.runner import BatchIngest
from pipelines.settings import Settings

DEFAULT_PDFS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "financebench" / "pdfs"
DEFAULT_SAMPLE = [
    "BESTBUY_2024Q2_10Q.pdf",  # 30 pages: the small end of the memory comparison
    "NETFLIX_2017_10K.pdf",
    "NIKE_2019_10K.pdf",
    "3M_2018_10K.pdf",
    "AMERICANWATERWORKS_2022_10K.pdf",  # 306 pages: the largest filing
]
STAGES = ("parse", "ocr", "crop", "chunk", "embed_dense", "embed_sparse", "write")


def raw_extraction(files: list[Path]) -> tuple[int, float]:
    """Baseline: pdfplumber's plain text extraction, page by page, one process. Returns (pages, seconds)."""
    pages, start = 0, time.perf_counter()
    for path in files:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()
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
    results = BatchIngest(settings, show_progress=False).run([str(folder)])
    return results, time.perf_counter() - start


def bench_ingest(args: argparse.Namespace) -> str:
    pdfs = Path(args.pdfs)
    files = sorted(pdfs.glob("*.pdf")) if args.all else [pdfs / name for name in DEFAULT_SAMPLE]
    work = Path(tempfile.mkdtemp(prefix="docsight-bench-"))
    try:
        raw_pages, raw_seconds = raw_extraction(files)
        results, seconds = docsight_ingest(files, args.workers, work / "store")
        failed = [r for r in results if r.status != INGESTED]
        pages = sum(r.pages for r in results if r.status == INGESTED)
        stages = {s: sum(r.stages.get(s, 0.0) for r in results) for s in STAGES}
        small, large = min(files, key=_pages), max(files, key=_pages)
        scaling = {}
        for label, path in (("small", small), ("large", large)):
            single, single_seconds = docsight_ingest([path], 1, work / f"store-{label}")
            scaling[label] = (path.name, single[0].pages, single[0].peak_rss_mb, single[0].pages / single_seconds)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    raw_rate, rate = raw_pages / raw_seconds, pages / seconds
    total_stage = sum(stages.values()) or 1.0
    lines = [
        f"# docsight ingestion benchmark ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)",
        "",
        f"Machine: {platform.machine()}, {_cpus()} cores, Python {platform.python_version()}; "
        f"{len(files)} filings, {pages} pages; docsight with {args.workers} worker processes.",
        "",
        "| run | pages | seconds | pages/s | vs raw pdfplumber |",
        "|---|---:|---:|---:|---:|",
        f"| raw pdfplumber `extract_text` (1 process, baseline) | {raw_pages} | {raw_seconds:.1f} | "
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
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.md").write_text(report, encoding="utf-8")
    (out / "results.json").write_text(json.dumps([r.to_json() for r in results], indent=2), encoding="utf-8")
    return report


def _pages(path: Path) -> int:
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(path))
    try:
        return len(doc)
    finally:
        doc.close()


def _cpus() -> int:
    import os

    return os.cpu_count() or 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.bench")
    commands = parser.add_subparsers(dest="command", required=True)
    ingest = commands.add_parser("ingest", help="ingestion pages/s, stage split and memory vs raw pdfplumber")
    ingest.add_argument("--pdfs", default=str(DEFAULT_PDFS))
    ingest.add_argument("--all", action="store_true", help="every PDF in --pdfs instead of the 5-filing sample")
    ingest.add_argument("--workers", type=int, default=2)
    ingest.add_argument("--out", default=f"eval/results/bench-ingest-{datetime.now(UTC):%Y%m%d-%H%M%S}")
    args = parser.parse_args(argv)
    print(bench_ingest(args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
