"""docsight as an OpenAI-compatible chat model: hayhooks serves pipelines/hayhooks/docsight, the ``openai`` client
sends a conversation and reads the streamed answer with its citations; the Ollama test server records what was
sent (the rewrite of the follow-up, the history in the answer request)."""

from __future__ import annotations

import shutil

import pytest

from pipelines.conversation.model_rewrite import REWRITE_SYSTEM
from tests.conftest import REPO
from tests.support.named_store import NICS, NICS_CORPUS, ingest_named
from tests.support.ollama_server import FakeOllama, deterministic_answer

FIRST = "How many handgun background checks did NICS record for Alabama in 2015?"
REWRITTEN = "How many long gun background checks did NICS record for Alabama in 2015?"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return ingest_named(tmp_path_factory.mktemp("api"), {NICS: NICS_CORPUS})


def _answer(prompt: str, body: dict) -> str:
    if body["messages"][0]["content"] == REWRITE_SYSTEM:
        return REWRITTEN
    return deterministic_answer(prompt)


def test_an_openai_client_holds_a_conversation_with_docsight(store, tmp_path, monkeypatch) -> None:
    from fastapi.testclient import TestClient
    from openai import OpenAI

    with FakeOllama(answer_fn=_answer) as server:
        monkeypatch.setenv("DOCSIGHT_QDRANT_PATH", str(store))
        monkeypatch.setenv("DOCSIGHT_OLLAMA_URL", server.url)
        monkeypatch.setenv("DOCSIGHT_CONVERSATIONS_DB", str(tmp_path / "unused.sqlite3"))
        pipelines_dir = tmp_path / "hayhooks"
        shutil.copytree(REPO / "pipelines" / "hayhooks", pipelines_dir)
        monkeypatch.setenv("HAYHOOKS_PIPELINES_DIR", str(pipelines_dir))
        monkeypatch.chdir(tmp_path)
        from hayhooks.server.app import create_app
        from hayhooks.server.pipelines.registry import registry
        from hayhooks.settings import settings as hayhooks_settings

        # hayhooks reads its settings once, when first imported (another test may have): point them here, and
        # forget pipelines deployed before (the query YAML is deployed as "docsight" elsewhere)
        monkeypatch.setattr(hayhooks_settings, "pipelines_dir", str(pipelines_dir))
        registry.clear()

        with TestClient(create_app()) as http:
            client = OpenAI(base_url=f"{http.base_url}/v1", api_key="unused", http_client=http)
            models = [m.id for m in client.models.list()]
            assert "docsight" in models
            first = client.chat.completions.create(model="docsight", messages=[{"role": "user", "content": FIRST}])
            reply = first.choices[0].message.content
            assert reply.startswith("According to the documents") and "Sources:\n[" in reply
            assert f"{NICS}, page 1" in reply
            stream = client.chat.completions.create(
                model="docsight",
                stream=True,
                messages=[
                    {"role": "user", "content": FIRST},
                    {"role": "assistant", "content": reply},
                    {"role": "user", "content": "And long guns?"},
                ],
            )
            pieces = [c.choices[0].delta.content or "" for c in stream if c.choices]
        chats = server.chats()
    streamed = "".join(pieces)
    assert len(pieces) > 3 and f"{NICS}, page 1" in streamed and f"(searched for: {REWRITTEN})" in streamed
    rewrite, answer = chats[-2:]
    assert rewrite["messages"][0]["content"] == REWRITE_SYSTEM and FIRST in rewrite["messages"][1]["content"]
    assert [m["role"] for m in answer["messages"]] == ["system", "user", "assistant", "user"]
    assert answer["messages"][1]["content"] == FIRST and "Sources:" not in answer["messages"][2]["content"]
    assert f"Question: {REWRITTEN}" in answer["messages"][3]["content"]
    assert not (tmp_path / "unused.sqlite3").exists()  # the client holds the conversation
