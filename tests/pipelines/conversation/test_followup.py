"""Follow-ups made standalone by the rules, over the names of the FinanceBench filings (no model, no store)."""

from __future__ import annotations

import pytest

from ingest.documents import title_from_name
from pipelines.conversation.followup import TurnContext, rewrite_followup, years_of
from retrievers.document_scope import document_names, named_document
from tests.conftest import corpus_file

FILINGS = sorted(p.name for p in corpus_file("financebench", "pdfs").glob("*.pdf"))
DOCUMENTS = [n for f in FILINGS if (n := named_document(f, title_from_name(f)))]
DISPLAY = {"3M_2018_10K.pdf": "3M", "AMCOR_2023_10K.pdf": "AMCOR", "AMCOR_2023Q2_10Q.pdf": "AMCOR"}
FIRST = "What was 3M's capital expenditure in FY2018?"


def _after_first(question: str):
    first = rewrite_followup(FIRST, None, DOCUMENTS, DISPLAY)
    assert first.doc_ids == ["3M_2018_10K.pdf"] and first.years == ["2018"] and first.standalone == FIRST
    return rewrite_followup(question, first.context(), DOCUMENTS, DISPLAY)


def test_a_follow_up_naming_only_a_year_repeats_the_question_for_that_year_in_the_same_filing() -> None:
    rewrite = _after_first("And in 2017?")
    assert rewrite.standalone == "What was 3M's capital expenditure in FY2017?"
    assert rewrite.doc_ids == ["3M_2018_10K.pdf"] and rewrite.years == ["2017"] and rewrite.inherited


@pytest.mark.parametrize("question", ["And the year before?", "What about the prior year?"])
def test_the_year_before_is_the_previous_turns_year_minus_one(question: str) -> None:
    assert _after_first(question).standalone == "What was 3M's capital expenditure in FY2017?"


def test_a_newly_named_company_replaces_the_inherited_document_and_keeps_the_period() -> None:
    rewrite = _after_first("And for Amcor?")
    assert set(rewrite.doc_ids) == {"AMCOR_2023_10K.pdf", "AMCOR_2023Q2_10Q.pdf"}
    assert rewrite.standalone == "What was AMCOR's capital expenditure in FY2018?" and rewrite.years == ["2018"]


def test_a_comparing_follow_up_adds_the_company_it_names_to_the_inherited_one() -> None:
    rewrite = _after_first("How does that compare with Amcor?")
    assert rewrite.doc_ids[0] == "3M_2018_10K.pdf"
    assert set(rewrite.doc_ids[1:]) == {"AMCOR_2023_10K.pdf", "AMCOR_2023Q2_10Q.pdf"}
    assert rewrite.standalone == "What was 3M and AMCOR's capital expenditure in FY2018?"
    worded = _after_first("How does its gross margin compare with Amcor's?")
    assert worded.standalone == "How does its gross margin compare with Amcor's? (3M, 2018)"
    assert worded.doc_ids[0] == "3M_2018_10K.pdf" and "AMCOR_2023_10K.pdf" in worded.doc_ids


def test_a_comparing_follow_up_adds_the_year_it_names() -> None:
    rewrite = _after_first("How does that compare with 2017?")
    assert rewrite.standalone == "What was 3M's capital expenditure in FY2018 and 2017?"
    assert rewrite.years == ["2018", "2017"] and rewrite.doc_ids == ["3M_2018_10K.pdf"]
    assert _after_first("How did that change from the year before?").years == ["2018", "2017"]
    since = _after_first("Has its free cash flow improved since the prior year?")  # compared with, not instead
    assert since.years == ["2018", "2017"] and since.standalone.endswith("(3M, 2018, 2017)")
    assert _after_first("What about the prior year?").years == ["2017"]  # instead


