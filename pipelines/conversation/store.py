"""Saved conversations in a SQLite file (``DOCSIGHT_CONVERSATIONS_DB``): they survive a reload, a restart of the
UI, and are shared by the UI, ``docsight chat`` and ``docsight ask --conversation``. The thumbs up/down on an
answer is kept with its turn, and :meth:`ConversationStore.export_ratings` writes the rated turns as JSONL an
evaluation can read."""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

from pipelines.conversation.turns import Conversation, Turn

UP, DOWN = 1, -1
RATED_SOURCE_FIELDS = ("n", "source", "doc_id", "page", "kind", "section", "score", "document")

_SCHEMA = [
    """CREATE TABLE IF NOT EXISTS conversations (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        doc_ids TEXT NOT NULL,
        mode TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS turns (
        conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (conversation_id, position)
    )""",
]


class ConversationNotFoundError(LookupError):
    """No saved conversation has this id or name."""


class ConversationStore:
    """Conversations by id (names are for people: several may share one; :meth:`find` takes the newest)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        with self._connect() as db:
            for statement in _SCHEMA:
                db.execute(statement)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10)
        db.execute("PRAGMA foreign_keys = ON")
        return db

    def create(self, name: str, *, doc_ids: list[str] | None = None, mode: str = "auto") -> Conversation:
        conversation = Conversation(name=name.strip() or "New conversation", doc_ids=list(doc_ids or []), mode=mode)
        self.save_settings(conversation)
        return conversation

    def save_settings(self, conversation: Conversation) -> None:
        """Write the conversation's name, document filter and mode (its turns are saved one by one)."""
        conversation.updated_at = _now()
        row = (conversation.id, conversation.name, json.dumps(conversation.doc_ids), conversation.mode,
               conversation.created_at, conversation.updated_at)  # fmt: skip
        with self._lock, self._connect() as db:
            db.execute(
                "INSERT INTO conversations (id, name, doc_ids, mode, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET name = excluded.name, doc_ids = excluded.doc_ids, mode = excluded.mode, "
                "updated_at = excluded.updated_at",
                row,
            )

    def save_turn(self, conversation: Conversation, turn: Turn) -> None:
        """Write ``turn`` (added to the conversation if it is not in it yet) at its position; saving it again as
        its answer streams replaces it."""
        if not any(t is turn for t in conversation.turns):
            conversation.turns.append(turn)
        position = next(i for i, t in enumerate(conversation.turns) if t is turn)
        conversation.updated_at = _now()
        with self._lock, self._connect() as db:
            db.execute(
                "INSERT INTO turns (conversation_id, position, data) VALUES (?, ?, ?) "
                "ON CONFLICT(conversation_id, position) DO UPDATE SET data = excluded.data",
                (conversation.id, position, json.dumps(turn.to_dict(), ensure_ascii=False)),
            )
            db.execute(
                "UPDATE conversations SET updated_at = ? WHERE id = ?", (conversation.updated_at, conversation.id)
            )

    def rate(self, conversation: Conversation, turn: Turn, rating: int) -> None:
        """Keep the user's rating of ``turn``'s answer (``UP`` or ``DOWN``; rating again replaces it) with it."""
        if rating not in (UP, DOWN):
            raise ValueError(f"rating must be {UP} or {DOWN}, got {rating!r}")
        turn.rating, turn.rated_at = rating, _now()
        self.save_turn(conversation, turn)

    def ratings(self) -> list[dict]:
        """Every rated turn, oldest rating first: the conversation's id and name, the turn's position, the rating,
        the question (as asked and as searched), the answer, model, route, the cited source numbers and every
        source the model was given (document, page, kind, section, score; no crops)."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT t.conversation_id, c.name, t.position, t.data FROM turns t JOIN conversations c "
                "ON c.id = t.conversation_id"
            ).fetchall()
        rated = []
        for conversation_id, name, position, data in rows:
            turn = Turn.from_dict(json.loads(data))
            if not turn.rating:
                continue
            sources = [{k: s.to_dict().get(k) for k in RATED_SOURCE_FIELDS} for s in turn.sources]
            rated.append(
                {
                    "conversation_id": conversation_id,
                    "conversation": name,
                    "turn": position,
                    "rated_at": turn.rated_at,
                    "rating": turn.rating,
                    "question": turn.question,
                    "standalone": turn.standalone or turn.question,
                    "answer": turn.answer,
                    "model": turn.model,
                    "route": turn.route,
                    "cited": list(turn.citations),
                    "sources": sources,
                }
            )
        return sorted(rated, key=lambda r: r["rated_at"])

    def export_ratings(self) -> str:
        """:meth:`ratings` as JSONL, one object a line."""
        return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in self.ratings())

    def list(self) -> list[Conversation]:
        """Every conversation, most recently used first, without its turns."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT id, name, doc_ids, mode, created_at, updated_at FROM conversations ORDER BY updated_at DESC, "
                "rowid DESC"
            ).fetchall()
        return [_conversation(row) for row in rows]

    def get(self, conversation_id: str) -> Conversation:
        """:raises ConversationNotFoundError: no conversation has this id."""
        with self._connect() as db:
            row = db.execute(
                "SELECT id, name, doc_ids, mode, created_at, updated_at FROM conversations WHERE id = ?",
                (conversation_id,),
            ).fetchone()
            if row is None:
                raise ConversationNotFoundError(f"no saved conversation has the id {conversation_id!r}")
            turns = db.execute(
                "SELECT data FROM turns WHERE conversation_id = ? ORDER BY position", (conversation_id,)
            ).fetchall()
        conversation = _conversation(row)
        conversation.turns = [Turn.from_dict(json.loads(data)) for (data,) in turns]
        return conversation

    def find(self, name_or_id: str) -> Conversation:
        """The conversation with this id, else the newest with this name.

        :raises ConversationNotFoundError: none has it.
        """
        for conversation in self.list():
            if name_or_id in (conversation.id, conversation.name):
                return self.get(conversation.id)
        raise ConversationNotFoundError(f"no saved conversation is named {name_or_id!r}")

    def open_or_create(self, name: str) -> Conversation:
        try:
            return self.find(name)
        except ConversationNotFoundError:
            return self.create(name)

    def rename(self, conversation: Conversation, name: str) -> None:
        conversation.name = name.strip() or conversation.name
        self.save_settings(conversation)

    def delete(self, conversation_id: str) -> None:
        with self._lock, self._connect() as db:
            db.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _conversation(row) -> Conversation:
    conversation_id, name, doc_ids, mode, created_at, updated_at = row
    return Conversation(
        name=name, id=conversation_id, doc_ids=json.loads(doc_ids), mode=mode, created_at=created_at,
        updated_at=updated_at,
    )  # fmt: skip
