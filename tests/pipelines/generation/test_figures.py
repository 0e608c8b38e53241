"""Figures as written in answers and numbers as laid out in sources (pure parsing, no model)."""

from pipelines.generation.figures import answer_figures, implied_scale, source_numbers, years


def test_amounts_scales_signs_and_precision() -> None:
    found = {f.text: f for f in answer_figures("Capex was $1.2 billion [2], cash fell -$1561M and (1,577) left.")}
    assert set(found) == {"$1.2 billion", "-$1561M", "(1,577)"}
    assert (found["$1.2 billion"].value, found["$1.2 billion"].scale) == (1.2, 1e9)
    assert found["-$1561M"].negative and found["-$1561M"].scale == 1e6
    assert found["(1,577)"].value == -1577 and found["(1,577)"].scale is None
    assert answer_figures("Net PP&E was $8.70 billion.")[0].decimals == 1  # trailing zeros are padding


def test_percentages_and_per_share_values() -> None:
    found = [(f.text, f.percent) for f in answer_figures("Margin 65.4%, 3 percent, 1 percentage point; $ 0.55 a share")]
    assert found == [("65.4%", True), ("3 percent", True), ("1 percentage point", True), ("$ 0.55", False)]


def test_years_citations_names_and_enumerations_are_not_figures() -> None:
    text = (
        "In FY2022 and 2021 [3], 3M filed its 10-K; COVID-19 hit Q2 on May 26, 2023. (1) The 777X and "
        "Note 7 [1, 2] say nothing."
    )
    assert answer_figures(text) == []
    assert years(text) == {2021, 2022, 2023}
    assert years("fiscal 2016, FY 2017 and FY22") == {2016, 2017, 2022}


def test_question_unit() -> None:
    assert implied_scale("What is the FY2018 capex (in USD millions) for 3M?") == 1e6
    assert implied_scale("Answer in USD billions.") == 1e9
    assert implied_scale("How many stores?") is None


def test_source_rows_columns_periods_and_declared_scale() -> None:
    text = (
        "Consolidated Statement of Cash Flows (in millions, except per share amounts) 2018 2017 2016 "
        "Net income $ 5,363 $ 4,869 $ 5,058 Purchases of property, plant and equipment (1,577) — (1,420) "
        "Dividends per share 5.44 4.70 4.44. In 2019 we expect $1.2 billion of spending."
    )
    numbers = {x.text: x for x in source_numbers(1, text)}
    capex = numbers["(1,577)"]
    assert capex.value == -1577 and capex.scale == 1e6 and capex.declared_scale
    assert capex.period == 2018 and numbers["(1,420)"].period == 2016  # "—" holds 2017's place
    assert capex.row == numbers["(1,420)"].row and numbers["(1,420)"].col == 2
    assert "Purchases of property plant and equipment" in capex.label
    assert numbers["$ 4,869"].period == 2017 and numbers["$ 4,869"].col == 1
    assert numbers["$1.2 billion"].scaled == 1.2e9  # its own scale word, not the table's
    assert "2018" not in numbers  # a header year is not a number


def test_a_dash_opening_a_list_item_is_not_a_minus() -> None:
    found = answer_figures("Acquisitions:\n-100% of a Czech company\n- 100% of a site; margin fell -5% and -$3M")
    assert [(f.text, f.value) for f in found] == [("100%", 100), ("100%", 100), ("-5%", -5), ("-$3M", -3)]
    assert answer_figures("-$1577.00")[0].negative  # the first line's dash is a sign
    assert not answer_figures("-100% equity", later_line=True)[0].negative


def test_a_period_name_is_not_a_figure() -> None:
    assert [f.text for f in answer_figures("In the 12 months ended January 28, 2023 sales were $5.2 billion.")] == [
        "$5.2 billion"
    ]


def test_table_meta_gives_a_window_its_unit_and_its_columns() -> None:
    # a window that starts inside a row, holds two unlabelled rows run together, and ends inside a row
    text = "(388) (402) Gross profit 3,502 3,017 (5,685) 1,200 1,100 1,000 Other 5 6"
    numbers = source_numbers(1, text, unit="(in millions, except per share amounts)", columns=["2022", "2021", "2020"])
    by_text = {x.text: x for x in numbers}
    assert by_text["(388)"].period == 2021 and by_text["(402)"].period == 2020  # the tail of a cut row
    assert [by_text[t].period for t in ("3,502", "3,017", "(5,685)")] == [2022, 2021, 2020]
    assert [by_text[t].period for t in ("1,200", "1,100", "1,000")] == [2022, 2021, 2020]
    assert by_text["3,502"].row != by_text["1,200"].row  # two rows, not one run of six
    assert by_text["5"].period == 2022 and by_text["6"].period == 2021  # the head of a row cut at the end
    assert all(x.scale == 1e6 and x.declared_scale for x in numbers)
    assert all(x.period is None for x in source_numbers(1, text))  # without the meta nothing is known


def test_note_references_inside_a_label_are_not_numbers_and_dollars_and_shares_declare_a_scale() -> None:
    text = "(Dollars and Shares in Millions)\nInventories (Notes 1 and 3) 12,483 10,387 Goodwill (Note 5) 45,231"
    numbers = source_numbers(1, text)
    assert [(x.text, x.label) for x in numbers] == [
        ("12,483", "Dollars and Shares in Millions Inventories Notes and"),
        ("10,387", "Dollars and Shares in Millions Inventories Notes and"),
        ("45,231", "Goodwill Note"),
    ]
    assert all(x.scale == 1e6 and x.declared_scale for x in numbers)
