"""Questions that name a document are searched in it: names from file names, years to choose among versions."""

import pytest

from ingest.documents import title_from_name as title_of
from retrievers.document_scope import identified_document, named_document, ordinal_scope, scope

TITLES = {
    "mmm": "3M_2018_10K.pdf",
    "awk": "AMERICANWATERWORKS_2022_10K.pdf",
    "jnj22": "JOHNSON_JOHNSON_2022_10K.pdf",
    "jnj23": "JOHNSON_JOHNSON_2023Q2_EARNINGS.pdf",
    "mgm": "MGMRESORTS_2022Q4_EARNINGS.pdf",
    "nike19": "NIKE_2019_10K.pdf",
    "nike21": "NIKE_2021_10K.pdf",
    "block": "BLOCK_2020_10K.pdf",
    "report": "report-2023.pdf",
    "scan": "scan.png",
}
DOCS = [d for doc_id, name in TITLES.items() if (d := named_document(doc_id, title_of(name)))]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What is the FY2018 capital expenditure amount (in USD millions) for 3M?", ["mmm"]),
        ("Does American Water Works have positive working capital in FY2022?", ["awk"]),
        ("Did Johnson & Johnson's margins grow in Q2 of FY2023?", ["jnj23"]),
        ("Which region had the highest EBITDAR for MGM during FY2022?", ["mgm"]),
        ("Are JnJ's FY2022 financials that of a high growth company?", ["jnj22"]),
        ("Did J&J's sales grow in FY2022?", ["jnj22"]),
        ("How did Nike's revenue change in FY2021?", ["nike21"]),
        ("How did Nike's revenue change?", ["nike19", "nike21"]),  # no year: every Nike filing
        ("What was Block's gross profit in FY2020?", ["block"]),
        ("What does the report say about 2023?", []),  # a generic name never scopes
        ("How much did the company spend on buybacks?", []),
        ("Were there any nominees with more votes against?", []),
    ],
)
def test_scope(question: str, expected: list[str]) -> None:
    assert scope(question, DOCS) == expected


def test_titles_without_a_usable_name_are_skipped() -> None:
    assert named_document("x", title_of("report-2023.pdf")) is None
    assert named_document("y", title_of("the_2020_plan.pdf")) is None  # a stop word
    assert named_document("z", title_of("3M_2018_10K.pdf")).years == frozenset({"2018"})


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What is the tick spacing on the vertical axis in the second chart?", ["b"]),
        ("Compare the first chart with the third chart.", ["a", "c"]),
        ("What does the last figure show?", ["c"]),
        ("In the 2nd plot, which line is highest?", ["b"]),
        ("What is in the fifth chart?", []),  # there are three
        ("Which chart shows the highest value?", []),
    ],
)
def test_ordinal_references_pick_among_the_chosen_documents(question: str, expected: list[str]) -> None:
    assert ordinal_scope(question, ["a", "b", "c"]) == expected


# documents under opaque file names, named by their content (ingest.identity); names and years as the covers of
# the FinanceBench filings give them (tests/ingest/identity checks those covers)
IDENTIFIED = {
    "0f3a.pdf": ("3M COMPANY", ["3M"], ["2018"]),
    "1b7c.pdf": ("JPMorgan Chase & Co.", ["JPMorgan Chase", "JPMorgan", "JPM"], ["2023"]),
    "2d9e.pdf": ("AMCOR PLC", ["AMCOR", "AMCR"], ["2022", "2023"]),  # its FY2023 Q2 10-Q
    "3e1f.pdf": ("AMCOR PLC", ["AMCOR"], ["2023"]),  # its FY2023 10-K
    "4a2b.pdf": ("MGM RESORTS INTERNATIONAL", ["MGM RESORTS"], ["2018"]),
    "5c3d.pdf": ("JOHNSON & JOHNSON", ["JOHNSON & JOHNSON", "JOHNSON", "JNJ"], ["2022", "2023"]),
    "6e4f.pdf": ("BEST BUY CO., INC.", ["BEST BUY", "BBY"], ["2023", "2024"]),
    "7a5b.pdf": ("GENERAL MILLS, INC.", ["GENERAL MILLS", "GIS"], ["2020"]),
}


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What is the FY2018 capital expenditure amount (in USD millions) for 3M?", ["0f3a.pdf"]),
        ("Did the VaR that JPM faced in the second fiscal quarter of 2023 decrease?", ["1b7c.pdf"]),
        ("What did JPMorgan report about its trading in 2023?", ["1b7c.pdf"]),
        ("What is the nature of AMCOR's restructuring liability as of Q2 of FY2023?", ["2d9e.pdf", "3e1f.pdf"]),
        ("What was the year end FY2018 amount of accounts payable for MGM Resorts?", ["4a2b.pdf"]),
        ("Roughly how many times has JnJ sold its inventory in FY2022?", ["5c3d.pdf"]),
        ("Which Best Buy category performed best during Q2 of FY2024?", ["6e4f.pdf"]),
        ("What is General Mills's FY2020 working capital ratio?", ["7a5b.pdf"]),
        ("What are the general terms of the 2020 agreement?", []),  # "general" alone names nothing
        ("How much did the company spend on buybacks?", []),
    ],
)
def test_scope_by_content_whatever_the_file_is_called(question: str, expected: list[str]) -> None:
    docs = [identified_document(name, org, aliases, years) for name, (org, aliases, years) in IDENTIFIED.items()]
    docs += [named_document(name, title_of(name)) for name in IDENTIFIED]  # opaque names: never a match
    assert scope(question, [d for d in docs if d]) == expected


