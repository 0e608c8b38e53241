"""Formulas a question defines in words, read into the glossary's formula syntax."""

from pipelines.generation.defined_formulas import question_formulas, to_formula


def test_the_forms_a_question_defines_a_metric_in() -> None:
    (ratio,) = question_formulas(
        "What is the FY2017 operating cash flow ratio? Operating cash flow ratio is defined as: cash from operations"
        " / total current liabilities. Round your answer to two decimal places."
    )
    assert ratio.name == "operating cash flow ratio"
    assert ratio.formula.items == ("cash from operations", "total current liabilities")
    (define,) = question_formulas(
        "Define working capital ratio as total current assets divided by total current liabilities."
    )
    assert define.name == "working capital ratio" and define.formula.text.count("/") == 1
    (here,) = question_formulas("FCF here is defined as: (cash from operations - capex). Answer in USD millions.")
    assert here.name == "fcf" and here.formula.items == ("cash from operations", "capex")


def test_periods_are_dropped_and_averages_and_changes_are_the_formula_functions() -> None:
    formula = to_formula(
        "365 * (average accounts payable between FY2016 and FY2017) / (FY2017 COGS + change in inventory between"
        " FY2016 and FY2017)"
    )
    assert formula.uses == (
        ("accounts payable", 0),
        ("accounts payable", 1),
        ("cogs", 0),
        ("inventory", 0),
        ("inventory", 1),
    )
    values = {("accounts payable", 0): 110.0, ("accounts payable", 1): 90.0, ("cogs", 0): 300.0}
    values |= {("inventory", 0): 60.0, ("inventory", 1): 50.0}
    assert formula.evaluate(lambda item, offset: values[(item, offset)]) == 365 * 100 / 310
    less = to_formula("total current assets less total current liabilities from the balance sheet")
    assert (
        less.evaluate(lambda item, offset: {"total current assets": 5.0, "total current liabilities": 3.0}[item]) == 2
    )


def test_a_definition_that_is_not_a_formula_of_line_items_is_ignored() -> None:
    assert question_formulas("Revenue is defined as the amount earned from customers.") == []
    assert question_formulas("Define it as 5 / 2.") == []
    assert question_formulas("What was 3M's revenue in FY2018?") == []
