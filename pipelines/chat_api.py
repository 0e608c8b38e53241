"""docsight as a model for any OpenAI-compatible chat client, served by hayhooks (``/v1/chat/completions``).

The client's messages are the conversation: earlier user messages and the assistant replies to them are its turns
(their documents and years inherited by the rules, as in ``docsight chat``); the last user message is answered as
the next turn — made standalone, retrieved, answered with the history — and streamed, followed by its citations
(document, page). Nothing is saved on the server: the client holds the conversation.

Deploy: ``hayhooks run --pipelines-dir pipelines/hayhooks`` (the folder holds ``docsight/pipeline_wrapper.py``).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Generator

from hayhooks import BasePipelineWrapper

from pipelines.conversation.turns import Conversation, Turn
from pipelines.service import DocsightService
from pipelines.settings import Settings

SOURCES_HEADING = "\n\nSources:"
_DONE = object()


def conversation_from_messages(service: DocsightService, messages: list[dict]) -> tuple[Conversation, str]:
    """(the conversation of the earlier messages, the last user message)."""
    conversation = Conversation(name="api")
    pending: Turn | None = None
    for message in messages:
        role, text = message.get("role"), _text(message.get("content"))
        if role == "user":
            rewrite = service.rewrite_by_rules(text, conversation.context())
            pending = Turn(question=text, standalone=rewrite.standalone, doc_ids=rewrite.doc_ids, years=rewrite.years)
            conversation.turns.append(pending)
        elif role == "assistant" and pending is not None:
            pending.answer = text.split(SOURCES_HEADING, 1)[0]
    if not conversation.turns:
        raise ValueError("the request has no user message")
    last = conversation.turns.pop()
    return conversation, last.question


class DocsightChatWrapper(BasePipelineWrapper):
    """The hayhooks wrapper: ``run_chat_completion`` streams docsight's answer to the last user message."""

    def setup(self) -> None:
        self.service = DocsightService(Settings.from_env())

    def run_chat_completion(self, model: str, messages: list[dict], body: dict) -> Generator[str, None, None]:
        conversation, question = conversation_from_messages(self.service, messages)
        pieces: queue.Queue = queue.Queue()
        outcome: dict = {}

        def answer() -> None:
            try:
                outcome["turn"] = self.service.answer_turn(
                    conversation, question, mode=str(body.get("mode") or "auto"), on_token=pieces.put, save=False
                )
            except Exception as exc:  # shown to the client as the reply's end
                outcome["error"] = exc
            finally:
                pieces.put(_DONE)

        threading.Thread(target=answer, daemon=True).start()
        while (piece := pieces.get()) is not _DONE:
            yield piece
        if "error" in outcome:
            yield f"\n\n[docsight could not answer: {outcome['error']}]"
            return
        turn: Turn = outcome["turn"]
        cited = turn.to_answer().citations
        if cited:
            yield SOURCES_HEADING + "".join(f"\n[{s.n}] {s.source}, page {s.page}" for s in cited)
        if turn.searched_for:
            yield f"\n(searched for: {turn.searched_for})"


def _text(content) -> str:
    """A message's text (OpenAI content is a string or a list of parts)."""
    if isinstance(content, list):
        return " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return str(content or "")
