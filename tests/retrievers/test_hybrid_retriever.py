"""The hybrid retriever in one long-lived process (the web UI): fresh after every commit and delete, and safe to
call from several threads while another thread writes."""

import threading
from pathlib import Path

import pytest
from haystack.dataclasses import SparseEmbedding

from retrievers.document_writer import DocsightDocumentWriter
from retrievers.hybrid_retriever import DocsightHybridRetriever
from retrievers.store import open_document_store
from tests.retrievers.test_store_and_registry import _chunks, _config

QUERY = {"query_embedding": [1.0, 0.0, 0.5, 0.25], "query_sparse_embedding": SparseEmbedding([1], [1.0])}


@pytest.fixture
def embedded(tmp_path: Path):
    """An embedded store with its registry, a writer and a retriever sharing it (as the web UI's process does)."""
    store = open_document_store(_config(tmp_path))
    registry = store.registry
    yield store, registry, DocsightDocumentWriter(document_store=store), DocsightHybridRetriever(document_store=store)
    store.close()


def _doc_ids(retriever: DocsightHybridRetriever) -> set[str]:
    return {d.meta["doc_id"] for d in retriever.run(**QUERY, top_k=50)["documents"]}


def test_a_document_committed_after_the_index_was_loaded_is_found(embedded) -> None:
    _, registry, writer, retriever = embedded
    writer.run(documents=_chunks("a", 3, path="/data/a.pdf"))
    assert _doc_ids(retriever) == {"a"}

    # hidden chunks are written, the index reloads with them invisible, then the commit flips them: no new points
    chunks = _chunks("b", 3, path="/data/b.pdf")
    original_commit = registry.commit

    def commit_after_a_query(record):
        assert _doc_ids(retriever) == {"a"}
        return original_commit(record)

    writer.registry.commit = commit_after_a_query
    writer.run(documents=chunks)
    assert _doc_ids(retriever) == {"a", "b"}


def test_delete_then_write_of_as_many_points_is_seen(embedded) -> None:
    _, registry, writer, retriever = embedded
    writer.run(documents=_chunks("a", 3, path="/data/a.pdf"))
    assert _doc_ids(retriever) == {"a"}
    registry.delete("a")
    writer.run(documents=_chunks("c", 3, path="/data/c.pdf"))
    assert _doc_ids(retriever) == {"c"}


def test_a_commit_loads_only_the_new_documents_points_and_a_re_ingest_replaces_them(embedded) -> None:
    store, registry, writer, retriever = embedded
    writer.run(documents=_chunks("a", 40, path="/data/a.pdf"))
    assert _doc_ids(retriever) == {"a"}
    index = store.hybrid_search.index
    reads: list[int | None] = []  # ids asked for per read (None: the whole collection)
    original_read = index._read
    index._read = lambda ids: reads.append(None if ids is None else len(ids)) or original_read(ids)
    try:
        writer.run(documents=_chunks("b", 3, path="/data/b.pdf"))
        assert _doc_ids(retriever) == {"a", "b"}
        # b's 3 points read by id; the collection is not read again
        assert reads == [3]
        assert len(index._ids) == 43
        # the same document ingested again (new version of its record): its old rows are replaced, not duplicated
        registry.delete("b")
        writer.run(documents=_chunks("b", 2, path="/data/b.pdf"))
        assert _doc_ids(retriever) == {"a", "b"} and len(index._ids) == 42
    finally:
        index._read = original_read