def test_a_new_question_without_names_inherits_documents_and_years_in_its_search_text() -> None:
    rewrite = _after_first("What was their total revenue?")
    assert rewrite.standalone == "What was their total revenue? (3M, 2018)"
    assert rewrite.doc_ids == ["3M_2018_10K.pdf"] and rewrite.years == ["2018"]
    stated = _after_first("What was the dividend per share in 2016?")
    assert stated.standalone == "What was the dividend per share in 2016? (3M)" and stated.years == ["2016"]


def test_a_follow_up_that_names_company_and_year_is_left_as_it_is() -> None:
    rewrite = _after_first("What was Nike's revenue in FY2019?")
    assert rewrite.standalone == "What was Nike's revenue in FY2019?" and not rewrite.inherited
    assert rewrite.doc_ids == ["NIKE_2019_10K.pdf"] and rewrite.years == ["2019"]


def test_the_first_turn_is_left_alone_and_years_are_read_in_any_spelling() -> None:
    rewrite = rewrite_followup("How did revenue change?", None, DOCUMENTS, DISPLAY)
    assert (rewrite.standalone, rewrite.doc_ids, rewrite.years, rewrite.how) == (
        "How did revenue change?",
        [],
        [],
        "none",
    )
    assert years_of("FY2018 vs fy 2017, and 2016 (not 12018)") == ["2018", "2017", "2016"]


def test_without_an_inherited_document_only_the_period_is_carried() -> None:
    previous = TurnContext("What was the capital expenditure in 2018?", [], ["2018"])
    rewrite = rewrite_followup("And 2019?", previous, DOCUMENTS, DISPLAY)
    assert rewrite.standalone == "What was the capital expenditure in 2019?" and rewrite.doc_ids == []


def test_documents_are_known_by_their_content_whatever_their_files_are_called() -> None:
    # opaque file names; the organisations, tickers and periods read from the filings' covers
    documents = [
        *document_names("d1", "scan 0193", "3M COMPANY", ["3M", "MMM"], ["2018"]),
        *document_names("d2", "upload 77", "AMCOR PLC", ["AMCOR", "AMCR"], ["2023"]),
        *document_names("d3", "upload 78", "AMCOR PLC", ["AMCOR", "AMCR"], ["2023", "2024"]),
    ]
    display = {"d1": "3M", "d2": "AMCOR", "d3": "AMCOR"}
    first = rewrite_followup("What was MMM's capital expenditure in FY2018?", None, documents, display)
    assert first.doc_ids == ["d1"]
    swapped = rewrite_followup("And AMCR's?", first.context(), documents, display)  # a ticker: elliptical
    assert swapped.standalone == "What was AMCOR's capital expenditure in FY2018?"
    assert set(swapped.doc_ids) == {"d2", "d3"}
    compared = rewrite_followup("How does that compare with Amcor?", first.context(), documents, display)
    assert compared.standalone == "What was 3M and AMCOR's capital expenditure in FY2018?"
    assert compared.doc_ids[0] == "d1" and set(compared.doc_ids) == {"d1", "d2", "d3"}


def test_a_new_year_moves_the_search_to_that_years_filing_of_the_same_company() -> None:
    display = {f: "Adobe" for f in FILINGS if f.startswith("ADOBE")}
    first = rewrite_followup("What is the FY2015 operating cash flow ratio for Adobe?", None, DOCUMENTS, display)
    assert first.doc_ids == ["ADOBE_2015_10K.pdf"]
    rewrite = rewrite_followup("And in FY2017?", first.context(), DOCUMENTS, display)
    assert rewrite.standalone == "What is the FY2017 operating cash flow ratio for Adobe?"
    assert rewrite.doc_ids == ["ADOBE_2017_10K.pdf"]
    worded = rewrite_followup("What was its revenue in 2016?", first.context(), DOCUMENTS, display)
    assert worded.standalone == "What was its revenue in 2016? (Adobe)" and worded.doc_ids == ["ADOBE_2016_10K.pdf"]
