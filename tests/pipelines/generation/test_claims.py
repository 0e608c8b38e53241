"""Claims checked against a real statement: 3M's 2018 cash-flow statement (FinanceBench evidence page 60), and a
real table of counts (the NICS report), parsed by docsight's own converter and chunker."""

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from ingest.chunking.layout_chunker import LayoutChunker
from ingest.converters.pdf_layout_converter import PDFLayoutConverter
from pipelines.generation.claims import check_claims, split_sentences
from tests.conftest import corpus_file


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> list[dict]:
    original = pdfium.PdfDocument(str(corpus_file("financebench", "pdfs", "3M_2018_10K.pdf")))
    page = pdfium.PdfDocument.new()
    page.import_pages(original, [59])
    path = Path(tmp_path_factory.mktemp("page")) / "3M_2018_10K.pdf"
    page.save(str(path))
    chunks = LayoutChunker().run(documents=PDFLayoutConverter().run(sources=[path])["documents"])["documents"]
    table = [c for c in chunks if c.meta["kind"] == "table"]
    assert table, "the cash-flow statement should parse as a table"
    return [{"n": 1, "text": table[0].content, "source": "3M_2018_10K.pdf", "page": 60}]


def _figures(answer: str, sources: list[dict], question: str = "") -> dict[str, dict]:
    claims = check_claims(answer, sources, question=question)
    return {f["text"]: f for s in claims["sentences"] for f in s["figures"]}


def test_a_figure_copied_from_the_table_is_supported_with_its_row(sources) -> None:
    found = _figures("3M spent $1,577 million on property, plant and equipment in 2018 [1].", sources)
    figure = found["$1,577 million"]
    assert figure["status"] == "supported" and figure["source"] == 1 and figure["page"] == 60
    assert "(1,577)" in figure["match"] and "Purchases of property" in figure["match"]


def test_scale_words_and_rounding_within_shown_precision(sources) -> None:
    found = _figures(
        "Capital spending was $1.6 billion in 2018 [1]. Dividends were $3,193 million in 2018 [1].", sources
    )
    assert found["$1.6 billion"]["status"] == "supported"  # 1,577 in millions, rounded to one decimal
    assert found["$3,193 million"]["status"] == "supported"
    wrong = _figures("Capital spending was $1,577 billion in 2018 [1].", sources)
    assert wrong["$1,577 billion"]["status"] == "unsupported"


def test_the_question_unit_counts_for_a_bare_figure(sources) -> None:
    question = "What is the FY2018 capital expenditure amount (in USD millions) for 3M?"
    assert _figures("$1577.00", sources, question)["$1577.00"]["status"] == "unsupported"  # no citation
    claims = check_claims("$1577.00", sources, question=question, uncited_sources="all")
    assert claims["sentences"][0]["figures"][0]["status"] == "supported" and claims["found"] == 1
    assert check_claims("$1,577,000", sources, question=question, uncited_sources="all")["unsupported"] == 1


def test_a_change_between_periods_is_computed_with_its_operands(sources) -> None:
    answer = "Operating cash flow rose 3.2% from 2017 to 2018 [1]."
    figure = _figures(answer, sources)["3.2%"]
    assert figure["status"] == "computed" and figure["operation"] == "percentage change"
    assert sorted(o["text"] for o in figure["operands"]) == ["6,240", "6,439"]
    assert _figures("Operating cash flow rose -3.2% from 2017 to 2018 [1].", sources)["-3.2%"]["status"] == (
        "unsupported"
    )


def test_a_figure_of_another_period_or_a_swapped_digit_is_unsupported(sources) -> None:
    period = _figures("Purchases of property, plant and equipment were $1,373 million in 2018 [1].", sources)
    figure = period["$1,373 million"]
    assert figure["status"] == "unsupported" and "2017" in figure["reason"]
    swapped = _figures("Purchases of property, plant and equipment were $1,757 million in 2018 [1].", sources)
    assert swapped["$1,757 million"]["status"] == "unsupported"


