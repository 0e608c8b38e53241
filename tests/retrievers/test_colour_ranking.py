"""A question that names chart colours ranks the images drawn in them, most of the drawing first (the ranking
joins the fusion; the retriever's other rankings are unchanged)."""

from pathlib import Path

import pytest
from haystack import Document
from haystack.dataclasses import SparseEmbedding

from retrievers.document_writer import DocsightDocumentWriter
from retrievers.hybrid_retriever import DocsightHybridRetriever
from retrievers.store import StoreConfig, open_document_store
from tests.support.qdrant_recorder import QdrantRecorder

QUERY = {"query_embedding": [1.0, 0.0, 0.0, 0.0], "query_sparse_embedding": SparseEmbedding([1], [1.0])}


def _chart(name: str, colours: dict[str, float] | None, nearness: float, *, shares: bool = True) -> Document:
    """An image's page chunk; ``nearness`` orders the dense (and sparse) rankings, nearest first."""
    meta = {"doc_id": name, "source": f"{name}.png", "path": f"/in/{name}.png", "page": 1, "pages": 1}
    meta |= {"kind": "page", "mime_type": "image/png", "bbox": [0, 0, 1, 1]}
    if colours:
        meta["colours"] = list(colours)
        if shares:
            meta["colour_shares"] = list(colours.values())
    return Document(
        id=f"{name:0>32}"[-32:].replace("r", "0"),
        content=f"chart {name}",
        meta=meta,
        embedding=[1.0, 1.0 - nearness, 0.0, 0.0],
        sparse_embedding=SparseEmbedding(indices=[1], values=[nearness]),
    )


@pytest.fixture
def retriever(tmp_path: Path):
    store = open_document_store(StoreConfig(collection="c", embedding_model="m", embedding_dim=4, path=str(tmp_path)))
    charts = [
        _chart("a1", {"teal green": 0.6, "black": 0.3}, 0.9),
        _chart("b2", {"teal green": 0.4, "dark yellow": 0.3, "light yellow": 0.1}, 0.3),
        _chart("c3", {"dark yellow": 0.95}, 0.85),
        _chart("d4", None, 0.8),
    ]
    for chart in charts:
        DocsightDocumentWriter(document_store=store).run(documents=[chart])
    yield DocsightHybridRetriever(document_store=store)
    store.close()


def _order(retriever, **runtime) -> list[str]:
    return [d.meta["doc_id"] for d in retriever.run(**QUERY, top_k=4, **runtime)["documents"]]


def test_the_image_where_the_named_colour_covers_most_comes_first(retriever) -> None:
    assert _order(retriever) == ["a1", "c3", "d4", "b2"]  # no colour named: dense and sparse alone
    assert _order(retriever, colours=["dark yellow"]) == ["c3", "a1", "b2", "d4"]
    index = retriever.document_store.hybrid_search.index
    ranking = index.colour_search(QUERY["query_embedding"], ["dark yellow"], None, 10)
    assert [(p.score) for p in ranking] == pytest.approx([0.95, 0.3])
    # a family ("yellow"): the shares of its names add up, b2 (0.4) below c3 (0.95) although nearer
    family = index.colour_search(QUERY["query_embedding"], ["yellow", "dark yellow", "light yellow"], None, 10)
    assert [p.score for p in family] == pytest.approx([0.95, 0.4])


def test_a_colour_no_image_is_drawn_in_changes_nothing(retriever) -> None:
    assert _order(retriever, colours=["purple"]) == _order(retriever)


def test_weight_zero_turns_colour_routing_off(retriever) -> None:
    retriever.colour_weight = 0.0
    assert _order(retriever, colours=["dark yellow"]) == _order(retriever)


def test_images_stored_without_shares_share_the_drawing_equally(tmp_path: Path) -> None:
    store = open_document_store(StoreConfig(collection="c", embedding_model="m", embedding_dim=4, path=str(tmp_path)))
    writer = DocsightDocumentWriter(document_store=store)
    writer.run(documents=[_chart("a1", {"red": 0.5, "black": 0.5, "grey": 0.0}, 0.9, shares=False)])
    writer.run(documents=[_chart("b2", {"red": 0.5}, 0.1, shares=False)])
    DocsightHybridRetriever(document_store=store).run(**QUERY, colours=["red"])  # loads the index
    ranking = store.hybrid_search.index.colour_search(QUERY["query_embedding"], ["red"], None, 10)
    assert [p.score for p in ranking] == pytest.approx([1.0, 1 / 3])
    store.close()


def test_on_a_server_the_rankings_are_fetched_in_one_batch_with_the_coloured_images() -> None:
    with QdrantRecorder() as server:
        store = open_document_store(StoreConfig(collection="c", embedding_model="m", embedding_dim=4, url=server.url))
        found = DocsightHybridRetriever(document_store=store).run(**QUERY, colours=["dark yellow"])["documents"]
        store.close()
    assert found == []
    batch = next(b for m, p, _, b in server.requests if p.startswith("/collections/c/points/query/batch"))
    sparse, dense, coloured = batch["searches"]
    assert (sparse["using"], dense["using"], coloured["using"]) == ("text-sparse", "text-dense", "text-dense")
    assert {"key": "meta.colours", "match": {"value": "dark yellow"}} in _conditions(coloured["filter"])
    assert not any(p.endswith("/points/query") for _, p, _, _ in server.requests)


def _conditions(flt: dict) -> list[dict]:
    found = []
    for key in ("must", "should"):
        for item in flt.get(key) or []:
            found += _conditions(item) if any(k in item for k in ("must", "should")) else [item]
    return found
