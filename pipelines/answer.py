"""The answer to one question, as every front end receives it: the CLI, the web UI, eval and the API."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipelines.sources import Source


@dataclass
class Answer:
    """What the query pipeline answered, with the numbered sources it was given and those it cited.

    ``route`` is ``text``, ``vision`` or ``none`` (nothing relevant was found: ``answer`` says so and no model was
    asked); ``scope`` lists the documents the question named and the search was limited to (empty: all);
    ``claims`` is the figure check (see :class:`pipelines.generation.claim_checker.ClaimChecker`; after a repair,
    ``answer`` is the repaired one and ``claims["first"]`` the first); ``cut_off``: the model stopped at its token
    limit; ``standalone``: what was searched for; ``split``: in a comparison, the hits of each compared document
    (the retriever's ``split``; the sources come grouped in that order, see :meth:`groups`).
    """

    answer: str
    sources: list[Source]
    citations: list[Source]
    uncited: bool
    model: str
    route: str
    scope: list[str] = field(default_factory=list)
    dropped: list[int] = field(default_factory=list)  # cited numbers that are not among the sources
    claims: dict = field(default_factory=dict)
    cut_off: bool = False
    question: str = ""  # as asked
    standalone: str = ""  # as retrieval saw it (a follow-up made standalone)
    split: list[dict] = field(default_factory=list)

    @classmethod
    def from_outputs(cls, out: dict[str, Any]) -> Answer:
        """The answer of a query pipeline run that included the outputs of ``prompt_builder``, ``retriever`` and
        ``citations``."""
        checked, claims = out["citations"], out["claims"]
        sources = [Source.from_dict(s) for s in out["prompt_builder"]["sources"]]
        by_number = {s.n: s for s in sources}
        return cls(
            answer=claims["answer"],
            sources=sources,
            citations=[by_number[c["n"]] for c in claims["citations"] if c["n"] in by_number],
            uncited=claims["uncited"],
            model=checked["model"],
            route=out["prompt_builder"]["route"],
            scope=list(out["retriever"]["scope"]),
            dropped=list(checked["dropped"]),
            claims=claims["claims"],
            split=list(out["retriever"].get("split") or []),
        )

    def groups(self) -> list[tuple[str, list[Source]]]:
        """The sources by compared document (see :func:`source_groups`)."""
        return source_groups(self.sources, self.split)

    @property
    def cited(self) -> list[int]:
        """The numbers of the cited sources."""
        return [c.n for c in self.citations]

    def to_dict(self, *, with_crop: bool = False) -> dict[str, Any]:
        """A JSON-ready form; sources and citations without their crops unless ``with_crop``."""
        return {
            "answer": self.answer,
            "citations": [c.to_dict(with_crop=with_crop) for c in self.citations],
            "uncited": self.uncited,
            "dropped": self.dropped,
            "model": self.model,
            "claims": self.claims,
            "route": self.route,
            "sources": [s.to_dict(with_crop=with_crop) for s in self.sources],
            "scope": self.scope,
            "cut_off": self.cut_off,
            "question": self.question,
            "standalone": self.standalone,
            "split": self.split,
            "groups": [{"document": name, "sources": [s.n for s in group]} for name, group in self.groups()],
        }


def source_groups(sources: list[Source], split: list[dict]) -> list[tuple[str, list[Source]]]:
    """``sources`` grouped by the compared documents of ``split``, each group named by its documents' titles (else
    their files); without a split, one unnamed group of all of them."""
    if not split:
        return [("", list(sources))] if sources else []
    groups = []
    for group in split:
        members = [s for s in sources if s.doc_id in group.get("doc_ids", [])]
        names = [t for t in group.get("titles", []) if t] or group.get("sources", [])
        groups.append(("; ".join(names), members))
    grouped = {id(s) for _, members in groups for s in members}
    rest = [s for s in sources if id(s) not in grouped]
    return groups + ([("other documents", rest)] if rest else [])
