"""The chat of one browser session: questions, answers, their sources, kept in ``st.session_state``."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import uuid4

from pipelines.sources import Source


@dataclass
class Turn:
    question: str
    answer: str = ""
    sources: list[Source] = field(default_factory=list)  # numbered sources given to the model (with crops)
    cited: list[int] = field(default_factory=list)
    route: str = ""
    model: str = ""
    uncited: bool = False
    notice: str = ""  # why the answer is retrieval-only, or what went wrong
    scope: list[str] = field(default_factory=list)  # documents the question named (the search was limited to them)
    seconds: float = 0.0
    claims: dict = field(default_factory=dict)  # the figure checks of the answer (pipelines.generation.claims)
    answer_id: str = field(default_factory=lambda: uuid4().hex)  # what a thumbs up/down is stored under


@dataclass
class ChatHistory:
    turns: list[Turn] = field(default_factory=list)

    def add(self, turn: Turn) -> int:
        self.turns.append(turn)
        return len(self.turns) - 1

    def clear(self) -> None:
        self.turns.clear()