def test_sentences_keep_their_citations_and_uncited_figures_are_flagged(sources) -> None:
    answer = "Capex was $1,577 million in 2018. [1] Dividends were $3,193 million in 2018.\n\nIt paid $9 million."
    assert [answer[s:e].strip() for s, e in split_sentences(answer)] == [
        "Capex was $1,577 million in 2018. [1]",
        "Dividends were $3,193 million in 2018.",
        "It paid $9 million.",
    ]
    claims = check_claims(answer, sources)
    first, second, third = claims["sentences"]
    assert first["citations"] == [1] and first["cited_by"] == "sentence"
    assert second["citations"] == [1] and second["cited_by"] == "paragraph"
    assert third["figures"][0]["status"] == "unsupported" and "cites no source" in third["figures"][0]["reason"]
    assert claims["line"] == "2 of 3 figures found in the cited sources"


@pytest.fixture(scope="module")
def windows(tmp_path_factory) -> list[dict]:
    """The text windows of the same page, with the table meta the chunker gives them (no header in most)."""
    original = pdfium.PdfDocument(str(corpus_file("financebench", "pdfs", "3M_2018_10K.pdf")))
    page = pdfium.PdfDocument.new()
    page.import_pages(original, [59])
    path = Path(tmp_path_factory.mktemp("windows")) / "3M_2018_10K.pdf"
    page.save(str(path))
    chunks = LayoutChunker().run(documents=PDFLayoutConverter().run(sources=[path])["documents"])["documents"]
    texts = [c for c in chunks if c.meta["kind"] == "text"]
    assert len(texts) >= 2 and any("2018" not in c.content for c in texts), "windows below the header expected"
    return [
        {
            "n": n,
            "text": c.content,
            "source": path.name,
            "page": 60,
            "table_unit": c.meta.get("table_unit", ""),
            "table_columns": c.meta.get("table_columns"),
        }
        for n, c in enumerate(texts, start=1)
    ]


def test_in_a_window_below_the_header_a_number_of_another_column_is_not_the_named_period(windows) -> None:
    assert all(w["table_columns"] == ["2018", "2017", "2016"] for w in windows)
    cited = "".join(f"[{w['n']}]" for w in windows)
    wrong = _figures(f"3M spent $1,373 million on property, plant and equipment in 2018 {cited}.", windows)
    assert wrong["$1,373 million"]["status"] == "unsupported"
    assert "has it for 2017" in wrong["$1,373 million"]["reason"]
    right = _figures(f"3M spent $1,373 million on property, plant and equipment in 2017 {cited}.", windows)
    assert right["$1,373 million"]["status"] == "supported"
    # without the table's column headers the windows cannot tell the columns apart
    bare = [{**w, "table_columns": None} for w in windows]
    blind = _figures(f"3M spent $1,373 million on property, plant and equipment in 2018 {cited}.", bare)
    assert blind["$1,373 million"]["status"] == "supported"


def test_a_negative_figure_is_not_the_difference_of_two_line_items(sources) -> None:
    plain = _figures("Dividends paid and purchases of treasury stock differed by $1,677 million in 2018 [1].", sources)
    assert plain["$1,677 million"]["status"] == "computed"
    signed = _figures("Dividends paid less purchases of treasury stock was -$1,677 million in 2018 [1].", sources)
    assert signed["-$1,677 million"]["status"] == "unsupported"


def test_the_questions_own_number_repeated_is_not_a_claim(sources) -> None:
    question = "Did 3M spend more than $1,000 million on property, plant and equipment in 2018?"
    claims = check_claims(
        "Yes, more than $1,000 million: it spent $1,577 million in 2018 [1].", sources, question=question
    )
    assert [f["text"] for s in claims["sentences"] for f in s["figures"]] == ["$1,577 million"]


def test_a_change_between_two_known_periods_has_the_direction_the_sentence_gives(sources) -> None:
    label = "Net cash provided by operating activities"
    assert _figures(f"{label} fell 6.3% from 2016 to 2017 [1].", sources)["6.3%"]["status"] == "computed"
    # written without a sign or a word of decline, a change is a rise: 6,240 after 6,662 is not
    assert _figures(f"{label} changed by 6.3% from 2016 to 2017 [1].", sources)["6.3%"]["status"] == "unsupported"
    assert _figures(f"{label} changed by 3.2% from 2017 to 2018 [1].", sources)["3.2%"]["status"] == "computed"
    question = "How much did net cash provided by operating activities decline from 2016 to 2017?"
    assert _figures("6.3% [1].", sources, question=question)["6.3%"]["status"] == "computed"