def test_queries_in_threads_while_another_thread_writes(embedded) -> None:
    _, _, writer, retriever = embedded
    writer.run(documents=_chunks("seed", 5, path="/data/seed.pdf"))
    errors: list[BaseException] = []
    done = threading.Event()

    def write() -> None:
        try:
            for i in range(15):
                writer.run(documents=_chunks(f"d{i}", 40, path=f"/data/d{i}.pdf"))
        except BaseException as exc:
            errors.append(exc)
        finally:
            done.set()

    def query() -> None:
        try:
            while not done.is_set():
                assert "seed" in _doc_ids(retriever)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write)] + [threading.Thread(target=query) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    assert _doc_ids(retriever) >= {f"d{i}" for i in range(15)}


def test_a_question_naming_a_document_is_searched_in_it(embedded) -> None:
    store, _, writer, retriever = embedded
    writer.run(documents=_chunks("nike", 3, path="/data/NIKE_2019_10K.pdf"))
    writer.run(documents=_chunks("mmm", 3, path="/data/3M_2018_10K.pdf"))
    out = retriever.run(**QUERY, top_k=50, query="What was 3M's capital expenditure in FY2018?")
    assert {d.meta["doc_id"] for d in out["documents"]} == {"mmm"} and out["scope"] == ["3M_2018_10K.pdf"]
    unnamed = retriever.run(**QUERY, top_k=50, query="What was the capital expenditure?")
    assert {d.meta["doc_id"] for d in unnamed["documents"]} == {"nike", "mmm"} and unnamed["scope"] == []
    chosen = {"field": "meta.doc_id", "operator": "in", "value": ["nike"]}  # the user's choice wins
    out = retriever.run(**QUERY, top_k=50, query="3M capex", filters=chosen)
    assert {d.meta["doc_id"] for d in out["documents"]} == {"nike"}
    out = retriever.run(**QUERY, top_k=50, query="3M capex", doc_ids=["nike"])
    assert {d.meta["doc_id"] for d in out["documents"]} == {"nike"}
    off = DocsightHybridRetriever(document_store=store, top_k=10, scope_by_name=False)
    assert {d.meta["doc_id"] for d in off.run(**QUERY, top_k=50, query="3M capex")["documents"]} == {"nike", "mmm"}


def test_the_second_chart_of_the_chosen_documents(embedded) -> None:
    _, _, writer, retriever = embedded
    for name in ("a", "b", "c"):
        writer.run(documents=_chunks(name, 2, path=f"/charts/{name}.png"))
    chosen = ["c", "a"]  # the user's order
    out = retriever.run(**QUERY, top_k=50, doc_ids=chosen, query="What is the tick spacing in the second chart?")
    assert {d.meta["doc_id"] for d in out["documents"]} == {"a"} and out["scope"] == ["a.png"]
    out = retriever.run(**QUERY, top_k=50, doc_ids=chosen, query="Which chart is highest?")
    assert {d.meta["doc_id"] for d in out["documents"]} == {"a", "c"} and out["scope"] == []


def test_a_comparison_gives_each_named_document_its_share_of_the_hits(embedded) -> None:
    _, _, writer, retriever = embedded
    big = _chunks("mmm", 30, path="/data/3M_2018_10K.pdf")
    for chunk in big:  # every chunk of the long filing matches the query better than any of the short one
        chunk.embedding = list(QUERY["query_embedding"])
    writer.run(documents=big)
    small = _chunks("amcor", 3, path="/data/AMCOR_2023_10K.pdf")
    for chunk in small:
        chunk.embedding, chunk.sparse_embedding = [0.0, 1.0, 0.0, 0.0], SparseEmbedding([7], [1.0])
    writer.run(documents=small)
    writer.run(documents=_chunks("nike", 3, path="/data/NIKE_2019_10K.pdf"))
    plain = retriever.run(**QUERY, top_k=8, query="What was 3M's capital expenditure?")
    assert {d.meta["doc_id"] for d in plain["documents"]} == {"mmm"} and plain["split"] == []

    compared = retriever.run(**QUERY, top_k=8, query="Compare 3M's and Amcor's capital expenditure")
    got = [d.meta["doc_id"] for d in compared["documents"]]
    # the short filing keeps all 3 of its hits (not crowded out), the long one the other 5; grouped, 3M first
    assert got == ["mmm"] * 5 + ["amcor"] * 3
    assert [(g["doc_ids"], g["sources"], g["hits"]) for g in compared["split"]] == [
        (["mmm"], ["3M_2018_10K.pdf"], 5),
        (["amcor"], ["AMCOR_2023_10K.pdf"], 3),
    ]
    assert compared["scope"] == ["3M_2018_10K.pdf", "AMCOR_2023_10K.pdf"]
    # named in the other order: Amcor's group first; equal shares when both have hits enough
    reverse = retriever.run(**QUERY, top_k=4, query="How does Amcor compare with 3M?")
    assert [d.meta["doc_id"] for d in reverse["documents"]] == ["amcor", "amcor", "mmm", "mmm"]
    # among documents the user chose (a conversation's inherited documents), the same shares
    chosen = retriever.run(**QUERY, top_k=8, query="3M versus Amcor capex", doc_ids=["mmm", "amcor", "nike"])
    assert [g["hits"] for g in chosen["split"]] == [5, 3] and "nike" not in {
        d.meta["doc_id"] for d in chosen["documents"]
    }


def test_the_hits_cover_the_best_pages_before_a_page_gets_its_second_chunk(embedded) -> None:
    _, _, writer, retriever = embedded
    chunks = _chunks("a", 6, path="/data/a.pdf")
    for i, chunk in enumerate(chunks):
        chunk.meta["page"] = 1 + i // 3  # three text chunks on each of pages 1 and 2
        chunk.meta["kind"] = "text"
        # page 1's chunks are all nearer the query than page 2's
        chunk.embedding = [1.0, 0.1 * i, 0.5, 0.25]
    writer.run(documents=chunks)

    fused = DocsightHybridRetriever(document_store=retriever.document_store, chunks_per_page=0)
    plain = [(d.meta["page"], d.id) for d in fused.run(**QUERY, top_k=3)["documents"]]
    assert [p for p, _ in plain] == [1, 1, 1]
    first = [(d.meta["page"], d.id) for d in retriever.run(**QUERY, top_k=3)["documents"]]
    # the best chunk of page 1, then page 2's best, then page 1's second: page order as in the fused ranking
    assert first == [plain[0], (2, "a-3"), plain[1]]
    # every chunk is still returned when there is room for them all
    assert len(retriever.run(**QUERY, top_k=6)["documents"]) == 6


def test_pages_first_counts_a_figure_apart_from_its_pages_text() -> None:
    from haystack import Document

    from retrievers.hybrid_retriever import pages_first

    def chunk(i: int, page: int, kind: str) -> Document:
        return Document(id=f"c{i}", content="x", meta={"doc_id": "d", "page": page, "kind": kind})

    ranked = [chunk(0, 1, "text"), chunk(1, 1, "figure"), chunk(2, 1, "table"), chunk(3, 2, "text")]
    assert [d.id for d in pages_first(ranked, 1, 3)] == ["c0", "c1", "c3"]
    assert [d.id for d in pages_first(ranked, 2, 4)] == ["c0", "c1", "c2", "c3"]
    assert [d.id for d in pages_first(ranked, 1, 10)] == ["c0", "c1", "c3", "c2"]
