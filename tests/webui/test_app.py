"""The Streamlit app's pages driven by AppTest: the real app script, store, parsers and an Ollama test server."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import corpus_file
from tests.support.hostile_inputs import scanned_pdf
from tests.support.ollama_server import FakeOllama, deterministic_answer
from tests.webui.conftest import APP, table_pdf
from webui.service import WebService

QUESTION = "How many handgun background checks were there in Wyoming?"


def _app(page: str | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    if page:
        at.switch_page(f"views/{page}.py").run()
    assert not at.exception, at.exception
    return at


def _texts(at: AppTest, kind: str) -> list[str]:
    return [str(e.value) for e in getattr(at, kind)]


def _ingest(settings) -> None:
    service = WebService.shared(settings)
    service.ingest_uploads([table_pdf()])
    assert service.ingests.wait(timeout=300)


def test_documents_page_ingests_uploads_with_progress_and_lists_failures(ui_env) -> None:
    at = _app("documents")
    assert "up to 200 MB each" in at.file_uploader[0].label
    corrupt = corpus_file("parsers", "pdfplumber__issue-297-example.pdf")
    at.file_uploader[0].set_value(
        [(table_pdf()[0], table_pdf()[1], "application/pdf"), (corrupt.name, corrupt.read_bytes(), "application/pdf")]
    ).run()
    [ingest] = [b for b in at.button if b.label.startswith("Ingest")]
    assert ingest.label == "Ingest 2 file(s)"
    ingest.click().run()
    saw_progress = bool(at.get("progress"))
    deadline = time.monotonic() + 300
    while WebService.shared(ui_env).ingests.active() and time.monotonic() < deadline:
        time.sleep(0.5)
        at.run()
        saw_progress = saw_progress or bool(at.get("progress"))
    at.run()
    assert not at.exception, at.exception
    assert saw_progress
    assert any(re.match(r"Batch \d+: 1 ingested, 1 failed", w) for w in _texts(at, "warning")), _texts(at, "warning")
    errors = _texts(at, "error")
    assert any("issue\\-297\\-example\\.pdf" in e and "corrupt" in e for e in errors), errors
    assert "1 document(s)" in _texts(at, "subheader")
    table = at.dataframe[-1].value
    assert list(table["document"]) == [table_pdf()[0]] and int(table["tables"][0]) == 1

    # delete asks for confirmation, then removes the document
    next(b for b in at.button if b.label == "Delete").click().run()
    next(b for b in at.button if b.label == "Yes, delete").click().run()
    assert "0 document(s)" in _texts(at, "subheader") and WebService.shared(ui_env).documents() == []


def test_chat_streams_a_cited_answer_with_source_cards_and_the_full_page(ui_env, ollama) -> None:
    _ingest(ui_env)
    at = _app()
    at.chat_input[0].set_value(QUESTION).run()
    assert not at.exception, at.exception
    answer = next(m for m in _texts(at, "markdown") if m.startswith("According to the documents"))
    cited = [int(n) for n in re.findall(r"\(#source-0-(\d+)\)", answer)]
    assert cited, answer
    cards = [s for s in _texts(at, "subheader") if s.startswith("[")]
    assert cards and cards[0].startswith(f"[{cited[0]}] pdfplumber\\_\\_nics")
    assert at.get("image"), "the cited table's crop is shown"
    assert [c for c in ollama.chats() if c.get("stream")], "the answer was streamed"

    # the viewer beside the chat opens the cited document at the cited page with the region outlined
    images_before = len(at.get("image"))
    next(b for b in at.button if b.label == "Open in viewer").click().run()
    assert not at.exception, at.exception
    assert any(c.startswith("Page 1 of 1 · cited region outlined") for c in _texts(at, "caption")), _texts(
        at, "caption"
    )
    assert len(at.get("image")) > images_before
    assert at.get("download_button"), "the original can be downloaded"
    next(b for b in at.button if b.label == "Close").click().run()
    assert not any(c.startswith("Page 1 of 1") for c in _texts(at, "caption"))

    # thumbs up is kept with the turn of the saved conversation and exported as JSONL
    next(b for b in at.button if b.help == "Good answer").click().run()
    assert "Rated helpful. Thank you." in _texts(at, "caption")
    conversations = WebService.shared(ui_env).conversations
    [row] = conversations.ratings()
    [saved] = conversations.list()
    assert (row["conversation_id"], row["turn"]) == (saved.id, 0) and conversations.get(saved.id).turns[0].rating == 1
    assert row["rating"] == 1 and row["question"] == QUESTION and row["cited"] == cited and row["answer"]
    exported = json.loads(conversations.export_ratings())
    assert exported["sources"][0]["source"] == table_pdf()[0] and "crop_jpeg_b64" not in exported["sources"][0]
    next(b for b in at.button if b.help == "Bad answer").click().run()
    assert [r["rating"] for r in conversations.ratings()] == [-1]

    next(b for b in at.button if b.label == "Clear chat").click().run()
    assert not [m for m in _texts(at, "markdown") if m.startswith("According to the documents")]


def test_without_ollama_questions_get_the_ranked_sources(ui_env, monkeypatch) -> None:
    _ingest(ui_env)
    WebService.close_all()
    monkeypatch.setenv("DOCSIGHT_OLLAMA_URL", "http://127.0.0.1:9")
    at = _app()
    assert "Ollama: not reachable — search only" in _texts(at, "caption")
    at.chat_input[0].set_value(QUESTION).run()
    assert not at.exception, at.exception
    notice = " ".join(_texts(at, "info"))
    assert "cannot reach Ollama at http://127.0.0.1:9" in notice and "best matching sources" in notice
    assert [s for s in _texts(at, "subheader") if s.startswith("[1] ")]


def test_injected_markup_in_an_answer_is_shown_as_text(ui_env, monkeypatch) -> None:
    def hostile(prompt: str, body: dict) -> str:
        return "![x](http://evil.example/pixel.png) <b>bold</b> " + deterministic_answer(prompt)

    with FakeOllama(answer_fn=hostile) as server:
        monkeypatch.setenv("DOCSIGHT_OLLAMA_URL", server.url)
        _ingest(ui_env.__class__.from_env())
        at = _app()
        at.chat_input[0].set_value(QUESTION).run()
    answer = next(m for m in _texts(at, "markdown") if "evil" in m)
    assert re.search(r"(?<!\\)!\[|(?<!\\)\]\(http|(?<!\\)<b>", answer) is None, answer


def test_status_page_reports_store_and_models(ui_env, monkeypatch) -> None:
    with FakeOllama(models=["llama3.2:3b"], vision_models=["llava:7b"]) as server:
        monkeypatch.setenv("DOCSIGHT_OLLAMA_URL", server.url)
        at = _app("status")
        markdown = " ".join(_texts(at, "markdown"))
    assert "**embedded** store" in markdown and "collection `ui`: 0 points" in markdown
    assert ":green[:material/check_circle:] `llama3.2:3b`" in markdown
    assert ":red[:material/cancel:] `llama3.2-vision:11b` (vision model): `ollama pull" in markdown
    assert not re.search("[\u2600-\u27bf\U0001f300-\U0001faff]", markdown), "no emoji (they need an emoji font)"
    assert any("`llava:7b`" in c for c in _texts(at, "caption")), "the other pulled models are listed"
    assert any("Reachable at" in s for s in _texts(at, "success"))


@pytest.mark.parametrize("attempt", ["wrong", "s3cret"])
def test_password_gate(ui_env, monkeypatch, attempt: str) -> None:
    monkeypatch.setenv("DOCSIGHT_UI_PASSWORD", "s3cret")
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert "Ask your documents" not in _texts(at, "title") and at.text_input
    at.text_input[0].input(attempt)
    at.button[0].click().run()
    if attempt == "s3cret":
        assert "Ask your documents" in _texts(at, "title")
    else:
        assert "Wrong password." in _texts(at, "error") and "Ask your documents" not in _texts(at, "title")


def _wait_for_ingestion(at: AppTest, settings, seen: list[str] | None = None) -> None:
    """Rerun the page until the ingestion queue is idle, collecting the progress texts it showed."""
    deadline = time.monotonic() + 300
    while WebService.shared(settings).ingests.active() and time.monotonic() < deadline:
        time.sleep(0.3)
        at.run()
        if seen is not None:
            seen.extend(str(p.proto.text) for p in at.get("progress"))
            seen.extend(" ".join(map(str, df.value["status"])) for df in at.dataframe if "status" in df.value)
    at.run()
    assert not at.exception, at.exception


def _upload(at: AppTest, files: list[tuple[str, bytes]]) -> None:
    at.file_uploader[0].set_value([(name, data, "application/octet-stream") for name, data in files]).run()
    next(b for b in at.button if b.label.startswith("Ingest")).click().run()


@pytest.mark.slow
def test_progress_counts_every_upload_names_unchanged_files_and_lists_each_phase(ui_env) -> None:
    _ingest(ui_env)  # already stored: the second upload of it is "already stored"
    scan = ("scan.pdf", scanned_pdf(3))  # three pages that are page images: each is OCR'd
    at = _app("documents")
    seen: list[str] = []
    _upload(at, [table_pdf(), scan, ("notes.txt", b"plain text\n"), ("empty.pdf", b"")])
    seen.extend(str(p.proto.text) for p in at.get("progress"))
    _wait_for_ingestion(at, ui_env, seen)
    counts = [re.search(r"(\d+)/(\d+) files", t) for t in seen]
    assert {m.group(2) for m in counts if m} == {"4"}, seen  # four uploads, four files (not "0/3")
    phases = r"(?:parsing|OCR) page \d of 3|chunking and embedding|writing to the store"  # a scan's pages: OCR
    assert any(re.search(phases, t) for t in seen), seen
    summary = next(w for w in _texts(at, "warning") if w.startswith("Batch"))
    assert "1 ingested, 1 already stored (pdfplumber__nics-background-checks-2015-11.pdf), 2 failed" in summary
    rows = at.dataframe[0].value
    assert dict(zip(rows["file"], rows["status"], strict=True)) == {
        "empty.pdf": "failed",
        table_pdf()[0]: "already stored",
        scan[0]: "ingested",
        "notes.txt": "failed",
    }
    details = " ".join(rows["details"])
    assert "b'" not in details and "(detected: text)" in details  # the reason names the content type, no bytes
    assert "2 document(s)" in _texts(at, "subheader")


def test_an_encrypted_pdf_is_retried_with_its_password_and_failed_uploads_are_removed(ui_env) -> None:
    locked = corpus_file("parsers", "pdfplumber__password-example.pdf")
    corrupt = corpus_file("parsers", "pdfplumber__issue-297-example.pdf")
    at = _app("documents")
    _upload(at, [(locked.name, locked.read_bytes()), (corrupt.name, corrupt.read_bytes())])
    _wait_for_ingestion(at, ui_env)
    errors = [e.replace("\\", "") for e in _texts(at, "error")]  # shown escaped as Markdown
    assert any("encrypted: password required" in e and "--password" not in e for e in errors), errors
    field = next(t for t in at.text_input if t.label == f"Password for {locked.name}")
    field.input("wrong")
    next(b for b in at.button if b.label == "Retry").click().run()
    _wait_for_ingestion(at, ui_env)
    assert any("encrypted\\: wrong password" in e for e in _texts(at, "error")), _texts(at, "error")
    next(t for t in at.text_input if t.label == f"Password for {locked.name}").input("test")
    next(b for b in at.button if b.label == "Retry").click().run()
    _wait_for_ingestion(at, ui_env)
    assert [r.source for r in WebService.shared(ui_env).documents()] == [locked.name]
    assert "1 document(s)" in _texts(at, "subheader")

    uploaded = next(Path(ui_env.upload_dir).rglob(corrupt.name))
    remove = next(b for b in at.button if b.label == "Remove 1 failed file(s)")
    remove.click().run()
    assert not uploaded.exists() and not any(corrupt.name.replace("-", "\\-") in e for e in _texts(at, "error"))
    assert Path(WebService.shared(ui_env).documents()[0].path).is_file()  # the stored document's file stays


@pytest.mark.slow
def test_documents_table_sorts_inspects_and_deletes_in_bulk(ui_env) -> None:
    _ingest(ui_env)
    chart = corpus_file("charts", "png", "group_189_chart1.png")
    service = WebService.shared(ui_env)
    service.ingest_uploads([(chart.name, chart.read_bytes())])
    assert service.ingests.wait(timeout=300)
    at = _app("documents")
    at.selectbox(key="docsight_sort").set_value("Name").run()
    assert list(at.dataframe[-1].value["document"]) == sorted([table_pdf()[0], chart.name], key=str.lower)
    at.selectbox(key="docsight_sort").set_value("Chunks").run()
    chunks = list(at.dataframe[-1].value["chunks"])
    assert chunks == sorted(chunks, reverse=True)

    # the inspector lists the chosen document's chunks in order with kind and page, crops as images
    record = next(r for r in service.documents() if r.source == table_pdf()[0])
    at.selectbox(key="docsight_manage").set_value(record.doc_id).run()
    headers = [m for m in _texts(at, "markdown") if m.startswith("**#")]
    assert len(headers) == record.chunks and headers[0].startswith("**#1** · page 1 · ")
    assert any("· table" in h for h in headers) and at.get("image")

    at.multiselect(key="docsight_bulk").set_value([r.doc_id for r in service.documents()]).run()
    next(b for b in at.button if b.label == "Delete 2 selected").click().run()
    assert any(w.startswith("Delete 2 document") for w in _texts(at, "warning")), _texts(at, "warning")
    next(b for b in at.button if b.key and b.key.endswith("_yes") and "bulk" in b.key).click().run()
    assert service.documents() == [] and "0 document(s)" in _texts(at, "subheader")


def test_models_and_generation_settings_come_from_the_sidebar(ui_env, monkeypatch) -> None:
    with FakeOllama(models=["llama3.2:3b", "qwen2.5:3b"], vision_models=["llama3.2-vision:11b"]) as server:
        monkeypatch.setenv("DOCSIGHT_OLLAMA_URL", server.url)
        _ingest(ui_env.__class__.from_env())
        at = _app()
        text_model = at.selectbox(key="docsight_text_model")
        assert "qwen2.5:3b" in text_model.options and text_model.value == "llama3.2:3b"
        text_model.set_value("qwen2.5:3b")
        at.slider(key="docsight_temperature").set_value(0.7)
        at.slider(key="docsight_top_k").set_value(4)
        at.radio(key="docsight_mode").set_value("text").run()
        at.chat_input[0].set_value(QUESTION).run()
        assert not at.exception, at.exception
        chat = server.chats()[0]  # the answer (a figure-repair request, if any, follows it)
    assert chat["model"] == "qwen2.5:3b" and chat["options"]["temperature"] == 0.7
    assert len(re.findall(r"^\[\d+\] ", chat["messages"][-1]["content"], re.M)) <= 4
    caption = next(c for c in _texts(at, "caption") if c.startswith("qwen2"))  # Markdown-escaped
    assert re.search(r"· \d+ ms|· \d+\\?\.\d s", caption) and "0\\.0 s" not in caption, caption


def test_a_source_read_by_ocr_shows_its_image_not_its_text(ui_env) -> None:
    chart = corpus_file("charts", "png", "group_189_chart1.png")  # its OCR text is mostly noise
    service = WebService.shared(ui_env)
    service.ingest_uploads([(chart.name, chart.read_bytes())])
    assert service.ingests.wait(timeout=300)
    at = _app()
    at.chat_input[0].set_value("daily Twitter posts BlackLivesMatter hashtag").run()
    assert not at.exception, at.exception
    captions = [img.caption for element in at.get("image") for img in element.proto.imgs]
    assert "OCRed region, page 1" in captions, captions
    assert any(e.label == "Extracted OCR text" for e in at.expander)
