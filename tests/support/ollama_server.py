"""A real HTTP server speaking Ollama's API, for tests: deterministic answers, every request recorded.

Endpoints: ``GET /api/version``, ``GET /api/tags``, ``POST /api/show``, ``POST /api/embed``, ``POST /api/chat``
(streamed as NDJSON or not). Chat answers are computed from the prompt: the numbered source that shares the most
words with the question is quoted and cited, e.g. "Net sales were ... [2]." Like Ollama, the server refuses unknown
models (404) and a vision request with more than one image in a message (400). An optional ``answer_fn`` replaces
the answering rule (e.g. a real small language model).
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import math
import re
import socket
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from tests.support.http_server import LoopbackServer, QuietHandler

_SOURCE = re.compile(
    r"^\[(\d+)\] \(([^)]*)\)\n(.*?)(?=\n\n\[\d+\] \(|\n\nThe attached image|\n\nQuestion:)", re.S | re.M
)
_WORD = re.compile(r"[a-z0-9]+")
_STOP = {
    "the",
    "a",
    "an",
    "of",
    "in",
    "on",
    "for",
    "to",
    "and",
    "or",
    "is",
    "was",
    "what",
    "which",
    "how",
    "did",
    "does",
    "with",
    "by",
    "as",
    "at",
    "from",
    "its",
    "it",
    "be",
    "are",
    "were",
    "that",
    "this",
}


def words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP}


def deterministic_answer(prompt: str) -> str:
    """Cite the source that shares the most words with the question, quoting its first sentence."""
    question = prompt.rsplit("Question:", 1)[-1].split("\n")[0]
    sources = [(int(n), body.strip()) for n, _, body in _SOURCE.findall(prompt)]
    if not sources:
        return "The documents do not say."
    wanted = words(question)
    n, body = max(sources, key=lambda s: (len(wanted & words(s[1])), -s[0]))
    first = re.split(r"(?<=[.!?])\s", " ".join(body.split()), maxsplit=1)[0][:300]
    return f"According to the documents, {first.rstrip('.')} [{n}]."


def hashed_embedding(text: str, dim: int = 768) -> list[float]:
    """Bag of hashed words: texts that share words get similar vectors."""
    vector = [0.0] * dim
    for word in _WORD.findall(text.lower()):
        vector[int(hashlib.md5(word.encode()).hexdigest(), 16) % dim] += 1.0
    norm = math.sqrt(sum(v * v for v in vector)) or 1.0
    return [v / norm for v in vector]


class FakeOllama(LoopbackServer):
    """Start with ``with FakeOllama(models=[...]) as server:``; ``server.url``, ``server.requests``."""

    def __init__(
        self,
        models: list[str] | None = None,
        vision_models: list[str] | None = None,
        answer_fn: Callable[[str, dict], str] | None = None,
        delay_s: float = 0.0,
        api_key: str | None = None,
        cut_after: int | None = None,
        stall_after: int | None = None,
        trickle_s: float | None = None,
        endless: bool = False,
    ) -> None:
        """
        :param delay_s: seconds before a chat answer starts (a slow model); with ``stall_after``, the pause after
            that many streamed pieces instead (a model that stops mid-answer).
        :param cut_after: close the connection after streaming this many pieces (Ollama dying mid-answer).
        :param trickle_s: send every response one byte at a time, this many seconds apart (a server that never
            trips a per-read timeout).
        :param endless: a streamed answer never ends by itself (a model that rambles): it repeats until the
            request's ``options.num_predict`` pieces have been sent, as Ollama stops at ``num_predict`` tokens
            (``done_reason: "length"``). Like Ollama, the server always honours ``num_predict``.
        """
        self.vision_models = set(vision_models or ["llama3.2-vision:11b"])
        self.models = list(models or ["llama3.2:3b", "nomic-embed-text:latest"]) + sorted(self.vision_models)
        self.answer_fn = answer_fn
        self.delay_s = delay_s
        self.cut_after, self.stall_after = cut_after, stall_after
        self.stalled = threading.Event()  # set when an answer has streamed ``stall_after`` pieces and pauses
        self.trickle_s, self.endless = trickle_s, endless
        self.api_key = api_key  # when set, like an authenticating proxy: 401 without "Authorization: Bearer <key>"
        self.requests: list[tuple[str, dict]] = []
        self.authorizations: list[str | None] = []
        self._lock = threading.Lock()
        super().__init__()

    def chats(self) -> list[dict]:
        return [body for path, body in self.requests if path == "/api/chat"]

    def _known(self, name: str) -> bool:
        return name in self.models or f"{name}:latest" in self.models

    def _handler(self):
        server = self

        class Handler(QuietHandler):
            def handle(self) -> None:
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up (deadline)
                    super().handle()

            def _send(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self._write(data)

            def _write(self, data: bytes) -> None:
                if server.trickle_s is None:
                    self.wfile.write(data)
                    return
                for i in range(len(data)):
                    self.wfile.write(data[i : i + 1])
                    self.wfile.flush()
                    time.sleep(server.trickle_s)

            def _record(self, body: dict) -> bool:
                """Record the request; False (after answering 401) when the API key is required and wrong."""
                with server._lock:
                    server.requests.append((self.path, body))
                    server.authorizations.append(self.headers.get("Authorization"))
                if server.api_key and self.headers.get("Authorization") != f"Bearer {server.api_key}":
                    self._send(401, {"error": "unauthorized"})
                    return False
                return True

            def do_GET(self) -> None:
                if not self._record({}):
                    return
                if self.path == "/api/version":
                    self._send(200, {"version": "0.6.3-docsight-test"})
                elif self.path == "/api/tags":
                    models = [
                        {
                            "name": m,
                            "model": m,
                            "size": 1,
                            "digest": hashlib.sha256(m.encode()).hexdigest(),
                            "modified_at": "2026-11-01T00:00:00Z",
                            "details": {"family": "llama"},
                        }
                        for m in server.models
                    ]
                    self._send(200, {"models": models})
                else:
                    self._send(404, {"error": "not found"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                if not self._record(body):
                    return
                model = body.get("model", "")
                if self.path in ("/api/chat", "/api/embed", "/api/show") and not server._known(model):
                    self._send(404, {"error": f'model "{model}" not found, try pulling it first'})
                elif self.path == "/api/show":
                    self._send(
                        200,
                        {
                            "modelfile": f"FROM {model}",
                            "details": {"family": "llama"},
                            "model_info": {"general.architecture": "llama"},
                            "capabilities": ["completion"],
                        },
                    )
                elif self.path == "/api/embed":
                    inputs = body.get("input", [])
                    inputs = [inputs] if isinstance(inputs, str) else inputs
                    self._send(200, {"model": model, "embeddings": [hashed_embedding(t) for t in inputs]})
                elif self.path == "/api/chat":
                    self._chat(model, body)
                else:
                    self._send(404, {"error": "not found"})

            def _chat(self, model: str, body: dict) -> None:
                messages = body.get("messages", [])
                if model in server.vision_models and any(len(m.get("images") or []) > 1 for m in messages):
                    self._send(400, {"error": "vision model only supports a single image per message"})
                    return
                if model not in server.vision_models and any(m.get("images") for m in messages):
                    self._send(400, {"error": f"model {model} does not support images"})
                    return
                prompt = "\n".join(m.get("content", "") for m in messages if m.get("role") == "user")
                if server.stall_after is None:
                    time.sleep(server.delay_s)
                answer = (server.answer_fn or (lambda p, b: deterministic_answer(p)))(prompt, body)
                created = datetime.now(UTC).isoformat()
                final = {
                    "model": model,
                    "created_at": created,
                    "done": True,
                    "done_reason": "stop",
                    "total_duration": 1_000_000,
                    "prompt_eval_count": len(prompt) // 4,
                    "eval_count": len(answer.split()),
                }
                if body.get("stream", True) is False:
                    self._send(200, {**final, "message": {"role": "assistant", "content": answer}})
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/x-ndjson")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                pieces = re.findall(r"\S+\s*", answer)
                limit = (body.get("options") or {}).get("num_predict")
                if server.endless:
                    pieces = itertools.cycle(pieces)
                if isinstance(limit, int) and limit > 0:
                    pieces = itertools.islice(pieces, limit + 1)
                for i, piece in enumerate(pieces):
                    if isinstance(limit, int) and i == limit > 0:
                        final["done_reason"] = "length"
                        break
                    if i == server.cut_after:
                        self.close_connection = True
                        self.connection.shutdown(socket.SHUT_RDWR)  # no final chunk, no end of the stream
                        return
                    if i == server.stall_after:
                        server.stalled.set()
                        time.sleep(server.delay_s)
                    if server.endless:
                        time.sleep(0.02)
                    self._chunk(
                        {
                            "model": model,
                            "created_at": created,
                            "message": {"role": "assistant", "content": piece},
                            "done": False,
                        }
                    )
                self._chunk({**final, "message": {"role": "assistant", "content": ""}})
                self.wfile.write(b"0\r\n\r\n")

            def _chunk(self, obj: dict) -> None:
                data = json.dumps(obj).encode() + b"\n"
                self._write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                self.wfile.flush()

        return Handler
