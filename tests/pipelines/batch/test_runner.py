"""The batch job on the real parser torture corpus: every file ingested with text, or failed for a specific reason."""

import json
import shutil
from pathlib import Path

import pytest

from pipelines.batch.report import FAILED, INGESTED, UNCHANGED, write_report
from pipelines.batch.runner import BatchIngest
from pipelines.store import open_store
from tests.conftest import corpus_file

EXPECTED_FAILURES = {
    "MANIFEST.tsv": "unsupported format",
    "README.md": "unsupported format",
    "pdfplumber__empty.pdf": "empty file",
    "pdfplumber__issue-297-example.pdf": "corrupt",
    "samplefiles__unreadablemetadata.pdf": "corrupt",
    "unstructured__example.jpg": "no text: OCR found no text",
    "pypdf__crazyones-encrypted-256.pdf": "encrypted: password required",
    "samplefiles__libreoffice-writer-password.pdf": "encrypted: password required",
    "unstructured__password.pdf": "encrypted: password required",
}
PASSWORDS = {"pdfplumber__password-example.pdf": "test"}


@pytest.mark.slow
def test_parser_corpus_ingests_or_fails_specifically_and_reruns_unchanged(settings, tmp_path: Path) -> None:
    results = BatchIngest(settings).run([str(corpus_file("parsers"))], PASSWORDS)
    by_name = {Path(r.file).name: r for r in results}
    assert len(by_name) == 57
    failed = {name: r.error for name, r in by_name.items() if r.status == FAILED}
    assert set(failed) == set(EXPECTED_FAILURES), failed
    for name, reason in EXPECTED_FAILURES.items():
        assert failed[name].startswith(reason), (name, failed[name])
    ingested = [r for r in results if r.status == INGESTED]
    assert all(r.chunks > 0 and r.pages > 0 and len(r.doc_id) == 64 for r in ingested)

    store = open_store(settings)
    registry = store.registry
    records = {r.source: r for r in registry.all()}
    assert set(records) == {Path(r.file).name for r in ingested}
    docs = store.filter_documents()
    assert len(docs) == sum(r.chunks for r in ingested)
    assert all(d.meta["committed"] for d in docs)

    # chunks make sense: known phrases land on the right page of the right file
    def pages_with(source: str, phrase: str) -> set[int]:
        return {d.meta["page"] for d in docs if d.meta["source"] == source and phrase in d.content}

    assert pages_with("pdfplumber__password-example.pdf", "Backup4all") and pages_with(
        "unstructured__loremipsum-flat.pdf", "Lorem ipsum"
    ) == {1}
    assert 2 in pages_with("samplefiles__pdflatex-outline.pdf", "")
    tables = [
        d
        for d in docs
        if d.meta["source"] == "pdfplumber__nics-background-checks-2015-11.pdf" and d.meta["kind"] == "table"
    ]
    assert len(tables) == 1 and "Wyoming" in tables[0].content and tables[0].meta["crop_jpeg_b64"]
    store.close()

    again = BatchIngest(settings).run([str(corpus_file("parsers"))], PASSWORDS)
    assert {r.status for r in again if Path(r.file).name not in EXPECTED_FAILURES} == {UNCHANGED}
    write_report(again, tmp_path / "report.json")
    report = json.loads((tmp_path / "report.json").read_text())
    assert {tuple(sorted(o)) for o in report} >= {
        ("chunks", "doc_id", "error", "figures", "file", "pages", "seconds", "status", "tables")
    }


@pytest.mark.slow
def test_encrypted_file_ingests_with_password_and_changed_file_replaces(settings, tmp_path: Path) -> None:
    work = tmp_path / "in"
    work.mkdir()
    target = work / "report.pdf"
    shutil.copy(corpus_file("parsers", "unstructured__password.pdf"), target)
    first = BatchIngest(settings).run([str(work)])
    assert first[0].status == FAILED and first[0].error.startswith("encrypted: password required")
    second = BatchIngest(settings).run([str(work)], {"report.pdf": "password"})
    assert second[0].status == INGESTED
    old_id = second[0].doc_id
    shutil.copy(corpus_file("parsers", "samplefiles__multicolumn.pdf"), target)  # the file changes
    third = BatchIngest(settings).run([str(work)])
    assert third[0].status == INGESTED and third[0].note == "replaced 1 older version(s)"
    store = open_store(settings)
    registry = store.registry
    assert [r.doc_id for r in registry.all()] == [third[0].doc_id] != [old_id]
    assert {d.meta["doc_id"] for d in store.filter_documents()} == {third[0].doc_id}


