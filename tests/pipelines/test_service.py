"""The front ends' service on a real store with real documents and the Ollama test server: typed documents,
sources and answers; documents resolved one way; the chosen documents' order reaches the retriever."""

from __future__ import annotations

import json

import pytest

from pipelines.answer import Answer
from pipelines.batch.runner import BatchIngest
from pipelines.service import DocsightService, DocumentInfo, NoDocumentMatchError
from pipelines.settings import Settings
from pipelines.sources import Source
from retrievers.errors import CollectionNotFoundError
from tests.conftest import corpus_file
from tests.support.ollama_server import FakeOllama

TABLE = "pdfplumber__nics-background-checks-2015-11.pdf"
PROSE = "samplefiles__multicolumn.pdf"


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("service") / "q"
    settings = Settings.from_env(environ={}, qdrant_path=str(path), workers=1)
    results = BatchIngest(settings).run([str(corpus_file("parsers", f)) for f in (TABLE, PROSE)])
    assert all(r.status == "ingested" for r in results)
    return path


@pytest.fixture
def service(store_path):
    with FakeOllama() as server:
        svc = DocsightService(Settings.from_env(environ={}, qdrant_path=str(store_path), ollama_url=server.url))
        svc.ollama = server
        yield svc
        svc.close()


def test_documents_are_typed_and_resolved_by_id_prefix_or_name_in_the_order_named(service) -> None:
    documents = service.documents()
    assert all(isinstance(d, DocumentInfo) for d in documents)
    by_name = {d.source: d for d in documents}
    assert set(by_name) == {TABLE, PROSE} and by_name[PROSE].pages == 3
    assert json.loads(json.dumps([d.to_dict() for d in documents]))[0]["doc_id"] == documents[0].doc_id
    table, prose = by_name[TABLE], by_name[PROSE]
    assert service.resolve([PROSE, table.doc_id[:8]]) == [prose, table]
    assert service.resolve([table.doc_id, PROSE, TABLE]) == [table, prose]  # each once, first mention first
    assert service.resolve([table.doc_id[:7], PROSE]) == [prose]  # a prefix needs 8 characters
    with pytest.raises(NoDocumentMatchError, match="no document matches 'nothing-like-this'"):
        service.resolve(["nothing-like-this"])
    assert service.require_documents() == documents


def test_retrieve_returns_numbered_sources_of_the_chosen_documents(service) -> None:
    documents = {d.source: d.doc_id for d in service.documents()}
    hits = service.retrieve("firearm background checks", top_k=5)
    assert [h.n for h in hits] == list(range(1, len(hits) + 1)) and hits[0].source == TABLE
    only = service.retrieve("firearm background checks", top_k=5, doc_ids=[documents[PROSE]])
    assert only and {h.source for h in only} == {PROSE}
    texts = service.retrieve("EU countries", top_k=5, kinds=["text"], page_from=1, page_to=2)
    assert texts and all(h.kind == "text" and h.page <= 2 for h in texts)


def test_ask_returns_a_typed_answer_whose_dict_form_is_json(service) -> None:
    tokens: list[str] = []
    answer = service.ask(
        "How many firearm background checks were there in Alabama?", mode="text", on_token=tokens.append
    )
    assert isinstance(answer, Answer) and answer.route == "text" and "".join(tokens).strip() == answer.answer
    assert answer.citations and all(isinstance(c, Source) for c in answer.citations + answer.sources)
    assert answer.cited == [c.n for c in answer.citations] and answer.cut_off is False
    data = json.loads(json.dumps(answer.to_dict()))
    assert all("crop_jpeg_b64" not in s and "has_crop" in s for s in data["sources"] + data["citations"])
    assert Source.from_dict(answer.sources[0].to_dict(with_crop=True)) == answer.sources[0]


def test_the_second_of_the_chosen_documents_is_the_one_searched(service) -> None:
    documents = {d.source: d.doc_id for d in service.documents()}
    chosen = [documents[TABLE], documents[PROSE]]
    answer = service.ask("What does the second document say?", mode="text", doc_ids=chosen)
    assert answer.scope == [PROSE] and {s.source for s in answer.sources} == {PROSE}
    reversed_order = service.ask("What does the second document say?", mode="text", doc_ids=chosen[::-1])
    assert reversed_order.scope == [TABLE]


def test_an_empty_collection_is_refused_with_what_to_do(tmp_path) -> None:
    service = DocsightService(Settings.from_env(environ={}, qdrant_path=str(tmp_path / "q"), collection="empty"))
    try:
        with pytest.raises(CollectionNotFoundError, match="has no documents; ingest some first"):
            service.require_documents()
    finally:
        service.close()