def test_content_names_come_before_file_names() -> None:
    by_content = identified_document("square", "SQUARE, INC.", ["SQUARE", "SQ"], ["2020"])
    by_file = named_document("other", title_of("SQUARE_2019_10K.pdf"))
    assert scope("What was Square's revenue in FY2020?", [by_content, by_file]) == ["square"]
    # a question that names a document only by its file name still finds it
    renamed = named_document("block", title_of("BLOCK_2020_10K.pdf"))
    assert scope("What was Block's gross profit in FY2020?", [by_content, renamed]) == ["block"]
    assert identified_document("x", "", [], []) is None


def test_initials_match_only_words_written_as_initials_and_a_name_is_not_only_a_ticker() -> None:
    adobe = identified_document("adobe", "ADOBE SYSTEMS INCORPORATED", ["ADOBE SYSTEMS", "ADOBE"], ["2016"])
    nike = identified_document("nike", "NIKE, Inc.", ["NIKE"], ["2021"])
    jnj = identified_document("jnj", "JOHNSON & JOHNSON", ["JOHNSON & JOHNSON"], ["2022"])
    ge = identified_document("ge", "GENERAL ELECTRIC COMPANY", ["GENERAL ELECTRIC", "GE"], ["2022"])
    docs = [adobe, nike, jnj, ge]
    # "as" spells the initials of Adobe Systems; questions that name no company stay corpus-wide
    assert scope("What drove the reduction in SG&A expense as a percent of net sales in FY2023?", docs) == []
    assert scope("What is the FY2021 inventory turnover ratio for Nike?", docs) == ["nike"]
    assert scope("Did J&J's sales grow in FY2022?", docs) == ["jnj"]
    assert scope("Is JnJ a capital-intensive business?", docs) == ["jnj"]
    assert scope("What was GE's backlog?", docs) == ["ge"]
    assert scope("What was AS's revenue?", docs) == ["adobe"]  # initials written in capitals still name it


def test_a_comparison_names_each_document_by_its_content_else_by_its_file_name() -> None:
    from retrievers.document_scope import comparison, document_names

    documents = [
        *document_names("block", "BLOCK 2020 10K", "SQUARE, INC.", ["SQUARE", "SQ"], ["2020"]),
        *document_names("gis", "GENERALMILLS 2020 10K", "GENERAL MILLS, INC.", ["GENERAL MILLS", "GIS"], ["2020"]),
        *document_names("mmm", "3M 2018 10K", "3M COMPANY", ["3M", "MMM"], ["2018"]),
    ]
    question = "Compare the operating cash flow of Block in FY2020 with the free cash flow of General Mills in FY2020"
    assert comparison(question, documents) == [["block"], ["gis"]]  # Block only by its file name
    assert comparison("Compare Square and 3M", documents) == [["block"], ["mmm"]]
    assert comparison("What was General Mills' free cash flow in FY2020?", documents) == []
    assert scope(question, documents) == ["gis"]  # outside comparisons, content names still win


def test_a_question_is_scoped_to_the_period_kind_it_names() -> None:
    from retrievers.document_scope import comparison, document_names

    def filing(doc_id: str, org: str, alias: str, years: list[str], period: str) -> list:
        return document_names(doc_id, "upload", org, [alias], years, period)

    documents = [
        *filing("amcor-10k", "AMCOR PLC", "AMCOR", ["2023"], "FY2023"),
        *filing("amcor-10q", "AMCOR PLC", "AMCOR", ["2022", "2023"], "FY2023 Q2"),
        *filing("mgm-10k", "MGM RESORTS INTERNATIONAL", "MGM RESORTS", ["2022"], "FY2022"),
        *filing("mgm-q4", "MGM RESORTS INTERNATIONAL", "MGM RESORTS", ["2022"], "FY2022 Q4"),
        *filing("bby-10k", "BEST BUY CO., INC.", "BEST BUY", ["2022", "2023"], "FY2023"),
    ]
    # a year alone asks for the full year: the annual report, and a fourth quarter's release (it reports the year)
    assert scope("Does AMCOR have an improving gross margin profile as of FY2023?", documents) == ["amcor-10k"]
    assert scope("Which region had the highest EBITDAR for MGM Resorts during FY2022?", documents) == [
        "mgm-10k",
        "mgm-q4",
    ]
    # one of the first three quarters asks for that quarter's own document
    assert scope("What is AMCOR's restructuring liability as of Q2 of FY2023?", documents) == ["amcor-10q"]
    assert scope("AMCOR's revenue in the second fiscal quarter of 2023", documents) == ["amcor-10q"]
    # no document of the kind asked for: the year's documents, as before
    assert scope("What were AMCOR's Q3 2023 sales?", documents) == ["amcor-10k", "amcor-10q"]
    question = "Compare the acquisitions AMCOR and Best Buy made in FY2023"
    assert comparison(question, documents) == [["amcor-10k"], ["bby-10k"]]
