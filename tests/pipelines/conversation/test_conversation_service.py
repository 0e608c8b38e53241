"""Conversations through the service, on a real store and the Ollama test server: the rewrite request, the history
in the answer request, inherited documents, saved turns, and the rules when Ollama is down or slow."""

from __future__ import annotations

import time

import pytest

from pipelines.conversation.model_rewrite import REWRITE_SYSTEM
from pipelines.conversation.store import ConversationStore
from pipelines.generation.prompt import SYSTEM_PROMPT
from pipelines.service import DocsightService
from pipelines.settings import Settings
from tests.support.named_store import NICS, NICS_CORPUS, ingest_named
from tests.support.ollama_server import FakeOllama, deterministic_answer

# real files under filing-like names, so that questions can name them ("NICS", "EUROPA") and a year
EUROPA = "EUROPA_2015_OVERVIEW.pdf"
FIRST = "How many handgun background checks did NICS record for Alabama in 2015?"


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    root = tmp_path_factory.mktemp("conversation")
    ingest_named(root, {NICS: NICS_CORPUS, EUROPA: ("parsers", "samplefiles__multicolumn.pdf")})
    return root


def _answer(prompt: str, body: dict) -> str:
    """The rewrite request gets a standalone question; answer requests the test server's cited answer."""
    if body["messages"][0]["content"] == REWRITE_SYSTEM:
        return "How many long gun background checks did NICS record for Alabama in 2015?"
    return deterministic_answer(prompt)


def _service(store_path, url: str, **overrides) -> DocsightService:
    settings = Settings.from_env(
        environ={},
        qdrant_path=str(store_path / "q"),
        ollama_url=url,
        conversations_db=str(store_path / f"conversations-{time.monotonic_ns()}.sqlite3"),
        **overrides,
    )
    return DocsightService(settings)


def test_a_follow_up_is_rewritten_by_the_model_and_answered_with_the_history(store_path) -> None:
    with FakeOllama(answer_fn=_answer) as server:
        service = _service(store_path, server.url)
        try:
            conversation = service.conversations.create("checks")
            first = service.answer_turn(conversation, FIRST, mode="text")
            assert first.complete and first.answer and first.doc_ids == [service.resolve([NICS])[0].doc_id]
            assert len(server.chats()) == 1  # a first question needs no rewrite
            shown: list[int] = []
            second = service.answer_turn(
                conversation, "And long guns?", mode="text", on_sources=lambda t: shown.append(len(t.sources))
            )
        finally:
            service.close()
    rewrite_request, answer_request = server.chats()[1:]
    # the rewrite: the earlier question and the new one, never a document's text; temperature 0, bounded
    assert [m["role"] for m in rewrite_request["messages"]] == ["system", "user"]
    sent = rewrite_request["messages"][1]["content"]
    assert FIRST in sent and "Last question: And long guns?" in sent and "Sources:" not in sent
    assert "Alabama" not in sent.replace(FIRST, "")  # nothing of the first answer either
    assert rewrite_request["options"]["temperature"] == 0 and rewrite_request["options"]["num_predict"] == 96
    # the standalone question is what retrieval saw and what the answer prompt asks
    assert second.standalone == "How many long gun background checks did NICS record for Alabama in 2015?"
    assert second.rewrite == "model" and second.searched_for == second.standalone
    assert shown and shown[0] == len(second.sources)  # the sources were there before the answer streamed
    assert {s.source for s in second.sources} == {NICS}
    # the history: the first question and answer (its [n] marks removed), then this turn's numbered sources
    messages = answer_request["messages"]
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]
    assert messages[0]["content"] == SYSTEM_PROMPT and messages[1]["content"] == FIRST
    assert messages[2]["content"] and "[" not in messages[2]["content"]
    assert "[1] (" in messages[3]["content"] and f"Question: {second.standalone}" in messages[3]["content"]
    assert all(c in [s.n for s in second.sources] for c in second.citations)


