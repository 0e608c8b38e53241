"""The Streamlit app's pages driven by AppTest: the real app script, store, parsers and an Ollama test server."""

from __future__ import annotations

import re
import time

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import corpus_file
from tests.support.ollama_server import FakeOllama, deterministic_answer
from tests.webui.conftest import APP, table_pdf
from webui.service import DocsightService

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
    service = DocsightService.shared(settings)
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
    while DocsightService.shared(ui_env).ingests.active() and time.monotonic() < deadline:
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
    assert "0 document(s)" in _texts(at, "subheader") and DocsightService.shared(ui_env).documents() == []


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

    toggle = next(t for t in at.toggle if t.label == "Full page with this region")
    images_before = len(at.get("image"))
    toggle.set_value(True).run()
    assert not at.exception and len(at.get("image")) > images_before

    next(b for b in at.button if b.label == "Clear chat").click().run()
    assert not [m for m in _texts(at, "markdown") if m.startswith("According to the documents")]


def test_without_ollama_questions_get_the_ranked_sources(ui_env, monkeypatch) -> None:
    _ingest(ui_env)
    DocsightService.close_all()
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
    assert "✅ `llama3.2:3b`" in markdown and "❌ `llama3.2-vision:11b` (vision model): `ollama pull" in markdown
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
