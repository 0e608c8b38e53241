"""Thumbs up/down on answers, kept in a SQLite file (``DOCSIGHT_FEEDBACK_DB``) across sessions and restarts, and
exported as JSONL an evaluation can read: one object per rating with the question, the answer, the model, and the
cited and retrieved sources (document, page, kind; no crops).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

UP, DOWN = 1, -1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    answer_id TEXT NOT NULL UNIQUE,
    rated_at TEXT NOT NULL,
    rating INTEGER NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    model TEXT NOT NULL,
    route TEXT NOT NULL,
    cited TEXT NOT NULL,
    sources TEXT NOT NULL
)
"""


class FeedbackStore:
    """Ratings by answer id: rating an answer again replaces its rating."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        with self._connect() as db:
            db.execute(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10)

    def rate(self, answer_id: str, rating: int, *, question: str, answer: str, model: str, route: str,
             cited: list[int], sources: list[dict]) -> None:  # fmt: skip
        if rating not in (UP, DOWN):
            raise ValueError(f"rating must be {UP} or {DOWN}, got {rating!r}")
        listed = [{k: s.get(k) for k in ("n", "source", "doc_id", "page", "kind", "section", "score")} for s in sources]
        row = (
            answer_id,
            datetime.now(UTC).isoformat(timespec="seconds"),
            rating,
            question,
            answer,
            model,
            route,
            json.dumps(cited),
            json.dumps(listed),
        )
        with self._lock, self._connect() as db:
            db.execute(
                "INSERT INTO feedback (answer_id, rated_at, rating, question, answer, model, route, cited, sources) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(answer_id) DO UPDATE SET rating = excluded.rating, "
                "rated_at = excluded.rated_at",
                row,
            )

    def rating(self, answer_id: str) -> int | None:
        with self._connect() as db:
            found = db.execute("SELECT rating FROM feedback WHERE answer_id = ?", (answer_id,)).fetchone()
        return None if found is None else found[0]

    def rows(self) -> list[dict]:
        with self._connect() as db:
            db.row_factory = sqlite3.Row
            rows = db.execute("SELECT * FROM feedback ORDER BY id").fetchall()
        out = []
        for row in rows:
            item = dict(row)
            item.pop("id")
            item["cited"], item["sources"] = json.loads(item["cited"]), json.loads(item["sources"])
            out.append(item)
        return out

    def export_jsonl(self) -> str:
        return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in self.rows())
