"""Questions that name a document are searched in it: names from file names, years to choose among versions."""

import pytest

from ingest.documents import title_from_name as title_of
from retrievers.document_scope import named_document, ordinal_scope, scope

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
