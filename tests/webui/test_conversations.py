"""Conversations in the web UI, driven by AppTest with the Ollama test server: follow-ups searched as standalone
questions, chats that survive a reload, a document filter that survives deletions, answers never lost."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from pipelines.conversation.model_rewrite import REWRITE_SYSTEM
from tests.conftest import corpus_file
from tests.support.ollama_server import FakeOllama, deterministic_answer
from tests.webui.conftest import APP, table_pdf
from webui.markdown import escape_markdown
from webui.service import WebService

QUESTION = "How many handgun background checks were there in Wyoming?"
REWRITTEN = "How many handgun background checks were there in Alaska?"
SEARCHED = escape_markdown(f"Searched for: {REWRITTEN}")


def _texts(at: AppTest, kind: str) -> list[str]:
    return [str(e.value) for e in getattr(at, kind)]


def _answers(at: AppTest) -> list[str]:
    return [m for m in _texts(at, "markdown") if m.startswith("According to the documents")]


def _ingest(settings, *files) -> WebService:
    service = WebService.shared(settings)
    service.ingest_uploads(list(files))
    assert service.ingests.wait(timeout=300)
    return service


def _rewrite_or_answer(prompt: str, body: dict) -> str:
    if body["messages"][0]["content"] == REWRITE_SYSTEM:
        return REWRITTEN
    return deterministic_answer(prompt)


def test_a_follow_up_is_searched_as_a_standalone_question_and_the_chat_survives_a_reload(ui_env, monkeypatch) -> None:
    with FakeOllama(answer_fn=_rewrite_or_answer) as server:
        monkeypatch.setenv("DOCSIGHT_OLLAMA_URL", server.url)
        service = _ingest(ui_env.__class__.from_env(), table_pdf())
        at = AppTest.from_file(str(APP), default_timeout=120)
        at.run()
        at.chat_input[0].set_value(QUESTION).run()
        at.chat_input[0].set_value("And in Alaska?").run()
        assert not at.exception, at.exception
        assert len(_answers(at)) == 2
        assert SEARCHED in _texts(at, "caption")
        rewrite, answer = server.chats()[1:]
        assert rewrite["messages"][0]["content"] == REWRITE_SYSTEM and QUESTION in rewrite["messages"][1]["content"]
        assert [m["role"] for m in answer["messages"]] == ["system", "user", "assistant", "user"]
        conversation_id = at.query_params["c"][0] if isinstance(at.query_params["c"], list) else at.query_params["c"]
        [saved] = service.conversations.list()
        assert saved.id == conversation_id
    # a new browser session (a reload, a restarted UI) opens the saved conversation from the URL
    WebService.close_all()
    reloaded = AppTest.from_file(str(APP), default_timeout=120)
    reloaded.query_params["c"] = conversation_id
    reloaded.run()
    assert not reloaded.exception, reloaded.exception
    assert len(_answers(reloaded)) == 2 and SEARCHED in _texts(reloaded, "caption")
    assert any(s.startswith("[") and "pdfplumber" in s for s in _texts(reloaded, "subheader"))  # the source cards
    assert reloaded.get("image"), "the cited table's crop is read again from the store"
    assert any(b.label == "Export as Markdown" for b in reloaded.get("download_button"))


def test_the_document_filter_drops_only_a_deleted_document_with_a_notice(ui_env) -> None:
    chart = corpus_file("charts", "png", "group_189_chart1.png")
    service = _ingest(ui_env, table_pdf(), (chart.name, chart.read_bytes()))
    ids = {r.source: r.doc_id for r in service.documents()}
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    [chooser] = [m for m in at.multiselect if m.label == "Only these documents"]
    chooser.set_value([ids[table_pdf()[0]], ids[chart.name]]).run()
    at.chat_input[0].set_value(QUESTION).run()
    assert not at.exception, at.exception
    service.delete(ids[chart.name])  # in another tab
    at.run()
    assert any("1 document(s) of this chat's filter were deleted" in i for i in _texts(at, "info")), _texts(at, "info")
    [chooser] = [m for m in at.multiselect if m.label == "Only these documents"]
    assert chooser.value == [ids[table_pdf()[0]]]
    [saved] = service.conversations.list()
    assert saved.doc_ids == [ids[table_pdf()[0]]]


def test_an_answer_cut_off_by_ollama_keeps_what_arrived(ui_env, monkeypatch) -> None:
    with FakeOllama(cut_after=4) as server:  # Ollama dies after four pieces of the answer
        monkeypatch.setenv("DOCSIGHT_OLLAMA_URL", server.url)
        service = _ingest(ui_env.__class__.from_env(), table_pdf())
        at = AppTest.from_file(str(APP), default_timeout=120)
        at.run()
        at.chat_input[0].set_value(QUESTION).run()
    assert not at.exception, at.exception
    [saved] = service.conversations.list()
    (turn,) = service.conversations.get(saved.id).turns
    assert turn.question == QUESTION and turn.answer.startswith("According to") and turn.sources
    assert not turn.complete and "lost the connection to Ollama" in turn.notice
    assert any(m.startswith("According to") for m in _texts(at, "markdown"))  # still on the page
