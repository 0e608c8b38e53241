"""Chart colours a question names, and the questions that name none (financial questions above all)."""

import json

import pytest

from ingest.chart_colours import PALETTE
from retrievers.query_expansion.colour_mentions import named_colours
from retrievers.query_expansion.query_expander import QueryExpander
from tests.conftest import corpus_file


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("What does the color pink indicate in the first chart?", ["pink", "light pink"]),
        ("What is the value of the dark yellow bar on the topmost side?", ["dark yellow"]),
        ("What is the value of the yellow bar on the bottommost side?", ["yellow", "dark yellow", "light yellow"]),
        ("What is the value of the grey bar representing 'Total'?", ["dark grey", "grey", "light grey"]),
        ("What is the value of the gray bar?", ["dark grey", "grey", "light grey"]),
        ("What does the colour dark brown indicate?", ["dark brown"]),
        ("Which series is coloured in navy?", ["dark blue"]),
        ("What is the value of the blue dot for 2020?", ["grey blue", "blue", "dark blue", "light blue"]),
        ("What does the red dashed line show?", ["red", "dark red"]),
        ("What is the dark pink area?", ["pink", "light pink"]),  # a shade the palette lacks: the family
        ("Compare the teal bars with the orange bars", ["teal green", "orange", "light orange"]),
    ],
)
def test_colours_named_as_colours_of_a_drawing(question, names) -> None:
    assert named_colours(question) == names
    assert set(names) <= set(PALETTE)


@pytest.mark.parametrize(
    "question",
    [
        "What share of Black adults have posted on social media?",
        "How much did the company raise in green bonds in FY2022?",
        "What was Red Hat's contribution to IBM's revenue?",
        "Which line item of the cash flow statement shows capital expenditure?",
        "Which colour of line in the third chart has the most similar trend?",  # asks for a colour, names none
        "Answer with one option from (Red, Yellow, Purple, Blue, Green, Black)",
    ],
)
def test_words_that_are_not_a_drawings_colour_name_none(question) -> None:
    assert named_colours(question) == []


def test_no_financebench_question_routes_to_colours() -> None:
    """Colour routing must not fire on financial questions: none of the corpus's FinanceBench questions does."""
    lines = corpus_file("financebench", "questions.jsonl").read_text(encoding="utf-8").splitlines()
    questions = [json.loads(line)["question"] for line in lines if line.strip()]
    assert len(questions) > 50
    expander = QueryExpander()
    assert [q for q in questions if expander.run(query=q)["colours"]] == []