def test_duplicate_content_is_stored_once(settings, tmp_path: Path) -> None:
    src = corpus_file("parsers", "pypdf__multilang.pdf")
    for name in ("a.pdf", "b.pdf"):
        shutil.copy(src, tmp_path / name)
    results = BatchIngest(settings).run([str(tmp_path)])
    assert [r.status for r in results] == [INGESTED, UNCHANGED]
    assert results[1].note == f"same content as {tmp_path / 'a.pdf'}"


def test_pages_without_text_are_reported(settings) -> None:
    (result,) = BatchIngest(settings).run(
        [str(corpus_file("parsers", "unstructured__layout-parser-paper-with-empty-pages.pdf"))]
    )
    assert result.status == INGESTED and result.pages == 4
    assert result.note is not None and result.note.startswith("no text on ")


def test_a_file_over_the_worker_memory_cap_fails_as_too_large_and_the_batch_goes_on(tmp_path: Path) -> None:
    from PIL import Image

    from pipelines.settings import Settings

    folder = tmp_path / "in"
    folder.mkdir()
    # a real chart blown up to 81 megapixels: under the pixel limit, 2 MB on disk, ~2.4 GB in a worker uncapped
    Image.open(corpus_file("charts", "png", "group_0_chart1.png")).convert("RGB").resize((9000, 9000)).save(
        folder / "big-poster.png"
    )
    shutil.copy(corpus_file("parsers", "samplefiles__multicolumn.pdf"), folder / "paper.pdf")
    capped = Settings.from_env(
        environ={}, qdrant_path=str(tmp_path / "qdrant"), workers=1, collection="test", max_worker_memory_mb=700
    )
    by_name = {Path(r.file).name: r for r in BatchIngest(capped).run([str(folder)])}
    assert by_name["big-poster.png"].status == FAILED
    error = by_name["big-poster.png"].error
    assert error.startswith("too large: ") and "needs more memory than a worker may use" in error
    assert "(the limit is 700 MB, DOCSIGHT_MAX_WORKER_MEMORY_MB)" in error
    # the worker that ran out of memory was replaced; the next file is ingested by a fresh one
    assert by_name["paper.pdf"].status == INGESTED and by_name["paper.pdf"].chunks > 0


def test_progress_tells_pages_writing_and_files_decided_without_parsing_as_they_happen(settings, tmp_path) -> None:
    first, second = tmp_path / "outline.pdf", tmp_path / "columns.pdf"
    shutil.copy(corpus_file("parsers", "samplefiles__pdflatex-outline.pdf"), first)
    shutil.copy(corpus_file("parsers", "samplefiles__multicolumn.pdf"), second)
    BatchIngest(settings).run([str(first)])
    events: list[tuple[dict, str, tuple | None]] = []

    def record(progress, finished) -> None:
        done = None if finished is None else (Path(finished.file).name, finished.status)
        events.append(({Path(f).name: pages for f, pages in progress.file_pages.items()}, progress.writing, done))

    BatchIngest(settings, on_progress=record).run([str(first), str(second)])
    finished = [e[2] for e in events if e[2]]
    assert finished == [("outline.pdf", UNCHANGED), ("columns.pdf", INGESTED)]
    assert events[0][2] == ("outline.pdf", UNCHANGED)  # before any page of the other file is parsed
    assert ("columns.pdf", (3, 3)) in [item for e in events for item in e[0].items()]
    writing = [e for e in events if e[1]]
    assert writing and all(Path(e[1]).name == "columns.pdf" for e in writing)
    assert events.index(writing[0]) < len(events) - 1 and events[-1][2] == ("columns.pdf", INGESTED)


def test_progress_says_which_files_are_being_read_by_ocr(settings, tmp_path) -> None:
    from tests.support.hostile_inputs import scanned_pdf

    scan, digital = tmp_path / "scan.pdf", tmp_path / "outline.pdf"
    scan.write_bytes(scanned_pdf(pages=2))
    shutil.copy(corpus_file("parsers", "samplefiles__pdflatex-outline.pdf"), digital)
    seen: list[tuple[dict, set]] = []

    def record(progress, finished) -> None:
        seen.append(
            ({Path(f).name: p for f, p in progress.file_pages.items()}, {Path(f).name for f in progress.ocr_files})
        )

    results = BatchIngest(settings, on_progress=record).run([str(scan), str(digital)])
    assert {Path(r.file).name: r.status for r in results} == {"scan.pdf": INGESTED, "outline.pdf": INGESTED}
    assert any("scan.pdf" in ocr and pages["scan.pdf"][0] >= 1 for pages, ocr in seen if "scan.pdf" in pages)
    assert all("outline.pdf" not in ocr for _, ocr in seen)  # a text layer is parsed, not OCRed
    assert all(ocr <= set(pages) for pages, ocr in seen)  # only files being parsed
