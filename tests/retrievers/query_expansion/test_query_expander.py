"""QueryExpander: questions -> search texts and the statements they ask for, with the packaged glossary."""

import pytest

from retrievers.query_expansion.glossary import GlossaryError, load_glossary
from retrievers.query_expansion.query_expander import QueryExpander


@pytest.mark.parametrize(
    ("question", "statements"),
    [
        # named statements win over the statements of the metrics the question uses
        (
            "What is Adobe's FY2016 operating income? Give a solution by using the income statement.",
            ["income_statement"],
        ),
        (
            "Using only the statement of financial position and the statement of cash flows, what is FY2015 FCF?",
            ["balance_sheet", "cash_flow"],
        ),
        # a metric from the glossary routes to where its line items are printed
        ("What is the FY2018 capex for 3M?", ["cash_flow"]),
        ("Has AMCOR's quick ratio improved between FY2023 and FY2022?", ["balance_sheet"]),
        ("What is Amazon's FY2017 days payable outstanding (DPO)?", ["balance_sheet", "income_statement"]),
        # a cash flow statement section named bare, as a follow-up puts it
        ("How much cash did it generate from operating activities that year?", ["cash_flow"]),
        # nothing financial: no preference
        ("Who are the primary customers of Boeing as of FY2022?", []),
        ("What production rate changes is Boeing forecasting?", []),
    ],
)
def test_statements_the_question_asks_for(question, statements) -> None:
    assert QueryExpander().run(query=question)["statements"] == statements


def test_terms_match_whole_words_only() -> None:
    glossary = load_glossary()
    assert glossary.match("capex in FY2018").metric_statements == ("cash_flow",)
    assert glossary.match("capexpansion of the plant").metric_statements == ()
    assert glossary.match("The P&L shows it").statements == ("income_statement",)


def test_line_items_are_added_to_the_search_texts() -> None:
    out = QueryExpander().run(query="What is the FY2018 capital expenditure for 3M?")
    assert "purchases of property plant and equipment" in out["sparse_text"]
    assert "purchases of property plant and equipment" in out["dense_text"]
    assert out["sparse_text"].startswith("What is the FY2018 capital expenditure for 3M?")
    plain = QueryExpander(expand_dense=False).run(query="What is the FY2018 capital expenditure for 3M?")
    assert plain["dense_text"] == "What is the FY2018 capital expenditure for 3M?"
    unknown = QueryExpander().run(query="Who audits the company?")
    assert unknown["dense_text"] == unknown["sparse_text"] == "Who audits the company?"


def test_to_dict_from_dict_round_trip(tmp_path) -> None:
    glossary = tmp_path / "glossary.yaml"
    glossary.write_text(
        "statements:\n  cash_flow: [money movements]\nmetrics:\n  - terms: [burn rate]\n"
        "    line_items: [net cash used in operating activities]\n    statements: [cash_flow]\n"
    )
    expander = QueryExpander(glossary_path=str(glossary), expand_dense=False)
    data = expander.to_dict()
    assert data["init_parameters"] == {"glossary_path": str(glossary), "expand_dense": False}
    again = QueryExpander.from_dict(data)
    out = again.run(query="What is the monthly burn rate?")
    assert out["statements"] == ["cash_flow"]
    assert "net cash used in operating activities" in out["sparse_text"]
    assert again.run(query="see the money movements page")["statements"] == ["cash_flow"]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("metrics: [: bad", "not valid YAML"),
        ("metrics:\n  - line_items: [x]\n", "metric entry 1 has no 'terms'"),
        ("metrics:\n  - terms: [x]\n    statements: [ledger]\n", "unknown statement 'ledger'"),
    ],
)
def test_a_bad_glossary_is_an_error_naming_the_file(tmp_path, text, reason) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(text)
    with pytest.raises(GlossaryError, match=reason) as raised:
        QueryExpander(glossary_path=str(path))
    assert str(path) in str(raised.value)


def test_a_missing_glossary_is_an_error_naming_the_file(tmp_path) -> None:
    with pytest.raises(GlossaryError, match="cannot be read"):
        load_glossary(str(tmp_path / "absent.yaml"))