@pytest.fixture(scope="module")
def counts() -> list[dict]:
    """The NICS report's one table of counts (20+ columns, no periods), as the windows docsight makes of it."""
    path = corpus_file("parsers", "pdfplumber__nics-background-checks-2015-11.pdf")
    chunks = LayoutChunker().run(documents=PDFLayoutConverter().run(sources=[path])["documents"])["documents"]
    return [
        {"n": n, "text": c.content, "source": path.name, "page": 1, "table_columns": c.meta.get("table_columns")}
        for n, c in enumerate(chunks, start=1)
        if c.meta["kind"] == "text"
    ]


def test_a_run_of_counts_quoted_in_order_from_a_window_is_supported_and_one_changed_count_is_not(counts) -> None:
    window = next(w for w in counts if "Totals" in w["text"] and w["text"].startswith("0 0"))
    run = window["text"].split("Totals")[0].split()  # 13 small counts with no row label, then five totals
    assert len(run) >= 15 and sum(n in ("0", "1") for n in run) >= 8
    claims = check_claims(f"The counts are {' '.join(run)} [{window['n']}].", counts)
    assert claims["total"] == len(run) and claims["found"] == claims["total"], claims["line"]
    changed = [*run[:4], "7" if run[4] != "7" else "8", *run[5:]]
    figures = check_claims(f"The counts are {' '.join(changed)} [{window['n']}].", counts)["sentences"][0]["figures"]
    assert figures[4]["status"] == "unsupported"
    assert all(f["status"] == "supported" for f in figures[5:])  # the rest is still a quoted run
    assert all(f["status"] == "unsupported" for f in figures[:4])  # four zeros alone say too little to be a quote


@pytest.fixture(scope="module")
def earnings(tmp_path_factory) -> list[dict]:
    """J&J's 2023 Q2 statement of earnings (FinanceBench evidence page 10), every chunk a source: the PDF spaces some
    digits apart ("6 7.8" for 67.8), so the page holds one-digit cells beside the real amounts."""
    original = pdfium.PdfDocument(str(corpus_file("financebench", "pdfs", "JOHNSON_JOHNSON_2023Q2_EARNINGS.pdf")))
    page = pdfium.PdfDocument.new()
    page.import_pages(original, [9])
    path = Path(tmp_path_factory.mktemp("earnings")) / "JOHNSON_JOHNSON_2023Q2_EARNINGS.pdf"
    page.save(str(path))
    chunks = LayoutChunker().run(documents=PDFLayoutConverter().run(sources=[path])["documents"])["documents"]
    return [
        {
            "n": n,
            "text": c.content,
            "source": path.name,
            "page": 10,
            "table_unit": c.meta.get("table_unit", ""),
            "table_columns": c.meta.get("table_columns"),
        }
        for n, c in enumerate(chunks, start=1)
    ]


def test_a_combination_needs_operands_precise_enough_for_the_figure(earnings) -> None:
    question = "Did JnJ's net earnings as a percent of sales increase in Q2 of FY2023 compared to Q2 of FY2022?"

    def status(answer: str) -> dict:
        claims = check_claims(answer, earnings, question=question, uncited_sources="all")
        return claims["sentences"][0]["figures"][0]

    # 5,144 / 25,530: the operands' rounding moves the share by far less than a tenth of the figure
    right = status("Net earnings as a percent of sales were 20.1% in Q2 of FY2023.")
    assert right["status"] == "computed" and right["operation"] == "share"
    assert sorted(o["text"].lstrip("$ ") for o in right["operands"]) == ["25,530", "5,144"]
    # the change from 6 to 7.6 (two spaced-apart digits) is anything from 10% to 31%: not "21.0%", as it was before
    changed = check_claims(
        "Net earnings as a percent of sales increased from 20.1% in Q2 of FY2023 to 21.0% in Q2 of FY2023.",
        earnings,
        question=question,
        uncited_sources="all",
    )
    assert [f["status"] for f in changed["sentences"][0]["figures"]] == ["computed", "unsupported"]


