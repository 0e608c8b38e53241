"""A comparison's prompt: sources under one heading per compared document, and a prompt too long for the context
loses sources from the largest group first, so every compared document keeps sources the answer can cite."""

from __future__ import annotations

from haystack import Document

from pipelines.generation.answer_prompt_builder import AnswerPromptBuilder

QUESTION = "Compare the capital expenditure of 3M and Amcor"
SPLIT = [
    {"doc_ids": ["mmm"], "sources": ["a.pdf"], "titles": ["3M COMPANY 10-K FY2018"], "hits": 6},
    {"doc_ids": ["amcor"], "sources": ["b.pdf"], "titles": [""], "hits": 2},
]


def _documents() -> list[Document]:
    text = "capital expenditure purchases of property plant and equipment " * 40
    docs = [(doc_id, source) for doc_id, source, n in (("mmm", "a.pdf", 6), ("amcor", "b.pdf", 2)) for _ in range(n)]
    return [
        Document(content=f"{text} {i}", meta={"doc_id": d, "source": s, "page": i + 1, "kind": "text"})
        for i, (d, s) in enumerate(docs)
    ]


def test_sources_are_listed_under_their_documents() -> None:
    out = AnswerPromptBuilder().run(question=QUESTION, documents=_documents(), split=SPLIT, mode="text")
    prompt = out["text_messages"][-1].text
    first, second = prompt.index("Sources from 3M COMPANY 10-K FY2018:"), prompt.index("Sources from b.pdf:")
    assert first < prompt.index("[1] (a.pdf") < prompt.index("[6] (a.pdf") < second < prompt.index("[7] (b.pdf")
    assert [s["n"] for s in out["sources"]] == list(range(1, 9))


def test_a_prompt_too_long_drops_sources_of_the_largest_group_first() -> None:
    builder = AnswerPromptBuilder(max_context=4096)
    out = builder.run(question=QUESTION, documents=_documents(), split=SPLIT, mode="text")
    kept = out["sources"]
    assert 2 < len(kept) < 8
    # both of Amcor's sources are kept, renumbered after 3M's
    assert [s["source"] for s in kept][-2:] == ["b.pdf", "b.pdf"]
    assert [s["n"] for s in kept] == list(range(1, len(kept) + 1))
    prompt = out["text_messages"][-1].text
    assert f"[{len(kept)}] (b.pdf" in prompt and "Sources from b.pdf:" in prompt
    without_split = builder.run(question=QUESTION, documents=_documents(), mode="text")["sources"]
    assert "b.pdf" not in {s["source"] for s in without_split}  # from the end: Amcor would be gone
