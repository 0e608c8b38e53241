"""A conversation and its turns: what is saved, what the next question inherits, what the answer prompt recalls."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import uuid4

from pipelines.answer import Answer
from pipelines.conversation.followup import TurnContext
from pipelines.sources import Source


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class Turn:
    """One question of a conversation and what answered it.

    ``sources`` are every source the model was given (crops left out: they are read again from the store);
    ``doc_ids``/``years`` what the question was about, for the next one to inherit; ``rewrite`` how the standalone
    question was made (``none``, ``rules``, ``model``); ``complete`` is False while the answer streams and for an
    answer that was stopped.
    """

    question: str
    standalone: str = ""
    answer: str = ""
    citations: list[int] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    model: str = ""
    route: str = ""
    mode: str = "auto"
    scope: list[str] = field(default_factory=list)
    split: list[dict] = field(default_factory=list)  # a comparison's hits per document (see Answer.split)
    doc_ids: list[str] = field(default_factory=list)
    years: list[str] = field(default_factory=list)
    rewrite: str = "none"
    uncited: bool = False
    claims: dict = field(default_factory=dict)
    notice: str = ""
    seconds: float = 0.0
    cut_off: bool = False  # the model stopped at its token limit
    complete: bool = True
    created_at: str = field(default_factory=_now)
    answer_id: str = field(default_factory=lambda: uuid4().hex)
    rating: int = 0
    rated_at: str = ""

    @property
    def searched_for(self) -> str:
        """The standalone question when it differs from the question asked ("searched for: ..."), else ""."""
        return self.standalone if self.standalone and self.standalone != self.question else ""

    def to_answer(self) -> Answer:
        """The turn as the answer every front end prints."""
        by_number = {s.n: s for s in self.sources}
        return Answer(
            answer=self.answer,
            sources=list(self.sources),
            citations=[by_number[n] for n in self.citations if n in by_number],
            uncited=self.uncited,
            model=self.model,
            route=self.route,
            scope=list(self.scope),
            claims=self.claims,
            cut_off=self.cut_off,
            question=self.question,
            standalone=self.standalone or self.question,
            split=list(self.split),
        )

    def to_dict(self) -> dict:
        data = dataclasses.asdict(self)
        data["sources"] = [s.to_dict(with_crop=False) for s in self.sources]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Turn:
        known = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["sources"] = [Source.from_dict(s) for s in data.get("sources", [])]
        return cls(**values)


@dataclass
class Conversation:
    """A named conversation; ``doc_ids`` and ``mode`` are its document filter and model mode."""

    name: str
    id: str = field(default_factory=lambda: uuid4().hex)
    turns: list[Turn] = field(default_factory=list)
    doc_ids: list[str] = field(default_factory=list)
    mode: str = "auto"
    created_at: str = field(default_factory=_now)
    updated_at: str = field(default_factory=_now)

    def context(self) -> TurnContext | None:
        """What the next question inherits: the last answered turn's standalone question, documents and years."""
        for turn in reversed(self.turns):
            if turn.standalone or turn.question:
                return TurnContext(turn.standalone or turn.question, list(turn.doc_ids), list(turn.years))
        return None

    def history(self, turns: int) -> list[dict[str, str]]:
        """The last ``turns`` turns as the answer prompt recalls them: question (as retrieval saw it) and answer."""
        recent = [t for t in self.turns if t.answer][-turns:] if turns > 0 else []
        return [{"question": t.standalone or t.question, "answer": t.answer} for t in recent]

    def earlier_questions(self, turns: int) -> list[str]:
        return [t.standalone or t.question for t in self.turns][-turns:] if turns > 0 else []

    def markdown(self) -> str:
        """The conversation as Markdown, each answer followed by its citations (document, page)."""
        lines = [f"# {self.name}", ""]
        for turn in self.turns:
            lines += [f"## {turn.question}", ""]
            if turn.searched_for:
                lines += [f"*Searched for: {turn.searched_for}*", ""]
            lines += [turn.answer or turn.notice or "(no answer)", ""]
            by_number = {s.n: s for s in turn.sources}
            cited = [by_number[n] for n in turn.citations if n in by_number]
            if cited:
                lines += ["Sources:", ""]
                lines += [f"- [{s.n}] {s.source}, page {s.page}" for s in cited]
                lines.append("")
        return "\n".join(lines)