def test_a_figure_for_a_metric_the_question_defines_is_that_formulas_value(sources) -> None:
    defined = "What is 3M's FY2018 cash conversion? Cash conversion is defined as: cash from operations / net income."
    right = check_claims("1.20", sources, question=defined, uncited_sources="all")["sentences"][0]["figures"][0]
    assert right["status"] == "computed" and right["operation"] == "cash conversion"
    assert [o["text"].lstrip("$ ") for o in right["operands"]] == ["6,439", "5,363"]
    # 2,853 / 6,439 (cash at the end of the year over operating cash flow) is a pair that happens to give 0.44: it
    # counts when no metric is named, not as the metric the question defines
    plain = check_claims("0.44", sources, question="What is 3M's FY2018 cash conversion?", uncited_sources="all")
    assert plain["sentences"][0]["figures"][0]["status"] == "computed"
    wrong = check_claims("0.44", sources, question=defined, uncited_sources="all")
    assert wrong["sentences"][0]["figures"][0]["status"] == "unsupported"
    # the metric is the one the figure's clause names: the second figure is not a cash conversion
    both = check_claims(
        "Its cash conversion was 1.20, and cash at the end of the year was 0.44 of it.",
        sources,
        question=defined,
        uncited_sources="all",
    )
    assert [f["status"] for f in both["sentences"][0]["figures"]] == ["computed", "computed"]


def test_an_inflow_and_an_outflow_net_to_their_sum_not_their_difference(sources) -> None:
    # net income 5,363 and purchases of PP&E (1,577) in 2018: 3,786 is what is left; 6,940 adds the magnitudes
    items = "net income and purchases of property, plant and equipment"
    net = _figures(f"In 2018 {items} differed by $3,786 million [1].", sources)["$3,786 million"]
    assert net["status"] == "computed" and net["operation"] == "sum"
    wrong = _figures(f"In 2018 {items} differed by $6,940 million [1].", sources)["$6,940 million"]
    assert wrong["status"] == "unsupported"
    # between two periods of one row a change across zero is a change: investing cash flow (3,086) in 2017, 222 in 2018
    label = "Net cash provided by (used in) investing activities"
    change = _figures(f"{label} rose by $3,308 million from 2017 to 2018 [1].", sources)["$3,308 million"]
    assert change["status"] == "computed" and change["operation"] == "difference"


@pytest.fixture(scope="module")
def credit(tmp_path_factory) -> list[dict]:
    """PepsiCo's 8-K of May 2023 (FinanceBench evidence page 2): two $4.2 billion "364 day" credit agreements."""
    original = pdfium.PdfDocument(str(corpus_file("financebench", "pdfs", "PEPSICO_2023_8K_dated-2023-05-30.pdf")))
    page = pdfium.PdfDocument.new()
    page.import_pages(original, [1])
    path = Path(tmp_path_factory.mktemp("credit")) / "PEPSICO_2023_8K_dated-2023-05-30.pdf"
    page.save(str(path))
    chunks = LayoutChunker().run(documents=PDFLayoutConverter().run(sources=[path])["documents"])["documents"]
    return [{"n": n, "text": c.content, "source": path.name, "page": 2} for n, c in enumerate(chunks, start=1)]


def test_an_amount_of_money_is_not_made_of_counts_of_days(credit) -> None:
    question = "As of May 26, 2023, what is the total amount Pepsico may borrow under its unsecured revolving credit?"

    def status(answer: str) -> list[tuple[str, str]]:
        claims = check_claims(answer, credit, question=question, uncited_sources="all")
        return [(f["text"], f["status"]) for s in claims["sentences"] for f in s["figures"]]

    assert "364 day" in " ".join(s["text"] for s in credit)
    assert status("PepsiCo may borrow $8,400,000,000 in total.") == [("$8,400,000,000", "computed")]
    assert status("PepsiCo may borrow $728 in total.") == [("$728", "unsupported")]  # 364 + 364 days
    assert status("The agreements run 364 days each.") == [("364", "supported")]
