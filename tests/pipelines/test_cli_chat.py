"""``docsight chat`` and ``docsight ask --conversation``, run as a user runs them against the Ollama test server:
follow-ups searched as standalone questions, turns saved, Ctrl-C stopping the answer and not the program."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time

import pytest

from pipelines.conversation.store import ConversationStore
from tests.conftest import REPO
from tests.support.named_store import NICS, NICS_CORPUS, ingest_named
from tests.support.ollama_server import FakeOllama

FIRST = "How many handgun background checks did NICS record for Alabama in 2015?"


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = tmp_path_factory.mktemp("chat")
    ingest_named(root, {NICS: NICS_CORPUS})
    return root


def _env(root, url: str, db: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCSIGHT_")}
    env.update(DOCSIGHT_QDRANT_PATH=str(root / "q"), DOCSIGHT_OLLAMA_URL=url, DOCSIGHT_CONVERSATIONS_DB=str(root / db))
    return env


def _docsight(*args: str, env: dict, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args],
        input=stdin, capture_output=True, text=True, cwd=REPO, env=env, timeout=300,
    )  # fmt: skip


def test_chat_answers_follow_ups_and_ask_continues_the_saved_conversation(root) -> None:
    with FakeOllama() as server:
        env = _env(root, server.url, "chat.sqlite3")
        chat = _docsight(
            "chat", "--conversation", "checks", "--mode", "text",
            stdin=f"{FIRST}\nAnd in 2016?\n/history\n/quit\n", env=env,
        )  # fmt: skip
        assert chat.returncode == 0, chat.stderr
        assert f"{NICS}, page 1" in chat.stdout
        standalone = FIRST.replace("2015", "2016")
        assert f"(searched for: {standalone})" in chat.stderr
        assert f"you: {FIRST}" in chat.stdout and "you: And in 2016?" in chat.stdout  # /history
        asked = _docsight("ask", "--conversation", "checks", "--mode", "text", "--json", "And in 2014?", env=env)
        assert asked.returncode == 0, asked.stderr
        chats = server.chats()
    payload = json.loads(asked.stdout)
    assert payload["question"] == "And in 2014?" and payload["standalone"] == FIRST.replace("2015", "2014")
    assert payload["citations"] and payload["citations"][0]["source"] == NICS
    # the last answer request carried the two earlier turns
    roles = [m["role"] for m in chats[-1]["messages"]]
    assert roles == ["system", "user", "assistant", "user", "assistant", "user"]
    [conversation] = ConversationStore(root / "chat.sqlite3").list()
    saved = ConversationStore(root / "chat.sqlite3").get(conversation.id)
    assert conversation.name == "checks" and conversation.mode == "text"
    assert [t.question for t in saved.turns] == [FIRST, "And in 2016?", "And in 2014?"]
    assert all(t.complete and t.citations for t in saved.turns)


def _read_until(proc: subprocess.Popen, done, *, deadline: float) -> tuple[str, str]:
    """What the chat printed on stdout and stderr until ``done(stdout, stderr)`` holds, the deadline passes or both
    streams close: the test waits for what the user would see, not for a fixed time."""
    got = {proc.stdout.fileno(): b"", proc.stderr.fileno(): b""}
    open_fds = list(got)
    out, err = proc.stdout.fileno(), proc.stderr.fileno()
    while open_fds and not done(got[out].decode(errors="replace"), got[err].decode(errors="replace")):
        if time.monotonic() > deadline:
            break
        ready, _, _ = select.select(open_fds, [], [], 0.2)
        for fd in ready:
            chunk = os.read(fd, 4096)
            if not chunk:
                open_fds.remove(fd)
            got[fd] += chunk
    return got[out].decode(errors="replace"), got[err].decode(errors="replace")


def _default_sigint() -> None:
    """In the chat process before it starts: Ctrl-C as a terminal's shell gives it (a SIGINT ignored or blocked
    in the test process would be inherited, and the chat would never see the Ctrl-C)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


STOPPED = "(stopped; the answer so far is saved)"


def test_ctrl_c_stops_the_answer_not_the_chat(root) -> None:
    with FakeOllama(stall_after=3, delay_s=60) as server:  # the answer stops streaming after three pieces
        proc = subprocess.Popen(
            [sys.executable, "-m", "pipelines.cli", "chat", "--mode", "text"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
            env=_env(root, server.url, "stopped.sqlite3"), preexec_fn=_default_sigint,
        )  # fmt: skip
        proc.stdin.write(FIRST + "\n")
        proc.stdin.flush()
        # Ctrl-C once the answer's first pieces are on the screen and the model has paused: mid-answer however
        # slowly the chat started (the "> " prompt, then two words)
        out1, err1 = _read_until(
            proc, lambda out, _: len(out.split()) >= 3 and server.stalled.is_set(), deadline=time.monotonic() + 240
        )
        assert server.stalled.is_set() and len(out1.split()) >= 3, (out1, err1)
        proc.send_signal(signal.SIGINT)
        out2, err2 = _read_until(proc, lambda _, err: STOPPED in err1 + err, deadline=time.monotonic() + 120)
        out3, err3 = proc.communicate("/quit\n", timeout=120)  # the chat goes on: it reads the next command
        out, err = out1 + out2 + out3, err1 + err2 + err3
    assert proc.returncode == 0, err
    assert STOPPED in err, (out, err)
    [conversation] = ConversationStore(root / "stopped.sqlite3").list()
    (turn,) = ConversationStore(root / "stopped.sqlite3").get(conversation.id).turns
    assert turn.question == FIRST and not turn.complete and turn.answer and turn.sources
    assert turn.answer in out  # what was printed is what was saved
