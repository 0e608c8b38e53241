"""Questions that ask for a financial statement, or for a metric computed from one, find the statement's page."""

import pytest

from pipelines.batch.runner import BatchIngest
from pipelines.retrieval import build_retrieval_pipeline, retrieve
from pipelines.settings import Settings
from pipelines.store import open_store
from tests.conftest import corpus_file

FILINGS = ["ULTABEAUTY_2023Q4_EARNINGS.pdf", "PEPSICO_2023Q1_EARNINGS.pdf"]


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    path = tmp_path_factory.mktemp("statements")
    settings = Settings.from_env(environ={}, qdrant_path=str(path / "q"), workers=2, collection="test")
    results = BatchIngest(settings).run([str(corpus_file("financebench", "pdfs", f)) for f in FILINGS])
    assert all(r.status == "ingested" for r in results)
    store = open_store(settings)
    yield build_retrieval_pipeline(settings, store)
    store.close()


@pytest.mark.parametrize(
    ("question", "page", "kind"),
    [
        ("What was Ulta Beauty's operating cash flow in fiscal 2023?", 8, "cash_flow"),
        ("How much were Ulta Beauty's total current liabilities? Use the balance sheet.", 7, "balance_sheet"),
        ("What was Ulta Beauty's gross margin in the fourth quarter?", 6, "income_statement"),
    ],
)
def test_the_statement_page_comes_first(pipeline, question, page, kind) -> None:
    hits = retrieve(pipeline, question, top_k=5)
    assert (hits[0].meta["source"], hits[0].meta["page"]) == ("ULTABEAUTY_2023Q4_EARNINGS.pdf", page)
    assert hits[0].meta["statement"] == kind


def test_without_a_statement_in_the_question_nothing_is_preferred(pipeline) -> None:
    expander = pipeline.get_component("expander")
    assert expander.run(query="Why did Pepsico raise its full year guidance?")["statements"] == []
    hits = retrieve(pipeline, "Why did Pepsico raise its full year guidance?", top_k=3)
    assert hits[0].meta["source"] == "PEPSICO_2023Q1_EARNINGS.pdf"


def test_on_a_server_the_statement_ranking_is_a_third_prefetch() -> None:
    from tests.support.qdrant_recorder import QdrantRecorder

    with QdrantRecorder() as server:
        settings = Settings.from_env(environ={}, qdrant_url=server.url, qdrant_timeout=5)
        store = open_store(settings)
        retrieve(build_retrieval_pipeline(settings, store), "What was the FY2018 capex? Use the cash flow statement.")
        store.close()
    query = next(b for m, p, _, b in server.requests if p.startswith("/collections/docsight/points/query"))
    assert len(query["prefetch"]) == 3
    assert query["query"]["rrf"]["weights"] == [1.0, 2.0, 2.0]
    third = query["prefetch"][2]["filter"]
    assert {"key": "meta.statement", "match": {"value": "cash_flow"}} in _conditions(third)


def _conditions(flt: dict) -> list[dict]:
    found = []
    for key in ("must", "should"):
        for item in flt.get(key) or []:
            found += _conditions(item) if any(k in item for k in ("must", "should")) else [item]
    return found