def test_with_ollama_down_the_rules_rewrite_and_retrieval_still_work(store_path) -> None:
    service = _service(store_path, "http://127.0.0.1:9")
    try:
        conversation = service.conversations.create("offline")
        service.answer_turn(conversation, FIRST, generate=False)
        turn = service.answer_turn(conversation, "And in 2016?", generate=False)
        assert turn.rewrite == "rules" and turn.complete
        assert turn.standalone == "How many handgun background checks did NICS record for Alabama in 2016?"
        assert turn.sources and {s.source for s in turn.sources} == {NICS}
        # a model rewrite that cannot reach Ollama falls back to the same rules
        assert service.rewrite("And in 2016?", conversation.turns[0] and conversation.context()).how == "rules"
    finally:
        service.close()


def test_a_slow_rewrite_gives_up_at_its_own_timeout(store_path) -> None:
    with FakeOllama(delay_s=5) as server:
        service = _service(store_path, server.url, rewrite_timeout_s=1)
        try:
            conversation = service.conversations.create("slow")
            service.answer_turn(conversation, FIRST, generate=False)
            start = time.monotonic()
            rewrite = service.rewrite("And in 2014?", conversation.context(), earlier=[FIRST])
            assert time.monotonic() - start < 4 and rewrite.how == "rules"
            assert rewrite.standalone.endswith("in 2014?")
        finally:
            service.close()


def test_turns_are_saved_and_an_interrupted_answer_keeps_what_arrived(store_path) -> None:
    with FakeOllama() as server:  # its answer to a rewrite request is "The documents do not say.": not a question
        service = _service(store_path, server.url)
        try:
            conversation = service.conversations.create("kept")
            service.answer_turn(conversation, FIRST, mode="text")

            def stop_after_two(text: str, seen: list[str] = []) -> None:  # noqa: B006 - a counter
                seen.append(text)
                if len(seen) == 2:
                    raise KeyboardInterrupt  # Ctrl-C in docsight chat, a click in the UI

            with pytest.raises(KeyboardInterrupt):
                service.answer_turn(conversation, "And in 2016?", mode="text", on_token=stop_after_two)
            saved = ConversationStore(service.settings.conversations_db).find("kept")
        finally:
            service.close()
    first, stopped = saved.turns
    assert first.complete and first.citations and first.sources and first.standalone == FIRST
    assert not stopped.complete and stopped.answer and stopped.sources and "Stopped" in stopped.notice
    assert stopped.standalone.endswith("in 2016?") and stopped.rewrite == "rules"
    markdown = saved.markdown()
    assert f"## {FIRST}" in markdown and f"{NICS}, page 1" in markdown


def test_a_comparing_follow_up_searches_both_documents_once_and_the_prompt_groups_them(store_path) -> None:
    with FakeOllama() as server:  # its reply to the rewrite request is not a question: the rules' form is used
        service = _service(store_path, server.url)
        searches: list[dict] = []
        index = service.store.hybrid_search
        original = index.search
        index.search = lambda *args, **kw: searches.append(args[2]) or original(*args, **kw)
        try:
            conversation = service.conversations.create("compare")
            first = service.answer_turn(conversation, FIRST, mode="text")
            assert len(searches) == 1 and first.split == []  # one retrieval, not one for the sources and another
            searches.clear()
            turn = service.answer_turn(conversation, "How does that compare with EUROPA?", mode="text")
            documents = {d.source: d.doc_id for d in service.documents()}
        finally:
            service.close()
    assert turn.standalone == "How many handgun background checks did NICS and EUROPA record for Alabama in 2015?"
    assert turn.doc_ids == [documents[NICS], documents[EUROPA]]
    # one retrieval: one search per compared document, each limited to it, each with its share of the 8 hits
    assert len(searches) == 2 and all(documents[NICS] in str(f) or documents[EUROPA] in str(f) for f in searches)
    assert [(g["sources"], g["hits"]) for g in turn.split] == [([NICS], 4), ([EUROPA], 4)]
    assert [s.source for s in turn.sources] == [NICS] * 4 + [EUROPA] * 4
    # the answer request lists the sources under one heading per document, in the order the question names them
    prompt = server.chats()[-1]["messages"][-1]["content"]
    headings = [line for line in prompt.splitlines() if line.startswith("Sources from ")]
    assert len(headings) == 2 and prompt.index(headings[0]) < prompt.index("[1] (") < prompt.index(headings[1])
    assert prompt.index(headings[1]) < prompt.index("[5] (")
    groups = turn.to_answer().to_dict()["groups"]
    assert [g["sources"] for g in groups] == [[1, 2, 3, 4], [5, 6, 7, 8]]
