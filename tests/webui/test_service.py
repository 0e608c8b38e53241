"""The UI's service on a real embedded store, the real parsers and the Ollama test server."""

import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pipelines.batch.report import FAILED, INGESTED
from pipelines.settings import Settings
from tests.conftest import REPO, corpus_file
from tests.support.ollama_server import FakeOllama
from tests.webui.conftest import table_pdf
from webui.ingest_jobs import DONE, RUNNING
from webui.service import WebService


def _ingested(service: WebService, uploads) -> list:
    job = service.ingest_uploads(uploads)
    assert service.ingests.wait(timeout=300)
    return job.snapshot().all_results


def test_upload_ingest_ask_page_view_delete(ui_env, ollama) -> None:
    service = WebService.shared(ui_env)
    results = _ingested(service, [table_pdf(), ("empty.pdf", b""), ("notes.txt", b"just some text\n")])
    by_name = {Path(r.file).name: r for r in results}
    assert by_name["empty.pdf"].status == FAILED and by_name["empty.pdf"].error.startswith("empty file")
    assert by_name["notes.txt"].status == FAILED and by_name["notes.txt"].error.startswith("unsupported format")
    table = by_name[table_pdf()[0]]
    assert table.status == INGESTED and table.tables == 1
    [record] = service.documents()
    assert Path(record.path).is_file() and Path(record.path).is_relative_to(Path(ui_env.upload_dir).resolve())

    tokens: list[str] = []
    result = service.ask("How many handgun background checks were there in Wyoming?", on_token=tokens.append)
    assert len(tokens) > 1 and "".join(tokens).strip() == result.answer
    assert result.citations and result.citations[0].source == table_pdf()[0]
    table_source = next(s for s in result.sources if s.kind == "table")
    assert table_source.crop_jpeg_b64
    assert any(body.get("stream") for body in ollama.chats())

    page = service.page_with_region(table_source)
    assert isinstance(page, Image.Image) and max(page.size) > 500
    pixels = np.asarray(page)
    reds = ((pixels[..., 0] > 200) & (pixels[..., 1] < 60) & (pixels[..., 2] < 60)).sum()
    assert reds > 500  # the outline

    service.delete(record.doc_id)
    assert service.documents() == [] and not Path(record.path).exists()
    assert service.retrieve("Wyoming handgun checks") == []


@pytest.mark.slow
def test_a_long_ingestion_does_not_block_questions(ui_env) -> None:
    service = WebService.shared(ui_env)
    _ingested(service, [table_pdf()])
    assert service.retrieve("Wyoming")  # encoders loaded
    filing = corpus_file("financebench", "pdfs", "BESTBUY_2024Q2_10Q.pdf")
    job = service.ingest_uploads([(filing.name, filing.read_bytes())])
    deadline = time.monotonic() + 120
    while not (job.snapshot().state == RUNNING and job.snapshot().current) and time.monotonic() < deadline:
        time.sleep(0.1)
    answer = service.ask("How many handgun background checks were there in Wyoming?")
    hits = service.retrieve("handgun permits Wyoming")
    assert answer.citations and hits
    assert job.snapshot().state == RUNNING  # both answered while the 30-page filing was being parsed
    assert service.ingests.wait(timeout=600) and job.snapshot().state == DONE
    assert {r.source for r in service.documents()} == {table_pdf()[0], filing.name}
    assert any(h.source == filing.name for h in service.retrieve("Best Buy revenue quarter"))


def test_batch_ingest_against_the_ui_store_is_refused_clearly(ui_env, tmp_path: Path) -> None:
    WebService.shared(ui_env)
    done = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "ingest", str(corpus_file("parsers", table_pdf()[0]))],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 3
    assert "is open in another docsight process" in done.stderr and "DOCSIGHT_QDRANT_URL" in done.stderr


def test_reingest_replaces_the_chunks_and_keeps_the_file(ui_env) -> None:
    service = WebService.shared(ui_env)
    _ingested(service, [table_pdf()])
    [before] = service.documents()
    service.reingest(before.doc_id)
    assert service.ingests.wait(timeout=300)
    [after] = service.documents()
    assert after.doc_id == before.doc_id and after.chunks == before.chunks and after.ingested_at > before.ingested_at
    assert Path(after.path).is_file()


def test_ollama_status_names_missing_models_and_unreachable_servers(ui_env, monkeypatch) -> None:
    with FakeOllama(models=["llama3.2:3b"], vision_models=["llava:7b"]) as partial:
        monkeypatch.setenv("DOCSIGHT_OLLAMA_URL", partial.url)
        report = WebService.shared(Settings.from_env()).ollama_status()
    WebService.close_all()  # one service per store per process
    assert report.reachable and report.models == {"llama3.2:3b": True, "llama3.2-vision:11b": False}
    monkeypatch.setenv("DOCSIGHT_OLLAMA_URL", "http://127.0.0.1:9")
    down = WebService.shared(Settings.from_env()).ollama_status()
    assert not down.reachable and "cannot reach Ollama at http://127.0.0.1:9" in down.error


def test_a_source_read_by_ocr_is_shown_as_its_image_and_chunks_list_in_order(ui_env) -> None:
    service = WebService.shared(ui_env)
    chart = corpus_file("charts", "png", "group_189_chart1.png")  # OCR text that is mostly noise, and the chart
    _ingested(service, [(chart.name, chart.read_bytes())])
    [record] = service.documents()
    chunks = service.chunks(record.doc_id)
    assert len(chunks) == record.chunks and [c.n for c in chunks] == list(range(1, len(chunks) + 1))
    ocr_text = [c for c in chunks if c.ocr and not c.has_crop]
    assert ocr_text, [(c.kind, c.ocr) for c in chunks]
    region = service.region_image(ocr_text[0])
    page = service.page(record.doc_id, 1)
    assert isinstance(region, Image.Image) and 4 < region.width <= page.width and 4 < region.height <= page.height
    assert service.original(record.doc_id) == (chart.name, chart.read_bytes())
    assert service.page_count(record.doc_id) == 1
