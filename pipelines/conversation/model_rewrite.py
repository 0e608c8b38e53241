"""Follow-up questions made standalone by the text model: a short request with the conversation's earlier
questions (never the documents' text, never the answers that quote them), temperature 0, bounded tokens and its
own deadline. Any failure — Ollama down, a time-out, an empty or rambling reply — returns None and the caller keeps
the rules' form (:mod:`pipelines.conversation.followup`)."""

from __future__ import annotations

import logging
import re

from haystack.dataclasses import ChatMessage

from pipelines.generation.ollama_chat_generator import DocsightOllamaChatGenerator
from pipelines.generation.prompt import NOT_FOUND

log = logging.getLogger("docsight.rewrite")

REWRITE_SYSTEM = (
    "You rewrite the last question of a conversation as one standalone question. Keep its meaning. Name the "
    "company, document and period it is about when the earlier questions make them clear. Do not answer it. "
    "Reply with the rewritten question only, on one line."
)
MAX_CHARS = 400


def rewrite_prompt(earlier: list[str], question: str) -> str:
    """The user message: the earlier questions, oldest first, then the one to rewrite."""
    lines = ["Earlier questions:"] + [f"{i}. {q}" for i, q in enumerate(earlier, start=1)]
    lines += ["", f"Last question: {question}", "Standalone question:"]
    return "\n".join(lines)


class ModelRewriter:
    """Rewrites follow-ups with an Ollama model (see the module docstring)."""

    def __init__(self, *, model: str, url: str, timeout_s: float, num_predict: int, keep_alive: str = "10m") -> None:
        self.model = model
        self.generator = DocsightOllamaChatGenerator(
            model=model,
            url=url,
            timeout=max(1, int(timeout_s)),
            deadline_s=timeout_s,
            keep_alive=keep_alive,
            generation_kwargs={"num_predict": num_predict, "temperature": 0.0},
        )

    def rewrite(self, earlier: list[str], question: str) -> str | None:
        """The standalone form of ``question`` after ``earlier`` questions; None when the model gave none."""
        messages = [ChatMessage.from_system(REWRITE_SYSTEM), ChatMessage.from_user(rewrite_prompt(earlier, question))]
        try:
            replies = self.generator.run(messages=messages)["replies"]
        except Exception as exc:  # Ollama down, time-out, model missing: the rules' form stands
            log.info(
                "question rewrite by %s failed (%s: %s); using the rules' form", self.model, type(exc).__name__, exc
            )
            return None
        return clean_rewrite(replies[0].text if replies else "")


def clean_rewrite(text: str | None) -> str | None:
    """The question of a model's reply: first non-empty line, without a label or quotes; None when it is empty,
    too long (a rambling answer) or an answer instead of a question ("The documents do not say.")."""
    for line in (text or "").strip().splitlines():
        line = re.sub(r"^\s*(?:standalone question|rewritten question|question)\s*:\s*", "", line, flags=re.I)
        line = line.strip().strip("\"'“”").strip()
        if line:
            answered = line.lower() == NOT_FOUND.lower() or not re.search(r"[^\W\d_]", line)
            return None if answered or len(line) > MAX_CHARS else line
    return None
