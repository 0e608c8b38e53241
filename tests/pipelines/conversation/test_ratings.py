"""Thumbs up/down kept with the turn of a saved conversation, and the JSONL an evaluation reads."""

from __future__ import annotations

import json
import sqlite3

import pytest

from pipelines.conversation.store import DOWN, UP, ConversationStore
from pipelines.conversation.turns import Turn
from pipelines.sources import Source


def _source(n: int, page: int) -> Source:
    return Source(n, "3M_2018_10K.pdf", "d1", page, "table", [0, 0, 1, 1], "Cash flows", "capex 1,577", 0.5,
                  crop_jpeg_b64="/9j/AAAA", document="3M COMPANY 10-K FY2018")  # fmt: skip


def test_a_rating_is_kept_with_its_turn_and_exported_with_the_conversation(tmp_path) -> None:
    store = ConversationStore(tmp_path / "c.sqlite3")
    conversation = store.create("capex")
    first = Turn("What was 3M's capex in 2018?", answer="$1,577 million [1].", citations=[1],
                 sources=[_source(1, 60), _source(2, 59)], model="llama3.2", route="text")  # fmt: skip
    second = Turn("And in 2017?", standalone="What was 3M's capex in 2017?", answer="$1,373 million [1].",
                  citations=[1], sources=[_source(1, 60)])  # fmt: skip
    store.save_turn(conversation, first)
    store.save_turn(conversation, second)
    other = store.create("unrated")
    store.save_turn(other, Turn("Anything?", answer="No."))

    store.rate(conversation, second, DOWN)
    store.rate(conversation, first, UP)
    store.rate(conversation, second, UP)  # rating again replaces it
    reopened = ConversationStore(tmp_path / "c.sqlite3").get(conversation.id)
    assert [t.rating for t in reopened.turns] == [UP, UP] and reopened.turns[1].rated_at

    rows = [json.loads(line) for line in store.export_ratings().splitlines()]
    assert [(r["conversation_id"], r["conversation"], r["turn"]) for r in rows] == [
        (conversation.id, "capex", 0),
        (conversation.id, "capex", 1),
    ]
    second_row = rows[1]
    assert second_row["question"] == "And in 2017?" and second_row["standalone"] == "What was 3M's capex in 2017?"
    assert second_row["answer"] == "$1,373 million [1]." and second_row["cited"] == [1]
    assert rows[0]["sources"] == [
        {"n": 1, "source": "3M_2018_10K.pdf", "doc_id": "d1", "page": 60, "kind": "table", "section": "Cash flows",
         "score": 0.5, "document": "3M COMPANY 10-K FY2018"},
        {"n": 2, "source": "3M_2018_10K.pdf", "doc_id": "d1", "page": 59, "kind": "table", "section": "Cash flows",
         "score": 0.5, "document": "3M COMPANY 10-K FY2018"},
    ]  # fmt: skip
    assert "crop" not in store.export_ratings()

    store.delete(conversation.id)  # the ratings go with their conversation
    assert store.ratings() == []
    with sqlite3.connect(tmp_path / "c.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM turns").fetchone() == (1,)
    with pytest.raises(ValueError, match="rating must be"):
        store.rate(other, other.turns[0], 5)
