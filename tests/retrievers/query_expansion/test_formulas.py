"""Named formulas of the glossary: parsed once, evaluated with whatever values the caller binds to the line items."""

import pytest

from retrievers.query_expansion.formulas import FormulaError, parse_formula
from retrievers.query_expansion.glossary import GlossaryError, load_glossary


def test_a_formula_reads_line_items_at_the_period_and_the_one_before() -> None:
    dpo = parse_formula("365 * average(accounts payable) / (cost of sales + change(inventories))")
    assert dpo.items == ("accounts payable", "cost of sales", "inventories")
    assert set(dpo.uses) == {
        ("accounts payable", 0),
        ("accounts payable", 1),
        ("cost of sales", 0),
        ("inventories", 0),
        ("inventories", 1),
    }
    values = {
        ("accounts payable", 0): 1174,
        ("accounts payable", 1): 1587,
        ("cost of sales", 0): 7772,
        ("inventories", 0): 2438,
        ("inventories", 1): 2320,
    }
    assert dpo.evaluate(lambda item, offset: values.get((item, offset))) == pytest.approx(63.86, abs=0.005)
    assert dpo.evaluate(lambda item, offset: None if item == "inventories" else 1.0) is None


def test_a_hyphen_inside_a_word_is_part_of_the_line_item_and_a_spaced_one_is_a_minus() -> None:
    formula = parse_formula("total current assets - long-term debt / -2")
    assert formula.items == ("total current assets", "long-term debt")
    assert formula.evaluate(lambda item, offset: {"total current assets": 10, "long-term debt": 4}[item]) == 12
    assert parse_formula("a / b").evaluate(lambda item, offset: 0.0) is None  # a division by zero has no value


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("median(inventories)", "unknown function 'median'"),
        ("(net income / total assets", r"expected '\)' at the end"),
        ("net income /", "expected more"),
        ("average(2)", "takes a line item"),
        ("net income % revenue", "cannot read"),
    ],
)
def test_a_bad_formula_is_an_error_saying_where(text, reason) -> None:
    with pytest.raises(FormulaError, match=reason):
        parse_formula(text)


def test_the_packaged_glossary_names_formulas_and_how_their_line_items_are_printed() -> None:
    glossary = load_glossary()
    assert [f.name for f in glossary.formulas_named("What is Amazon's FY2017 days payable outstanding (DPO)?")] == [
        "days payable outstanding"
    ]
    assert [f.name for f in glossary.formulas_named("its ROA fell", "")] == ["return on assets"]
    assert glossary.formulas_named("What is the revenue?") == []
    assert "cost of products sold" in glossary.printed_as("cost of sales")
    assert glossary.printed_as("deferred revenue") == ("deferred revenue",)  # not listed: as written
    # a metric's term, as a question's own formula writes it, is printed as the metric's line items
    assert glossary.printed_as("cogs")[0] == "cogs" and "cost of goods sold" in glossary.printed_as("cogs")
    assert "net cash provided by used in operating activities" in glossary.printed_as("cash from operations")


def test_a_glossary_with_a_bad_formula_is_an_error_naming_the_file_and_the_entry(tmp_path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("formulas:\n  - terms: [burn rate]\n    formula: cash / (months\n")
    with pytest.raises(
        GlossaryError, match=r"formula entry 1: formula 'cash / \(months': expected '\)' at the end"
    ) as raised:
        load_glossary(str(path))
    assert str(path) in str(raised.value)
    path.write_text("formulas:\n  - terms: [burn rate]\n")
    with pytest.raises(GlossaryError, match="needs 'terms' and 'formula'"):
        load_glossary(str(path))
