"""Every Ollama request has a total deadline and every answer a num_predict bound, tested against the real HTTP
test server trickling bytes or streaming forever."""

import time

import httpx
import pytest
from haystack.dataclasses import ChatMessage

from pipelines.generation.http_deadline import is_deadline
from pipelines.generation.ollama_chat_generator import DocsightOllamaChatGenerator
from pipelines.generation.ollama_status import OllamaError, check_ollama, explain_failure
from tests.support.ollama_server import FakeOllama

QUESTION = [ChatMessage.from_user("[1] (a.pdf, page 1)\nRevenue grew by 5 percent.\n\nQuestion: revenue growth?")]


def test_a_status_check_against_a_trickling_server_ends_at_its_deadline() -> None:
    with FakeOllama(trickle_s=0.3) as server:  # one byte every 0.3 s: never trips the 5 s read timeout
        started = time.monotonic()
        with pytest.raises(OllamaError, match=r"did not answer the status check within its total deadline of 2 s"):
            check_ollama(server.url, [], timeout=5.0, deadline_s=2.0)
        assert time.monotonic() - started < 4


def test_a_trickling_chat_ends_at_the_deadline_and_says_which_limit() -> None:
    with FakeOllama(trickle_s=0.05) as server:
        generator = DocsightOllamaChatGenerator(model="llama3.2:3b", url=server.url, timeout=5, deadline_s=2)
        generator.warm_up()
        started = time.monotonic()
        with pytest.raises(httpx.ReadTimeout) as raised:
            generator.run(messages=QUESTION, streaming_callback=lambda chunk: None)
        assert time.monotonic() - started < 4 and is_deadline(raised.value)
        explained = explain_failure(raised.value, server.url, 5, 2)
        assert "within 2 s, the total deadline of a request (DOCSIGHT_OLLAMA_DEADLINE_S)" in str(explained)


def test_an_endless_answer_stops_at_num_predict_or_at_the_deadline() -> None:
    pieces: list = []
    with FakeOllama(endless=True) as server:
        bounded = DocsightOllamaChatGenerator(
            model="llama3.2:3b", url=server.url, timeout=5, deadline_s=30, generation_kwargs={"num_predict": 12}
        )
        bounded.warm_up()
        reply = bounded.run(messages=QUESTION, streaming_callback=pieces.append)["replies"][0]
        assert len([p for p in pieces if p.content]) == 12 and reply.text
        assert pieces[-1].meta.get("done_reason") == "length"
        sent = next(body for path, body in server.requests if path == "/api/chat")
        assert sent["options"]["num_predict"] == 12
        unbounded = DocsightOllamaChatGenerator(
            model="llama3.2:3b", url=server.url, timeout=5, deadline_s=2, generation_kwargs={"num_predict": 10**9}
        )
        unbounded.warm_up()
        started = time.monotonic()
        with pytest.raises(httpx.ReadTimeout) as raised:
            unbounded.run(messages=QUESTION, streaming_callback=lambda chunk: None)
        assert time.monotonic() - started < 4 and is_deadline(raised.value)


def test_the_deadline_round_trips_through_to_dict() -> None:
    generator = DocsightOllamaChatGenerator(model="m", deadline_s=42, generation_kwargs={"num_predict": 7})
    again = DocsightOllamaChatGenerator.from_dict(generator.to_dict())
    assert again.deadline_s == 42 and again.generation_kwargs == {"num_predict": 7}
